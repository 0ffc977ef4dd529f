"""The check-in chart: each scale's score per check-in over time (records in, go.Figure out).

A CBI chart has no bands (the CBI has no official cut-off); a ProQOL 5 chart shades its own
published bands lightly. No Streamlit calls, so the page and the packet draw the same chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import plotly.graph_objects as go

from core.checkin.change import score_history
from core.checkin.instruments import Instrument
from core.checkin.record import CheckinRecord
from dashboard.figures.style import base_layout

SCALE_COLOURS: Final = ("#5b6abf", "#c8553d", "#2a9d8f")
"""One colour per scale, in the instrument's order (the signs' palette: one product)."""
BAND_SHADES: Final = (
    "rgba(42, 157, 143, 0.06)",
    "rgba(242, 169, 0, 0.08)",
    "rgba(214, 69, 65, 0.08)",
)


def scores_figure(
    instrument: Instrument, records: Sequence[CheckinRecord], *, height: int = 340
) -> go.Figure:
    """Each scale of `instrument` over its check-ins in `records`, one line per scale."""
    steps = score_history(instrument, records)
    fig = go.Figure()
    for index, scale in enumerate(instrument.scales):
        mine = [s for s in steps if s.scale == scale.key]
        fig.add_trace(
            go.Scatter(
                x=[s.day for s in mine],
                y=[s.score for s in mine],
                name=scale.title,
                mode="lines+markers",
                line={"color": SCALE_COLOURS[index % len(SCALE_COLOURS)], "width": 2},
                marker={"size": 8},
                hovertemplate="%{x|%d %b %Y}: %{y:.1f}<extra>" + scale.title + "</extra>",
            )
        )
    for band, shade in zip(instrument.scales[0].bands, BAND_SHADES, strict=False):
        fig.add_hrect(y0=band.low, y1=band.high, fillcolor=shade, line_width=0, layer="below")
    low = min(s.low for s in instrument.scales)
    high = max(s.high for s in instrument.scales)
    fig = base_layout(
        fig,
        f"{instrument.short_name} scores over time",
        height,
        margin={"l": 40, "r": 16, "t": 40, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "xanchor": "left", "x": 0},
    )
    fig.update_yaxes(range=[low - (high - low) * 0.03, high + (high - low) * 0.03], title="score")
    fig.update_xaxes(title=None)
    return fig
