"""The look every Tightrope chart shares: sign and level colours, the font and the base layout.

The Review, Patterns and packet charts all come through here, so they read as one product.
Nothing in a figure loads from another host (no web fonts, no map tiles).
"""

from __future__ import annotations

from typing import Any, Final

import plotly.graph_objects as go

from core.levels import Level

SIGN_COLOURS: Final = {"dread": "#5b6abf", "detachment": "#2a9d8f", "fatigue": "#c8553d"}
FONT: Final = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}

LEVEL_SHADES: Final = {
    Level.WATCH: "rgba(242, 169, 0, 0.18)",
    Level.CHRONIC: "rgba(214, 69, 65, 0.22)",
}
"""Background shading of the days at a level in a trend chart (light: the lines stay readable)."""
LEVEL_SWATCHES: Final = {
    Level.WATCH: "rgba(242, 169, 0, 0.6)",
    Level.CHRONIC: "rgba(214, 69, 65, 0.6)",
}
"""The same colours for a legend marker, strong enough to read as a small square."""
LEVEL_STRIPS: Final = {Level.NONE: "#eeeeee", Level.WATCH: "#f2a900", Level.CHRONIC: "#d64541"}
"""Solid colours of the level-per-day strips."""

RECURRING_COLOUR: Final = "#c0392b"
QUIET_COLOUR: Final = "#7f8c8d"
GRID: Final = "#e5e8eb"

_AXIS: Final = {
    # The margins below are minimums: labels longer than they allow widen the margin instead of
    # being cut off ("Detachment", weekday names, two-line date ticks).
    "automargin": True,
    "title": {"standoff": 12},  # an axis title clear of the tick labels
    "gridcolor": GRID,
    "zerolinecolor": GRID,
    "linecolor": GRID,
}
TEMPLATE: Final = go.layout.Template(
    layout={
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "autotypenumbers": "strict",  # a tag or code of digits stays a category
        "colorway": list(SIGN_COLOURS.values()),
    }
)
"""Every chart's own template. Set on each figure, because plotly's default template is global:
importing Streamlit's chart element replaces it with one for its frontend (no automargin,
placeholder colours), so a figure built in the server process would otherwise look different
from the same figure built by `tightrope report`."""

CHART_CONFIG: Final = {"displayModeBar": False, "displaylogo": False}
"""plotly.js options of every chart, on the pages and in the packet. No mode bar: on a phone its
buttons cover the chart's title, and dragging still zooms (a double click zooms back out)."""


def layout_settings(
    title: str, height: int, *, margin: dict[str, int], **extra: Any
) -> dict[str, Any]:
    """The layout `base_layout` gives a figure, as a dict for building a figure in one go."""
    # Font and background in the layout itself: Streamlit's chart theme overrides what a
    # template says about them on the page.
    return {
        "template": TEMPLATE,
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "height": height,
        "margin": margin,
        "font": FONT,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        **extra,
    }


def base_layout(
    fig: go.Figure, title: str, height: int, *, margin: dict[str, int], **extra: Any
) -> go.Figure:
    """The Tightrope template, the title at the left, the shared font, a white background and
    `extra` layout settings."""
    # Assigned, not passed to update_layout, which would merge it into the process's default.
    fig.layout.template = TEMPLATE
    settings = layout_settings(title, height, margin=margin, **extra)
    del settings["template"]
    fig.update_layout(settings)
    return fig
