"""Journey: the CBI by keyboard only, refused beside Save, the score on Review and in the packet."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from core.checkin.instruments import CBI
from data.checkins import list_checkins
from data.db import make_engine
from data.repository import add_session
from tests.e2e.charts import label_problems
from tests.e2e.conftest import DEMO_ZONE, NetworkFence, RunningApp, go_to, open_page, wait_idle
from tests.e2e.keyboard import MAX_TABS
from tests.factories import OWNER, make_entry

pytestmark = pytest.mark.e2e

# The radio group that has the focus, by its label ("" when the focus is elsewhere).
_FOCUSED_GROUP = """() => {
  const group = document.activeElement?.closest("[role='radiogroup']");
  return group ? group.getAttribute("aria-label") : "";
}"""
# Personal items "Often" (75 points each), the others "Sometimes" (50; the reversed item too).
OPTION = {"personal": 1, "work": 2, "client": 2}


def label(number: int) -> str:
    """The label of CBI question `number`, as the page prints it."""
    item = next(i for i in CBI.items if i.number == number)
    return f"{item.number}. {item.text}"


def tab_into(page: Page, group: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focus is in the radio group labelled `group`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(_FOCUSED_GROUP) == group:
            return
    raise AssertionError(f"Tab never reached the question {group!r}")


def choose(page: Page, option: int) -> None:
    """In the focused group with nothing chosen: Space takes the first option, arrows move on."""
    page.keyboard.press("Space")
    for _ in range(option):
        page.keyboard.press("ArrowRight")


def packet_charts_whole(browser: Browser, packet: Path) -> list[str]:
    """Open the downloaded packet offline; the names of its charts, after checking their labels."""
    reader = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        reader.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:", "blob:"))
                else route.abort("blockedbyclient")
            ),
        )
        opened = reader.new_page()
        opened.goto(packet.as_uri())
        opened.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length")
        opened.wait_for_timeout(500)
        _, problems = label_problems(opened)
        assert problems == [], "labels cut off or overlapping in the packet"
        titles = opened.locator(".js-plotly-plot .gtitle").all_text_contents()
    finally:
        reader.close()
    return [str(title) for title in titles]


def test_the_cbi_by_keyboard_then_its_score_on_review_and_in_the_packet(
    page: Page,
    browser: Browser,
    fence: NetworkFence,
    app: RunningApp,
    engine: Engine,
    db_url: str,
    tmp_path: Path,
) -> None:
    now = datetime.now(DEMO_ZONE).replace(hour=9, minute=0, second=0, microsecond=0)
    for back in (1, 2, 3):
        add_session(engine, owner=OWNER, entry=make_entry(started_at=now - timedelta(days=back)))
    open_page(page, f"{app.url}/checkin", ready="Save check-in")
    main = page.get_by_test_id("stMain")
    # The questions are drawn a moment after the run ends: wait for the last one.
    expect(main.get_by_role("radiogroup", name=label(19))).to_be_visible()

    tab_into(page, label(1))
    for item in CBI.items[:-1]:  # every question but the last, one Tab apart
        assert page.evaluate(_FOCUSED_GROUP) == label(item.number)
        choose(page, OPTION[item.scale])
        page.keyboard.press("Tab")
    assert page.evaluate(_FOCUSED_GROUP) == label(19)
    page.keyboard.press("Tab")  # past the last question, left unanswered, to Save
    page.keyboard.press("Enter")
    refusal = main.get_by_test_id("stAlert").filter(has_text="Nothing was saved")
    expect(refusal).to_contain_text("Question 19 of the CBI has no answer yet.")
    wait_idle(page)
    save = main.get_by_role("button", name="Save check-in")
    save_box, refusal_box = save.bounding_box(), refusal.bounding_box()
    assert save_box is not None and refusal_box is not None
    assert 0 <= refusal_box["y"] - (save_box["y"] + save_box["height"]) < 100  # beside Save
    engine_check = make_engine(db_url)
    try:
        assert list_checkins(engine_check, owner=OWNER) == []

        # A visit to another page keeps the draft: the answers given are still there.
        go_to(page, "Weekly review")
        go_to(page, "Check-in")
        expect(main).to_contain_text("Draft kept: your 18 answers so far")
        assert list_checkins(engine_check, owner=OWNER) == []
        # Only the last question is left.
        tab_into(page, label(19))
        choose(page, OPTION["client"])
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(
            main.get_by_test_id("stAlert").filter(has_text="Saved your CBI check-in")
        ).to_be_visible()
        expect(main).to_contain_text("Personal burnout: 75 (of 0–100)")
        (record,) = list_checkins(engine_check, owner=OWNER)
        assert record.scores == {"personal": 75, "work": 50, "client": 50}
    finally:
        engine_check.dispose()
    wait_idle(page)

    go_to(page, "Weekly review")
    expect(main.get_by_role("heading", name="Check-ins")).to_be_visible()
    expect(main).to_contain_text("Personal burnout: 75 (of 0–100)")
    expect(main).to_contain_text("Work-related burnout: 50 (of 0–100)")
    expect(main).to_contain_text("your first check-in: the baseline")

    go_to(page, "Supervision packet")
    main.get_by_role("button", name="Prepare the packet").click()
    download = main.get_by_role("button", name="Download HTML")
    expect(download).to_be_visible(timeout=60_000)
    with page.expect_download() as html_download:
        download.click()
    packet = tmp_path / "packet.html"
    html_download.value.save_as(packet)
    html = packet.read_text(encoding="utf-8")
    assert "<b>Personal burnout: 75</b> (0–100)" in html
    assert "Check-in answers are left out (scores only)." in html
    assert label(1).split(". ", 1)[1] not in html  # no item without the opt-in
    assert "CBI scores over time" in packet_charts_whole(browser, packet)
