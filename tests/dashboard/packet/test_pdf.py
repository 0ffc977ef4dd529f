"""The packet as PDF via headless Chromium: pages, headline text, vector charts, network shut."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dashboard.packet.context import PacketOptions, packet_context
from dashboard.packet.pdf import (
    NO_CHROMIUM,
    ChromiumNotFoundError,
    PdfError,
    chromium_command,
    find_chromium,
    html_to_pdf,
)
from dashboard.packet.render import render_packet
from data.demo import demo_sessions

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 26)

CHROMIUM = find_chromium()
POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdfimages"))
UNDER_CI = os.environ.get("CI") == "true"

needs_chromium = pytest.mark.skipif(
    (CHROMIUM is None or not POPPLER) and not UNDER_CI,
    reason="Chromium or poppler-utils not installed (under CI=true this fails instead)",
)


def _pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
    }


def _text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


@pytest.fixture(scope="module")
def packet_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three-month demo packet printed to PDF once for the module."""
    assert CHROMIUM is not None, "Chromium is required under CI"
    sessions = demo_sessions(TODAY, BERLIN)
    options = PacketOptions(TODAY - timedelta(days=91), TODAY)
    html = render_packet(packet_context(sessions, options, today=TODAY, tz=BERLIN))
    path = tmp_path_factory.mktemp("pdf") / "packet.pdf"
    path.write_bytes(html_to_pdf(html))
    return path


@needs_chromium
def test_the_pdf_has_pages_and_the_headline(packet_pdf: Path) -> None:
    info = _pdfinfo(packet_pdf)
    assert int(info["Pages"]) >= 5  # one page per section at least
    assert "(A4)" in info["Page size"]
    text = _text(packet_pdf)
    assert "How you are doing" in text
    assert "Fatigue" in text and ("Chronic" in text or "Watch" in text)
    assert "What was my internal reaction?" in text
    assert "C-42" not in text and "C-01" not in text


@needs_chromium
def test_charts_print_as_vectors_not_pictures(packet_pdf: Path) -> None:
    # Plotly draws SVG, so lines, dots and labels stay vectors. A heatmap is an image of its
    # cells, one pixel per cell (e.g. 3 signs x 92 days): exact, never a screen-sized picture.
    listing = subprocess.run(
        ["pdfimages", "-list", str(packet_pdf)], capture_output=True, text=True, check=True
    )
    for line in listing.stdout.splitlines()[2:]:
        width, height = (int(v) for v in line.split()[3:5])
        assert width * height <= 3 * 400, line
    assert "Week of" in _text(packet_pdf)


@needs_chromium
def test_a_page_that_reaches_for_the_network_still_prints_offline(tmp_path: Path) -> None:
    html = (
        "<html><body><h1>Offline headline</h1>"
        '<img src="http://example.org/x.png"><link rel=stylesheet href="http://example.org/x.css">'
        "</body></html>"
    )
    data = html_to_pdf(html, timeout=30)
    path = tmp_path / "offline.pdf"
    path.write_bytes(data)
    assert "Offline headline" in _text(path)


@needs_chromium
def test_no_request_leaves_the_browser_even_to_this_machine() -> None:
    # A local server stands in for "the network": every request is sent to a dead proxy
    # (loopback included), so the server must see none, whatever the page asks for.
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        html = (
            "<html><head>"
            f'<link rel=stylesheet href="http://localhost:{port}/x.css">'
            "</head><body><h1>Probe</h1>"
            f'<img src="http://127.0.0.1:{port}/x.png">'
            f"<script>fetch('http://127.0.0.1:{port}/fetch').catch(() => null)</script>"
            "</body></html>"
        )
        assert html_to_pdf(html, timeout=30).startswith(b"%PDF")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


def test_the_command_blocks_the_network_and_prints_without_header(tmp_path: Path) -> None:
    command = chromium_command("chromium", tmp_path / "a.html", tmp_path / "a.pdf", tmp_path / "p")
    joined = " ".join(command)
    assert "--headless" in command and "--no-pdf-header-footer" in command
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost" in command
    assert "--proxy-server=127.0.0.1:9" in command
    assert f"--user-data-dir={tmp_path / 'p'}" in command
    assert "--disable-background-networking" in command
    assert "--virtual-time-budget=" in joined
    assert command[-1].startswith("file://")


def test_no_chromium_gives_a_plain_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert find_chromium() is None
    with pytest.raises(ChromiumNotFoundError) as caught:
        html_to_pdf("<html><body>x</body></html>")
    assert str(caught.value) == NO_CHROMIUM
    assert "HTML" in NO_CHROMIUM


def test_a_browser_that_hangs_is_stopped_with_a_clear_error(tmp_path: Path) -> None:
    hang = tmp_path / "hang"
    hang.write_text("#!/bin/sh\nsleep 30\n")
    hang.chmod(0o755)
    with pytest.raises(PdfError, match="took longer than 1 seconds"):
        html_to_pdf("<html></html>", browser=str(hang), timeout=1)


def test_a_browser_that_fails_gives_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'boom' >&2\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(PdfError, match="could not make the PDF"):
        html_to_pdf("<html></html>", browser=str(broken), timeout=10)
