"""The warning-sign figures shared by the Review page and the supervision packet."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.warnings import Assessment, assess
from dashboard.figures.signs import trend_figure
from data.demo import demo_sessions

TODAY = date(2026, 11, 20)
ZONE = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    """The demo history ending on TODAY (a fatigue episode in its last five weeks)."""
    return assess(demo_sessions(TODAY, ZONE), today=TODAY, tz=ZONE)


def _names(fig: object) -> list[str]:
    return [trace.name for trace in fig.data]  # type: ignore[attr-defined]


def test_the_trend_has_a_legend_with_the_shading_by_default(assessment: Assessment) -> None:
    start = TODAY - timedelta(days=90)
    fig = trend_figure(assessment.days, "fatigue", absolute_threshold=6, start=start)
    assert fig.layout.showlegend is not False
    assert _names(fig)[:2] == ["watch", "chronic"]
    assert "your usual level" in _names(fig)
    assert any(shape.type == "rect" for shape in fig.layout.shapes)  # the shaded episode


def test_without_a_legend_the_trend_keeps_every_line_and_the_shading(
    assessment: Assessment,
) -> None:
    start = TODAY - timedelta(days=90)
    fig = trend_figure(assessment.days, "fatigue", absolute_threshold=6, start=start, legend=False)
    assert fig.layout.showlegend is False
    assert _names(fig) == ["day value", "7-day average", "28-day average", "your usual level"]
    assert any(shape.type == "rect" for shape in fig.layout.shapes)
    assert any(a.text == "threshold 6" for a in fig.layout.annotations)
