"""Every page's address works when typed or bookmarked, and a damaged journal gets a plain page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from data.backup import timestamped_backup
from data.repository import insert_frame
from tests.data.test_damage import damage
from tests.e2e.conftest import NetworkFence, RunningApp, start_app, stop_app, wait_idle
from tests.factories import OWNER, sessions_frame

pytestmark = pytest.mark.e2e

ADDRESSES = [
    ("log", "Log a session"),
    ("review", "Weekly review"),
    ("patterns", "Patterns"),
    ("checkin", "Check-in"),
    ("supervision", "Supervision packet"),
    ("data", "Your data"),
    ("settings", "Settings"),
]


def visit(page: Page, url: str, heading: str) -> None:
    """Open `url` as if typed in the address bar; its page's heading must come, and no error."""
    page.goto(url)
    page.get_by_role("heading", name=heading, level=1).wait_for(timeout=30_000)
    wait_idle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_every_address_opens_its_page(page: Page, app: RunningApp, fence: NetworkFence) -> None:
    for path, title in ADDRESSES:
        visit(page, f"{app.url}/{path}", title)
        assert page.url == f"{app.url}/{path}"
    visit(page, f"{app.url}/", "Log a session")  # the front door leads to the Log page
    assert page.url == f"{app.url}/log"
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Log a session")
    expect(link).to_have_attribute("href", f"{app.url}/log")


@pytest.mark.parametrize("how", ["truncated", "random bytes"])
def test_a_damaged_journal_gets_a_plain_page_at_every_address(
    page: Page,
    engine: Engine,
    db_url: str,
    tmp_path: Path,
    chromium_executable: str,
    fence: NetworkFence,
    how: str,
) -> None:
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=40))
    timestamped_backup(engine)
    engine.dispose()
    journal = Path(db_url.removeprefix("sqlite:///"))
    damage(journal, how)
    process, app = start_app(db_url, tmp_path)
    try:
        for path in ["", *(p for p, _ in ADDRESSES)]:
            visit(page, f"{app.url}/{path}", "Your journal cannot be read")
            expect(page.get_by_text(f"cannot read your journal file at {journal}")).to_be_visible()
            expect(page.get_by_role("button", name="Restore this backup")).to_be_visible()
            for outside in ("Ask Google", "Ask ChatGPT"):
                expect(page.get_by_text(outside)).to_have_count(0)
        # Restored, the address in use (the last one, /settings) shows its own page again.
        page.get_by_role("button", name="Restore this backup").click()
        page.get_by_role("heading", name="Settings", level=1).wait_for(timeout=30_000)
        expect(page.get_by_text(re.compile(r"^Restored \d+ entries from backup-"))).to_be_visible()
    finally:
        stop_app(process)
