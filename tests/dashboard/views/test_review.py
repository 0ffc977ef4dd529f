"""AppTest of the Weekly review: first-run state, thin data, and the demo history."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from core.levels import Level
from core.schema import GUIDE_ACTIONS
from core.warnings import assess
from dashboard.components.page_style import STYLE
from dashboard.components.review_summary import TRENDS_CAPTION
from dashboard.figures.signs import most_pressing
from data.environment import local_timezone
from data.repository import add_session, load_sessions
from tests.dashboard.views.pages import local_today, open_page
from tests.factories import OWNER, make_entry, texts_by_class


def test_an_empty_database_shows_a_friendly_first_run_state(engine: Engine) -> None:
    at = open_page("review")
    assert any("Nothing to review yet" in info.value for info in at.info)
    assert not at.get("plotly_chart")
    assert not at.error


def test_a_few_days_show_the_thin_data_note(engine: Engine) -> None:
    now = datetime.now(local_timezone()).replace(hour=9, minute=0, second=0, microsecond=0)
    for back in (1, 2):
        add_session(
            engine, owner=OWNER, entry=make_entry(started_at=now - timedelta(days=back), fatigue=7)
        )
    at = open_page("review")
    (note,) = [info.value for info in at.info if "You have logged 2 days so far" in info.value]
    # What a provisional usual level needs (core.baseline's fallback), not "about a month".
    assert "learned from days at least 14 days old: until 10 of them are logged" in note
    assert summary(at).count('<li class="tr-tile tr-') == 3
    assert 'class="tr-status tr-chronic"' not in summary(at)


def summary(at: AppTest) -> str:
    """The HTML of the page's one summary block (status, tiles, each sign in words)."""
    (block,) = (b for b in at.html if b.value != STYLE)  # not the page-wide style
    return str(block.value)


def assessment_weeks(engine: Engine) -> dict[str, int]:
    """The fatigue row of the assessment's week table: logged days this week and the four before."""
    weeks = assess(
        load_sessions(engine, owner=OWNER), today=local_today(), tz=local_timezone()
    ).weeks
    return {k: int(weeks[k].loc["fatigue"]) for k in ("days_this_week", "days_previous_four")}


def test_demo_data_shows_tiles_explanations_charts_and_the_guides_actions(demo: Engine) -> None:
    at = open_page("review")
    assessment = assess(load_sessions(demo, owner=OWNER), today=local_today(), tz=local_timezone())
    html = summary(at)
    # The planted fatigue episode is chronic; the overall status says so, kindly, once, and the
    # guide's actions are in the same block.
    assert 'class="tr-status tr-chronic" role="status"' in html
    (status,) = texts_by_class(html, "tr-status")
    assert status.startswith(assessment.overall.explanation)
    assert status.count("not a diagnosis") == 1
    assert all(action.capitalize() in status for action in GUIDE_ACTIONS)
    # One tile per sign, in order, each with its level badge, this week's average and its change.
    tiles = texts_by_class(html, "tr-tile")
    assert [tile.split()[0] for tile in tiles] == ["Dread", "Detachment", "Fatigue"]
    assert tiles[2].startswith("Fatigue chronic")
    weeks = assessment.weeks
    for tile, sign in zip(tiles, ("dread", "detachment", "fatigue"), strict=True):
        assert f"{weeks['this_week'].loc[sign]:.1f}" in tile
        assert tile.endswith("than the 4 weeks before") or tile.endswith("as the 4 weeks before")
    # How many days the tiles rest on, said once (every entry rates all three signs).
    week = assessment_weeks(demo)
    days = f"{week['days_this_week']} logged days this week, {week['days_previous_four']} logged"
    assert days in texts_by_class(html, "tr-caption")[0]
    assert html.count(days) == 1
    # Each sign in words, with its level.
    words = texts_by_class(html, "tr-word")
    for line, sign in zip(words, ("dread", "detachment", "fatigue"), strict=True):
        sign_status = assessment.signs[sign]
        assert line == f"{sign.capitalize()} · {sign_status.level.word} {sign_status.explanation}"
    # The block ends with the heading and caption of the trend chart below it.
    assert texts_by_class(html, "tr-caption")[-1] == TRENDS_CAPTION
    assert html.rindex("<h3>Trends</h3>") > html.rindex('class="tr-word"')
    # One sign at a time, opening on the chronic sign: its trend, and its year on request.
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    assert at.button_group(key="review_sign").value == "fatigue"
    assert "Fatigue: day values" in charts[0].proto.spec
    assert at.toggle(key="review_year").value is False
    at.toggle(key="review_year").set_value(True).run()
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert "Fatigue, one square per day" in charts[1].proto.spec


def test_the_year_at_a_glance_stays_open_for_the_session(demo: Engine) -> None:
    at = open_page("review")
    at.toggle(key="review_year").set_value(True).run()
    at.switch_page("views/log.py")
    at.run()
    at.switch_page("views/review.py")
    at.run()
    assert not at.exception
    assert at.toggle(key="review_year").value is True
    assert len(at.get("plotly_chart")) == 2


@pytest.mark.parametrize("sign", ["dread", "detachment", "fatigue"])
def test_every_signs_trend_and_calendar_can_be_shown(demo: Engine, sign: str) -> None:
    at = open_page("review")
    at.button_group(key="review_sign").set_value(sign)
    at.toggle(key="review_year").set_value(True)
    at.run()
    assert not at.exception
    trend, calendar = at.get("plotly_chart")
    assert f"{sign.capitalize()}: day values and rolling averages" in trend.proto.spec
    assert f"{sign.capitalize()}, one square per day" in calendar.proto.spec
    # The threshold line and the baseline are on every sign's chart; the caption names the lines.
    assert "fixed line 6" in trend.proto.spec
    assert "your usual level" in trend.proto.spec
    assert '"showlegend":false' in trend.proto.spec.replace(" ", "")
    # No Plotly mode bar: on a phone it covers the chart's title.
    for chart in (trend, calendar):
        assert json.loads(chart.proto.config)["displayModeBar"] is False


def test_the_most_pressing_sign_is_the_highest_level_then_the_highest_average(
    demo: Engine,
) -> None:
    assessment = assess(load_sessions(demo, owner=OWNER), today=local_today(), tz=local_timezone())
    assert most_pressing(assessment) == "fatigue"
    calm = {s: replace(v, level=Level.NONE) for s, v in assessment.signs.items()}
    calm["dread"] = replace(calm["dread"], rolling_28d=9.5)
    assert most_pressing(replace(assessment, signs=calm)) == "dread"


def test_how_the_levels_work_is_drawn_once_opened(demo: Engine) -> None:
    at = open_page("review")
    assert not any("**your earlier level**" in m.value for m in at.markdown)
    at.session_state["review_levels"] = True  # what opening the expander does, then a rerun
    at.run()
    assert not at.exception
    assert any("**your earlier level**" in m.value for m in at.markdown)
