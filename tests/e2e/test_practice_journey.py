"""Journeys of a practice after sign-in: sharing with a supervisor by consent, and the lead's
practice view from the minimum group on. The same practice server as the sign-in journeys (a
real provider and PostgreSQL on 127.0.0.1); each person in a browser context of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text

from data.db import make_engine
from data.practice import MEMBERS_CHANGED_KEY, set_lead, set_min_group, set_opt_in, sign_in
from data.repository import add_session
from tests.e2e.conftest import (
    PRACTICE_DOMAIN,
    People,
    PracticeServer,
    open_page,
    wait_charts_drawn,
    wait_idle,
)
from tests.e2e.test_signin_journey import TIMEOUT
from tests.e2e.test_signin_journey import sign_in as sign_in_at_provider
from tests.factories import make_entry

CODE = "Zephyr-Q9"  # a client code and a note that must never reach anyone but their author
NOTE = "LAVENDER-ORCHID private words"


@pytest.fixture
def engines(practice: PracticeServer) -> Iterator[tuple[Engine, Engine]]:
    """The dashboard's and the administrator's engines on the practice's database."""
    app, owner = make_engine(practice.database_url), make_engine(practice.owner_url)
    yield app, owner
    app.dispose()
    owner.dispose()


def account_of(practice: PracticeServer, engine: Engine, subject: str) -> int:
    """The account `subject` got at their sign-in at the provider (the same identity again)."""
    found = sign_in(
        engine,
        issuer=practice.provider,
        subject=subject,
        display_name=subject.title(),
        email=f"{subject}@{PRACTICE_DOMAIN}",
    )
    assert found is not None
    return found


def a_month_of_entries(engine: Engine, owner: int) -> None:
    """Thirty days of sessions, fatigue high in the last two weeks, each with CODE and NOTE."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for back in range(30):
        entry = make_entry(
            started_at=now - timedelta(days=back, hours=2),
            client_code=CODE,
            note=NOTE,
            fatigue=8 if back < 16 else 2,
        )
        add_session(engine, owner=owner, entry=entry)


def main_text(page: Page) -> str:
    """Everything the main area shows."""
    return page.get_by_test_id("stMain").inner_text()


def test_a_supervisor_sees_only_what_was_shared_until_it_is_revoked(
    practice: PracticeServer, people: People, engines: tuple[Engine, Engine]
) -> None:
    app, _ = engines
    tess, sam = people.new_page(), people.new_page()
    sign_in_at_provider(tess, practice, "tess", f"tess@{PRACTICE_DOMAIN}")
    sign_in_at_provider(sam, practice, "sam", f"sam@{PRACTICE_DOMAIN}")
    a_month_of_entries(app, account_of(practice, app, "tess"))

    open_page(sam, f"{practice.url}/supervisees")
    expect(sam.get_by_test_id("stMain")).to_contain_text("Nobody shares with you yet")

    open_page(tess, f"{practice.url}/sharing", ready="Share with them")
    tess.get_by_label("Their e-mail address, the one they sign in to Tightrope with").fill(
        f"sam@{PRACTICE_DOMAIN}"
    )
    tess.get_by_role("button", name="Share with them").click()
    expect(tess.get_by_test_id("stMain")).to_contain_text("Sam sees", timeout=TIMEOUT)

    open_page(sam, f"{practice.url}/supervisees")
    expect(sam.get_by_test_id("stMain")).to_contain_text("Fatigue:", timeout=TIMEOUT)
    assert wait_charts_drawn(sam) == 1  # the trend chart Tess chose to share
    shown = main_text(sam)
    assert "Tess" in shown
    for private in (CODE, NOTE, "Zephyr", "LAVENDER"):
        assert private not in shown

    # Tess sees the look in her access log, and stops sharing.
    open_page(tess, f"{practice.url}/sharing", ready="Stop sharing")
    # The log's table replaces its empty-state sentence once someone looked.
    expect(tess.get_by_test_id("stDataFrame")).to_have_count(1, timeout=TIMEOUT)
    expect(tess.get_by_test_id("stMain")).not_to_contain_text("Nobody has looked at anything")
    tess.get_by_role("button", name="Stop sharing").click()
    expect(tess.get_by_test_id("stMain")).to_contain_text(
        "no longer sees anything", timeout=TIMEOUT
    )

    sam.reload()
    sam.get_by_test_id("stMain").get_by_text("Nobody shares with you yet").wait_for(timeout=TIMEOUT)
    wait_idle(sam)
    expect(sam.get_by_test_id("stPlotlyChart")).to_have_count(0)
    assert "Fatigue:" not in main_text(sam)


def test_the_lead_s_view_appears_at_the_minimum_group_and_not_below(
    practice: PracticeServer, people: People, engines: tuple[Engine, Engine]
) -> None:
    app, owner = engines
    lena, uma = people.new_page(), people.new_page()
    sign_in_at_provider(lena, practice, "lena", f"lena@{PRACTICE_DOMAIN}")
    sign_in_at_provider(uma, practice, "uma", f"uma@{PRACTICE_DOMAIN}")
    set_lead(owner, email=f"lena@{PRACTICE_DOMAIN}", lead=True)  # tightrope practice lead
    set_min_group(owner, size=3)  # tightrope practice min-group 3
    # Two colleagues who took part from their own Sharing pages earlier.
    for colleague in ("vic", "wes"):
        set_opt_in(app, owner=account_of(practice, app, colleague), opted_in=True)

    open_page(lena, f"{practice.url}/practice")  # the lead's navigation has it now
    expect(lena.get_by_test_id("stMain")).to_contain_text("Nothing to show yet")
    expect(lena.get_by_test_id("stPlotlyChart")).to_have_count(0)
    practice_link = lena.get_by_test_id("stSidebarNav").get_by_role("link", name="Practice view")
    expect(practice_link).to_have_count(1)

    # Uma opts in on her Sharing page: three take part, the minimum. She is no lead: her
    # navigation has no practice view, and its address does not serve it.
    # Checked once the app has run for her (her navigation is drawn), not before anything is.
    open_page(uma, f"{practice.url}/practice")
    uma.get_by_test_id("stSidebarNav").get_by_role("link", name="Sharing").wait_for(timeout=TIMEOUT)
    wait_idle(uma)
    expect(uma.get_by_role("heading", name="Practice view")).to_have_count(0)
    open_page(uma, f"{practice.url}/sharing", ready="Share with them")
    uma_nav = uma.get_by_test_id("stSidebarNav")
    expect(uma_nav.get_by_role("link", name="Sharing")).to_have_count(1)
    expect(uma_nav.get_by_role("link", name="Practice view")).to_have_count(0)
    toggle = uma.get_by_text("Count me in the practice view, without my name")
    toggle.click()
    expect(uma.get_by_test_id("stMain")).to_contain_text("You are counted", timeout=TIMEOUT)

    lena.reload()
    expect(lena.get_by_test_id("stMain")).to_contain_text("3 therapists take part", timeout=TIMEOUT)
    # Uma joined today: a week's counts seen before and after would differ by her, so the
    # counts come back tomorrow. Tomorrow, as far as the practice's record of changes goes:
    expect(lena.get_by_test_id("stMain")).to_contain_text("come back tomorrow")
    expect(lena.get_by_test_id("stPlotlyChart")).to_have_count(0)
    with owner.begin() as connection:
        connection.execute(
            text("UPDATE practice_config SET value = :when WHERE key = :key"),
            {
                "when": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
                "key": MEMBERS_CHANGED_KEY,
            },
        )
    lena.reload()
    expect(lena.get_by_test_id("stMain")).to_contain_text("3 therapists take part", timeout=TIMEOUT)
    assert wait_charts_drawn(lena) == 1
    shown = main_text(lena)
    for name in ("Uma", "Vic", "Wes", "uma@", "vic@", "wes@"):
        assert name not in shown

    # Uma leaves again: below the minimum, nothing is shown.
    uma.reload()
    uma.get_by_text("Count me in the practice view, without my name").wait_for(timeout=TIMEOUT)
    wait_idle(uma)
    uma.get_by_text("Count me in the practice view, without my name").click()
    expect(uma.get_by_test_id("stMain")).to_contain_text("no longer counted", timeout=TIMEOUT)
    lena.reload()
    expect(lena.get_by_test_id("stMain")).to_contain_text("Nothing to show yet", timeout=TIMEOUT)
    expect(lena.get_by_test_id("stPlotlyChart")).to_have_count(0)
    assert re.search(r"\b3\b", main_text(lena))  # it names the minimum group, nobody
