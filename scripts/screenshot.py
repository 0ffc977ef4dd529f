"""Take a full-page screenshot of a running Tightrope page with Debian's Chromium."""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(url: str, out: str, wait_for: str = "[data-testid='stApp']") -> None:
    """Open `url`, wait for the app (and charts, when asked) and save a PNG to `out`."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
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
