"""Plotly figures of the warning signs: plain functions, DataFrame in, go.Figure out.

They take `Assessment.days` (core.warnings, one row per day and sign) and make no Streamlit
calls, so the Review page and the supervision packet draw the very same charts; colours, font
and base layout come from dashboard.figures.style.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.levels import Level
from core.schema import RATING_MAX, RATING_MIN, SIGNS
from core.warnings import Assessment
from dashboard.figures.style import (
    LEVEL_SHADES,
    LEVEL_STRIPS,
    LEVEL_SWATCHES,
    SIGN_COLOURS,
    base_layout,
    layout_settings,
)

# The margins and legend of the trend, calendar and level charts.
_TREND_MARGIN: dict[str, int] = {"l": 40, "r": 16, "t": 40, "b": 40}
# Below the plot: above it, the legend collides with the title on narrow screens.
_TREND_LEGEND: dict[str, Any] = {
    "orientation": "h",
    "yanchor": "top",
    "y": -0.12,
    "xanchor": "left",
    "x": 0,
}


# The level strips of fewer days than this get one tick a day (milliseconds, Plotly's unit).
SHORT_STRIP_DAYS = 14
DAY_MS = 86_400_000


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    return base_layout(
        fig, title, height, margin=_TREND_MARGIN, legend=_TREND_LEGEND, hovermode="x unified"
    )


def _series(
    x: pd.Series, y: pd.Series, name: str, *, mode: str = "lines", **style: Any
) -> dict[str, Any]:
    """One series of the trend chart, its hover the value to the tenth."""
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": mode,
        "hovertemplate": "%{y:.1f}",
        **style,
    }


def _word(level: str) -> str:
    return Level(level).word if level else ""


def sign_days(days: pd.DataFrame, sign: str, start: date | None = None) -> pd.DataFrame:
    """One sign's rows of Assessment.days, from `start` on (all when None)."""
    rows = days[days["sign"] == sign]
    if start is not None:
        rows = rows[rows["day"] >= pd.Timestamp(start)]
    return rows


def most_pressing(assessment: Assessment) -> str:
    """The sign to show first: the highest warning level, then the highest 28-day average."""

    def weight(sign: str) -> tuple[int, float]:
        status = assessment.signs[sign]
        average = status.rolling_28d
        return Level(status.level).rank, -1.0 if average is None or pd.isna(average) else average

    # max keeps the first of equals, so a calm history opens on the first sign in SIGNS.
    return max(SIGNS, key=weight)


def level_spans(rows: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    """Runs of consecutive days at watch or chronic: (first day, day after the last, level)."""
    if rows.empty:
        return []
    levels = rows["level"].astype(str).to_numpy()
    change = np.flatnonzero(levels[1:] != levels[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(levels)]))
    dates = rows["day"].to_numpy()
    spans = []
    for first, last in zip(starts, ends, strict=True):
        level = levels[first]
        if level in LEVEL_SHADES:
            spans.append(
                (
                    pd.Timestamp(dates[first]),
                    pd.Timestamp(dates[last - 1]) + pd.Timedelta(days=1),
                    level,
                )
            )
    return spans


def trend_figure(
    days: pd.DataFrame,
    sign: str,
    *,
    absolute_threshold: float,
    start: date | None = None,
    height: int = 360,
    legend: bool = True,
) -> go.Figure:
    """One sign over time: day values, 7- and 28-day means, the threshold, the usual level,
    and the days at watch (amber) or chronic (red) shaded; `legend=False` when a caption says
    what each line means."""
    rows = sign_days(days, sign, start)
    title = f"{sign.capitalize()}: day values and rolling averages"
    # Built as one dict, validated once by go.Figure: the same figure through add_vrect,
    # add_hline and update_layout took ~40 ms a Review run (a year of entries), nearly all of it
    # plotly checking each update (tests/dashboard/figures/test_signs.py compares the two).
    layout = layout_settings(
        title, height, margin=_TREND_MARGIN, legend=_TREND_LEGEND, hovermode="x unified"
    )
    if rows.empty:
        layout["annotations"] = [
            {
                "text": "No entries in this period",
                "showarrow": False,
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
            }
        ]
        return go.Figure({"layout": layout})
    if not legend:
        # In Chromium a six-entry legend costs about as much drawing as the lines themselves
        # (BENCHMARKS.md, Review page); without it the plot also keeps the legend's band.
        layout["showlegend"] = False
        layout["margin"] = {**_TREND_MARGIN, "b": 30}
    colour = SIGN_COLOURS.get(sign, "#444")
    shading = [
        {
            "type": "rect",
            "x0": first,
            "x1": after,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
            "fillcolor": LEVEL_SHADES[Level(level)],
            "line": {"width": 0},
            "layer": "below",
        }
        for first, after, level in level_spans(rows)
    ]
    # Legend entries for the shading (a shape has none).
    swatches = [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "name": level.word,
            "marker": {"size": 12, "symbol": "square", "color": swatch},
            "hoverinfo": "skip",
        }
        for level, swatch in (LEVEL_SWATCHES.items() if legend else ())
    ]
    logged = rows[rows["value"].notna()]
    when = rows["day"]
    lines = [
        _series(
            logged["day"],
            logged["value"],
            "day value",
            mode="markers",
            marker={"size": 5, "color": colour, "opacity": 0.45},
        ),
        _series(
            when,
            rows["rolling_7d"],
            "7-day average",
            line={"color": colour, "width": 2},
            connectgaps=False,
        ),
        _series(
            when,
            rows["rolling_28d"],
            "28-day average",
            line={"color": colour, "width": 3, "dash": "dot"},
        ),
        _series(
            when,
            rows["baseline"],
            "your usual level",
            line={"color": "#555", "width": 1.5, "dash": "dash", "shape": "hv"},
        ),
    ]
    threshold = {
        "type": "line",
        "x0": 0,
        "x1": 1,
        "xref": "x domain",
        "y0": absolute_threshold,
        "y1": absolute_threshold,
        "yref": "y",
        "line": {"color": "#b3261e", "width": 1, "dash": "dashdot"},
    }
    layout["shapes"] = [*shading, threshold]
    layout["annotations"] = [
        {
            "text": f"fixed line {absolute_threshold:g}",
            "showarrow": False,
            "x": 0,
            "xanchor": "left",
            "xref": "x domain",
            "y": absolute_threshold,
            "yanchor": "bottom",
            "yref": "y",
            "font": {"size": 11},
        }
    ]
    layout["yaxis"] = {
        "range": [RATING_MIN - 0.3, RATING_MAX + 0.3],
        "gridcolor": "#eee",
        "dtick": 2,
    }
    layout["xaxis"] = {"gridcolor": "#f3f3f3", "type": "date"}
    fig = go.Figure({"data": [*swatches, *lines], "layout": layout})
    # No y-axis title; an update, not the dict, which leaves out an empty one (the JSON says
    # "title": {} as it always has).
    fig.layout.yaxis.update(title=None)
    return fig


def calendar_figure(
    days: pd.DataFrame, sign: str, *, end: date, weeks: int = 53, height: int = 230
) -> go.Figure:
    """A year at a glance: one cell per day (columns are weeks, rows weekdays), gaps blank."""
    # Start on the Monday `weeks` weeks before the week of `end`, so columns are whole weeks.
    last_monday = end - timedelta(days=end.weekday())
    first = last_monday - timedelta(weeks=weeks - 1)
    calendar = pd.date_range(first, last_monday + timedelta(days=6), freq="D")
    rows = sign_days(days, sign).set_index("day")
    values = rows["value"].reindex(calendar).to_numpy(dtype="float64", na_value=np.nan, copy=True)
    levels = rows["level"].astype(str).reindex(calendar).fillna("").to_numpy()
    values[calendar > pd.Timestamp(end)] = np.nan
    grid = values.reshape(weeks, 7).T  # rows: Mon..Sun, columns: weeks
    dates = np.array([d.strftime("%a %d %b %Y") for d in calendar]).reshape(weeks, 7).T
    words = np.vectorize(_word)(levels).reshape(weeks, 7).T
    week_starts = calendar[::7]
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=week_starts,
            y=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            zmin=RATING_MIN,
            zmax=RATING_MAX,
            colorscale=[[0, "#f7fbff"], [0.3, "#fde0c5"], [0.6, "#f59e72"], [1, "#a1001f"]],
            xgap=2,
            ygap=2,
            customdata=np.dstack((dates, words)),
            hovertemplate="%{customdata[0]}: %{z:.1f} (%{customdata[1]})<extra></extra>",
            colorbar=dict(title=dict(text=sign), thickness=10, len=0.9),
            hoverongaps=False,
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, tickformat="%b %Y", dtick="M2")
    fig = _layout(fig, f"{sign.capitalize()}, one square per day (blank: no sessions)", height)
    fig.update_layout(hovermode="closest")
    return fig


def levels_figure(days: pd.DataFrame, *, start: date | None = None, height: int = 180) -> go.Figure:
    """The level of each sign per day as three coloured strips (grey none, amber watch, red
    chronic): the warning history at a glance."""
    z, hover = [], []
    x: pd.Series = pd.Series([], dtype="datetime64[us]")
    for sign in SIGNS:
        rows = sign_days(days, sign, start)
        x = rows["day"]
        levels = rows["level"].astype(str)
        z.append(levels.map(lambda level: Level(level).rank).to_numpy())
        hover.append(levels.map(_word).to_numpy())
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=[s.capitalize() for s in SIGNS],
            zmin=0,
            zmax=2,
            # One solid band per rank (0, 1, 2 on a 0-2 scale).
            colorscale=[
                [edge, LEVEL_STRIPS[level]]
                for level, edges in zip(Level, ((0, 0.33), (0.34, 0.66), (0.67, 1)), strict=True)
                for edge in edges
            ],
            showscale=False,
            customdata=hover,
            hovertemplate="%{y}, %{x|%a %d %b %Y}: %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    if len(x) and x.iloc[-1] - x.iloc[0] < pd.Timedelta(days=SHORT_STRIP_DAYS):
        # A few days: one tick a day, never Plotly's hours (a "12:00" tick with the date
        # beneath it on the first day's left edge, drawn below the chart).
        fig.update_xaxes(dtick=DAY_MS, tickformat="%d %b")
    fig = _layout(fig, "Warning levels per day", height)
    fig.update_layout(hovermode="closest")
    return fig
