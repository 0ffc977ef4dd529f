"""Journey (a): log three sessions with the keyboard only and find them in the recent list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from data.db import make_engine
from data.repository import load_sessions
from tests.e2e.conftest import NetworkFence, RunningApp, open_page, wait_idle
from tests.e2e.keyboard import set_slider, tab_to
from tests.factories import OWNER

pytestmark = pytest.mark.e2e

SESSIONS = [
    ("C-07", {"Dread": 4, "Detachment": 3, "Fatigue": 5}),
    ("Heron-2", {"Dread": 7, "Detachment": 2, "Fatigue": 6}),
    ("C-31", {"Dread": 1, "Detachment": 0, "Fatigue": 9}),
]


def test_three_sessions_logged_by_keyboard_are_listed(
    page: Page, fence: NetworkFence, app: RunningApp
) -> None:
    open_page(page, app.url, ready="Save session")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("No sessions logged yet")).to_be_visible()

    for code, ratings in SESSIONS:
        wait_idle(page)
        expect(main.get_by_label("Dread")).to_be_enabled()
        tab_to(page, "Client code")
        page.keyboard.type(code)
        expect(page.get_by_role("option", name=f"Add: {code}")).to_be_visible()
        page.keyboard.press("Enter")
        for sign, value in ratings.items():
            set_slider(page, sign, value)
        tab_to(page, "Save session")
        page.keyboard.press("Enter")
        summary = ", ".join(f"{sign.lower()} {value}" for sign, value in ratings.items())
        saved = main.get_by_test_id("stAlert").filter(has_text=f"Saved {code} at")
        expect(saved).to_contain_text(summary)

    # One list item per session: its line holds the code and the dotted ratings.
    rows = main.get_by_test_id("stMarkdownContainer").locator("li")
    for code, ratings in SESSIONS:
        line = " · ".join(f"{sign.lower()} {value}" for sign, value in ratings.items())
        expect(rows.filter(has_text=code).filter(has_text=line)).to_have_count(1)
    expect(main.get_by_text("No sessions logged yet")).to_have_count(0)


def test_reflection_opened_by_keyboard_keeps_the_ratings_already_set(
    page: Page, fence: NetworkFence, app: RunningApp, db_url: str
) -> None:
    # The reflection fields are drawn only once the expander is opened, which reruns the form:
    # values set before that (not yet saved) must survive it and be saved with the note.
    open_page(page, app.url, ready="Save session")
    main = page.get_by_test_id("stMain")
    tab_to(page, "Client code")
    page.keyboard.type("C-12")
    expect(page.get_by_role("option", name="Add: C-12")).to_be_visible()
    page.keyboard.press("Enter")
    set_slider(page, "Fatigue", 6)
    expect(main.locator("textarea")).to_have_count(0)
    # The expander's focusable summary reads its arrow icon's ligature name before the label.
    tab_to(page, "keyboard_arrow_right\n\nReflection and private note (optional)")
    page.keyboard.press("Enter")
    expect(main.locator("textarea")).to_have_count(4)
    wait_idle(page)
    tab_to(page, "Private note (never in a packet unless you opt in)")
    page.keyboard.type("long day")
    tab_to(page, "Save session")
    page.keyboard.press("Enter")
    expect(main.get_by_test_id("stAlert").filter(has_text="Saved C-12 at")).to_contain_text(
        "fatigue 6"
    )
    engine = make_engine(db_url)
    try:
        saved = load_sessions(engine, owner=OWNER).iloc[0]
    finally:
        engine.dispose()
    assert (saved["client_code"], saved["fatigue"], saved["note"]) == ("C-12", 6, "long day")
