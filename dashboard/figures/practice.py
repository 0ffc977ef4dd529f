"""The practice view's chart: how many opted-in therapists were at each level, week by week."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.levels import LEVELS, Level
from core.practice import WEEK_END
from dashboard.figures.style import LEVEL_STRIPS, base_layout

_COLOURS = {**LEVEL_STRIPS, Level.NONE: "#b8c4cc"}  # none a quiet grey that still shows


def practice_figure(counts: pd.DataFrame, *, height: int = 320) -> go.Figure:
    """Stacked bars per week (its last day): therapists at none, watch and chronic."""
    fig = go.Figure()
    for name in LEVELS:
        level = Level(name)
        fig.add_trace(
            go.Bar(
                x=counts[WEEK_END],
                y=counts[name],
                name=level.label,
                marker_color=_COLOURS[level],
                hovertemplate=f"%{{x|%d %b}}: %{{y}} at {level.word}<extra></extra>",
            )
        )
    fig = base_layout(
        fig,
        "Therapists who opted in, by warning level, week by week",
        height,
        margin={"l": 40, "r": 16, "t": 40, "b": 40},
        barmode="stack",
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0},
    )
    fig.update_xaxes(tickformat="%d %b")
    fig.update_yaxes(title_text="therapists", rangemode="tozero", dtick=1)
    return fig
