"""HTML to PDF with the headless Chromium on this machine, the network blocked while it prints."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 60.0
# Virtual time lets plotly finish drawing without a fixed sleep: Chromium fast-forwards timers
# and prints as soon as the page is idle or this budget (in virtual milliseconds) is spent.
DRAW_BUDGET_MS = 5000

NO_CHROMIUM = (
    "A PDF needs the Chromium (or Chrome) browser, and none was found on this computer. "
    "Download the HTML packet instead: it opens in any browser and prints to PDF from there."
)


class PdfError(RuntimeError):
    """Making the PDF failed; the message is meant for the therapist."""


class ChromiumNotFoundError(PdfError):
    """No headless Chromium or Chrome is installed."""


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome binary on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


# Headless Chromium as root on a machine without a display or network: no sandbox, no GPU, and
# none of the background requests Chromium makes on its own (updates, sync, first-run pages).
OFFLINE_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_command(browser: str, source: Path, target: Path, profile: Path) -> list[str]:
    """The command that prints `source` (an HTML file) to `target` with every network path shut."""
    return [
        browser,
        "--headless",
        *OFFLINE_FLAGS,
        "--disable-extensions",
        "--disable-default-apps",
        "--no-default-browser-check",
        "--mute-audio",
        # Every host name fails to resolve and every connection goes to a closed local port:
        # the packet is self-contained, and a stray reference must not reach the network.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={profile}",
        "--run-all-compositor-stages-before-draw",
        f"--virtual-time-budget={DRAW_BUDGET_MS}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={target}",
        source.as_uri(),
    ]


def _stop(process: subprocess.Popen[bytes]) -> None:
    # Chromium starts helper processes in its own session: end that whole group, ours alone.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def html_to_pdf(
    html: str, *, browser: str | None = None, timeout: float = TIMEOUT_SECONDS
) -> bytes:
    """Render `html` to PDF bytes; raises ChromiumNotFoundError or PdfError with a plain message."""
    browser = browser or find_chromium()
    if browser is None:
        raise ChromiumNotFoundError(NO_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="tightrope-pdf-") as folder:
        work = Path(folder)
        source, target, profile = work / "packet.html", work / "packet.pdf", work / "profile"
        source.write_text(html, encoding="utf-8")
        profile.mkdir()
        command = chromium_command(browser, source, target, profile)
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise PdfError(
                f"Making the PDF took longer than {timeout:.0f} seconds and was stopped. "
                "Download the HTML packet instead; it prints to PDF from any browser."
            ) from None
        finally:
            if process.poll() is None:
                _stop(process)
        # Helpers can outlive the main process for a moment; end the group so none lingers.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        data = target.read_bytes() if target.exists() else b""
        if process.returncode != 0 or not data.startswith(b"%PDF"):
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if stderr else []
            log.warning("chromium failed with code %s: %s", process.returncode, detail)
            raise PdfError(
                "The browser could not make the PDF. Download the HTML packet instead; "
                "it prints to PDF from any browser."
            )
    log.info("made a PDF of %d bytes in %.1f s", len(data), time.perf_counter() - started)
    return data
