"""Open the dashboard in the default browser once its server answers (`tightrope run --open`).

`tightrope run` replaces itself with the Streamlit server (so Ctrl+C reaches it directly), so the
waiting happens in a small helper process started just before: `python -m dashboard.cli.opener
URL` polls Streamlit's health endpoint, then asks `webbrowser` (which honours $BROWSER) to open
the page, once. It gives up quietly when the server does not answer in time or has stopped.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from collections.abc import Callable

HEALTH = "/_stcore/health"
TIMEOUT_S = 60.0
POLL_S = 0.25


def answers(url: str) -> bool:
    """Whether the Streamlit server at `url` says it is healthy."""
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until_ready(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    still_running: Callable[[], bool] = lambda: True,
    poll: float = POLL_S,
) -> bool:
    """Poll the server at `url` until it answers (True), it stops or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and still_running():
        if answers(url):
            return True
        time.sleep(poll)
    return False


def open_when_ready(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    still_running: Callable[[], bool] = lambda: True,
    open_page: Callable[[str], bool] = webbrowser.open,
) -> bool:
    """Wait until the server at `url` answers, then open `url` once; False if it never did."""
    if not wait_until_ready(url, timeout=timeout, still_running=still_running):
        return False
    if not open_page(url):
        print(f"Could not open a browser; open {url} yourself.", file=sys.stderr)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard.cli.opener URL PID`: wait for the server with process id PID."""
    url, pid = argv if argv is not None else sys.argv[1:]
    # Fork and let the first process end at once: `tightrope run` waits for it, then becomes the
    # server, and the waiting child is adopted and reaped by init instead of left a zombie.
    if hasattr(os, "fork") and os.fork() != 0:
        return 0
    open_when_ready(url, still_running=lambda: _alive(int(pid)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
