"""The pattern figures: plain DataFrame -> go.Figure functions, empty states, escaped labels."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.patterns import PatternReport, find_patterns
from core.schema import SIGNS, as_sessions
from dashboard.figures.patterns import (
    RECURRING_COLOUR,
    client_figure,
    effects_figure,
    heatmap_figure,
    load_figure,
    scenario_figure,
)
from data.demo import demo_sessions

TODAY = date(2026, 11, 26)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def demo() -> PatternReport:
    """The pattern analysis of the demo history."""
    return find_patterns(demo_sessions(TODAY, BERLIN), today=TODAY, tz=BERLIN)


def test_every_figure_draws_the_demo(demo: PatternReport) -> None:
    figures = [
        *(effects_figure(demo.comparisons, sign) for sign in SIGNS),
        scenario_figure(demo.comparisons),
        heatmap_figure(demo.sessions, "dread"),
        load_figure(demo.sessions),
        client_figure(demo.sessions, "C-42"),
    ]
    for fig in figures:
        assert isinstance(fig, go.Figure)
        assert fig.data, fig.layout.title.text
        fig.to_json()


def test_the_dot_chart_shows_recurring_groups_in_red_and_at_most_top_rows(
    demo: PatternReport,
) -> None:
    fig = effects_figure(demo.comparisons, "dread", top=10)
    dots = fig.data[0]
    assert len(dots.y) == 10
    assert "client C-42" in dots.y
    colours = dict(zip(dots.y, dots.marker.color, strict=True))
    assert colours["client C-42"] == RECURRING_COLOUR
    assert list(dots.x) == sorted(dots.x)  # largest at the top


def test_the_heatmap_cell_is_the_mean_difference_of_its_sessions(demo: PatternReport) -> None:
    fig = heatmap_figure(demo.sessions, "fatigue")
    heat = fig.data[0]
    cell = demo.sessions[
        (demo.sessions["weekday"] == "Monday") & (demo.sessions["time_of_day"] == "morning")
    ]
    row, column = list(heat.y).index("Monday"), list(heat.x).index("morning")
    assert heat.z[row][column] == pytest.approx(cell["fatigue_diff"].mean())


def test_the_load_chart_has_one_dot_per_logged_day(demo: PatternReport) -> None:
    fig = load_figure(demo.sessions)
    assert len(fig.data[0].y) == demo.sessions["day"].nunique()


def test_empty_inputs_give_a_friendly_figure(demo: PatternReport) -> None:
    none = demo.comparisons.iloc[0:0]
    nobody = demo.sessions.iloc[0:0]
    for fig in (
        effects_figure(none, "dread"),
        scenario_figure(none),
        heatmap_figure(nobody, "dread"),
        load_figure(nobody),
        client_figure(demo.sessions, "C-nobody"),
    ):
        assert not fig.data
        assert fig.layout.annotations[0].text


def test_user_strings_are_escaped_wherever_plotly_reads_markup() -> None:
    code, tag = "<b>C-1</b>", '<a href="http://example.org/x">tag</a>'
    start = datetime(2026, 1, 5, 9, tzinfo=BERLIN)
    rows = [
        {
            "started_at": start + timedelta(days=d, hours=h),
            "client_code": code if h == 0 else f"C-{h}",
            "dread": int(np.clip(3 + (d + h) % 3, 0, 10)),
            "detachment": 3,
            "fatigue": 3,
            "scenarios": [tag] if h == 0 else [],
        }
        for d in range(42)
        for h in range(3)
    ]
    report = find_patterns(as_sessions(pd.DataFrame(rows)), today=date(2026, 3, 1), tz=BERLIN)
    figures = [
        effects_figure(report.comparisons, "dread", top=100),
        scenario_figure(report.comparisons),
        client_figure(report.sessions, code),
    ]
    # to_dict, not to_json: the JSON encoder writes "<" as \u003c, which would hide a raw tag.
    for fig in figures:
        text = str(fig.to_dict())
        assert "<a href" not in text and "<b>C-1" not in text
    assert "&lt;b&gt;C-1" in str(figures[0].to_dict())
    assert "&lt;a href=" in str(figures[1].to_dict())
    assert "&lt;b&gt;C-1" in str(figures[2].to_dict())
