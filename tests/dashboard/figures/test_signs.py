"""The warning-sign figures shared by the Review page and the supervision packet."""

from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import pytest

from core.levels import Level
from core.warnings import Assessment, assess
from dashboard.figures.signs import DAY_MS, level_spans, levels_figure, sign_days, trend_figure
from dashboard.figures.style import LEVEL_SHADES, LEVEL_SWATCHES, SIGN_COLOURS, base_layout
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
    assert any(a.text == "fixed line 6" for a in fig.layout.annotations)


def _trend_by_updates(
    days: pd.DataFrame, sign: str, *, cut: float, start: date | None, legend: bool
) -> go.Figure:
    """The trend chart as plotly's update calls build it (how trend_figure was written before it
    built one dict): the reference its figure must equal."""
    rows = sign_days(days, sign, start)
    fig = go.Figure()
    margin = {"l": 40, "r": 16, "t": 40, "b": 40}
    legend_at = {"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0}
    title = f"{sign.capitalize()}: day values and rolling averages"
    if rows.empty:
        fig.add_annotation(
            text="No entries in this period", showarrow=False, x=0.5, y=0.5, xref="paper",
            yref="paper",
        )  # fmt: skip
        return base_layout(fig, title, 360, margin=margin, legend=legend_at, hovermode="x unified")
    colour = SIGN_COLOURS[sign]
    for first, after, level in level_spans(rows):
        fig.add_vrect(
            x0=first, x1=after, fillcolor=LEVEL_SHADES[Level(level)], line_width=0, layer="below"
        )
    for level, swatch in LEVEL_SWATCHES.items() if legend else ():
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=level.word, hoverinfo="skip",
                marker=dict(size=12, symbol="square", color=swatch),
            )
        )  # fmt: skip
    logged = rows[rows["value"].notna()]
    line = dict(mode="lines", hovertemplate="%{y:.1f}")
    fig.add_traces(
        [
            go.Scatter(
                x=logged["day"], y=logged["value"], name="day value", mode="markers",
                hovertemplate="%{y:.1f}", marker=dict(size=5, color=colour, opacity=0.45),
            ),
            go.Scatter(
                x=rows["day"], y=rows["rolling_7d"], name="7-day average", **line,
                line=dict(color=colour, width=2), connectgaps=False,
            ),
            go.Scatter(
                x=rows["day"], y=rows["rolling_28d"], name="28-day average", **line,
                line=dict(color=colour, width=3, dash="dot"),
            ),
            go.Scatter(
                x=rows["day"], y=rows["baseline"], name="your usual level", **line,
                line=dict(color="#555", width=1.5, dash="dash", shape="hv"),
            ),
        ]
    )  # fmt: skip
    fig.add_hline(
        y=cut,
        line=dict(color="#b3261e", width=1, dash="dashdot"),
        annotation_text=f"fixed line {cut:g}",
        annotation_position="top left",
        annotation_font_size=11,
    )
    fig.update_yaxes(range=[-0.3, 10.3], title=None, gridcolor="#eee", dtick=2)
    fig.update_xaxes(gridcolor="#f3f3f3", type="date")
    fig = base_layout(fig, title, 360, margin=margin, legend=legend_at, hovermode="x unified")
    if not legend:
        fig.update_layout(showlegend=False, margin=dict(b=30))
    return fig


@pytest.mark.parametrize("sign", ["dread", "fatigue"])
@pytest.mark.parametrize("since", [None, 90, -5])  # everything, three months, nothing (future)
@pytest.mark.parametrize("legend", [True, False])
def test_the_trend_built_in_one_go_is_the_figure_plotlys_updates_make(
    assessment: Assessment, sign: str, since: int | None, legend: bool
) -> None:
    start = None if since is None else TODAY - timedelta(days=since)
    fig = trend_figure(assessment.days, sign, absolute_threshold=6.5, start=start, legend=legend)
    reference = _trend_by_updates(assessment.days, sign, cut=6.5, start=start, legend=legend)
    assert any(s.type == "rect" for s in fig.layout.shapes) == (since != -5 and sign == "fatigue")
    # As sent to the browser: the JSON of to_plotly_json (its arrays compare as data, not objects).
    assert json.loads(fig.to_json()) == json.loads(reference.to_json())


def test_a_few_days_of_levels_are_ticked_by_day_not_by_hour(assessment: Assessment) -> None:
    # Four days across a month's end: Plotly alone ticked them at 12:00 with the date below,
    # the first on the left edge, drawn outside the packet's chart.
    few = levels_figure(assessment.days, start=TODAY - timedelta(days=3))
    assert (few.layout.xaxis.dtick, few.layout.xaxis.tickformat) == (DAY_MS, "%d %b")
    # Months of days keep Plotly's own ticks.
    many = levels_figure(assessment.days, start=TODAY - timedelta(days=90))
    assert many.layout.xaxis.dtick is None
