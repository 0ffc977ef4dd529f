"""The packet's Check-ins section: scores, reliable change and credit lines; answers on opt-in."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from core.checkin.instruments import CBI, PROQOL
from dashboard.packet.context import PacketOptions, load_packet
from dashboard.packet.render import render_packet
from data.checkins import add_checkin
from data.demo import seed_demo
from tests.dashboard.packet.test_context import LIBRARY_MARK, parse
from tests.factories import OWNER, checkin_answers

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 26)
START = TODAY - timedelta(days=27)


@pytest.fixture
def demo(engine: Engine) -> Engine:
    """The demo journal with its six monthly check-ins, the last on 21 November."""
    seed_demo(engine, TODAY, BERLIN, owner=OWNER)
    return engine


def html(engine: Engine, *, start: date = START, end: date = TODAY, **options: bool) -> str:
    """The rendered packet of `owner`'s journal for the period."""
    context = load_packet(
        engine, PacketOptions(start, end, **options), owner=OWNER, today=TODAY, tz=BERLIN
    )
    return render_packet(context)


def test_the_latest_scores_their_changes_and_the_credit_line(demo: Engine) -> None:
    document = parse(html(demo))
    visible = document.visible
    assert "Check-ins" in visible
    assert "Copenhagen Burnout Inventory, 21 Nov 2026 (6 so far)" in visible
    assert "Work-related burnout: 60.7 (0–100)" in visible
    assert (
        "Work-related burnout: 35.7 → 60.7 since the previous check-in, reliably worse." in visible
    )
    assert "no official cut-off" in visible
    assert " ".join(CBI.credit.split()) in visible
    assert visible.index("Recurring patterns") < visible.index("Check-ins")
    assert visible.index("Check-ins") < visible.index("For supervision")
    charts = [s for s in document.scripts if LIBRARY_MARK not in s]
    assert any("CBI scores over time" in chart for chart in charts)
    # No item answer without the opt-in, and the packet says so.
    assert CBI.items[0].text not in visible
    assert "Check-in answers are left out (scores only)." in visible


def test_answers_only_when_opted_in(demo: Engine) -> None:
    visible = parse(html(demo, include_checkin_answers=True)).visible
    assert "How often do you feel tired?" in visible
    assert "your answer to each check-in question" in visible
    assert "Check-in answers are left out" not in visible


def test_a_period_before_the_first_check_in_has_no_section(demo: Engine) -> None:
    # The first demo check-in is on 4 July; June has sessions but no check-in yet.
    visible = parse(html(demo, start=date(2026, 6, 1), end=date(2026, 6, 28))).visible
    assert "How you are doing" in visible and "Check-ins" not in visible


def test_a_proqol_check_in_brings_its_scores_bands_change_and_both_credit_lines(
    demo: Engine,
) -> None:
    # Burnout items 1, 4, 15, 17, 29 are reversed: "Often" (4) there counts 2, elsewhere 4.
    add_checkin(
        demo,
        owner=OWNER,
        day=date(2026, 10, 24),
        instrument="proqol",
        answers=checkin_answers("proqol", option=1),
    )
    add_checkin(
        demo,
        owner=OWNER,
        day=date(2026, 11, 21),
        instrument="proqol",
        answers=checkin_answers("proqol", option=3),
    )
    visible = " ".join(parse(html(demo)).visible.split())
    assert "Professional Quality of Life Scale, version 5, 21 Nov 2026 (2 so far)" in visible
    assert "Compassion satisfaction: 40 (10–50)" in visible
    assert "Compassion satisfaction: 20 → 40 since the previous check-in, reliably better." in (
        visible
    )
    assert "Secondary traumatic stress: 20 → 40 since the previous check-in, reliably worse." in (
        visible
    )
    assert "moderate on the ProQOL's own bands" in visible
    assert " ".join(PROQOL.credit.split()) in visible
    assert " ".join(CBI.credit.split()) in visible  # the CBI's latest stays beside it
    assert PROQOL.items[0].text not in visible  # no item without the opt-in
