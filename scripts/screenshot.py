"""Take a full-page screenshot of a running Tightrope page with Debian's Chromium."""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

from dashboard.packet.pdf import OFFLINE_FLAGS


def main(url: str, out: str, wait_for: str = "[data-testid='stApp']") -> None:
    """Open `url`, wait for the app (and charts, when asked) and save a PNG to `out`."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=list(OFFLINE_FLAGS))
        page = browser.new_page(
            viewport={"width": 1300, "height": int(os.environ.get("SHOT_HEIGHT", "1000"))}
        )
        page.goto(url)
        page.wait_for_selector(wait_for, timeout=30_000)
        page.wait_for_timeout(2500)
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
