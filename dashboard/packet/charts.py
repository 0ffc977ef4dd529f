"""The packet's charts as HTML fragments: plotly-safe text, a fixed print width, one plotly.js.

plotly.js reads a little HTML in chart text and turns <a href=...> into a real link, while a tag or
client code may hold anything: every chart goes through `safe_figure` before it is embedded.
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go
import plotly.io
import plotly.offline
from markupsafe import Markup

from dashboard.figures.style import CHART_CONFIG

FIGURE_WIDTH = 680
"""Charts are drawn this wide (CSS px): the printable width of an A4 page with 14 mm margins."""

FIGURE_CONFIG = {**CHART_CONFIG, "responsive": False}

LEGEND_BAND = 92
"""Pixels above a chart for its title and a legend of up to two rows."""

# plotly.js reads a little HTML in chart text and turns <a href=...> into a real link; a tag or
# client code may hold anything. Keep only bare formatting tags; escape every other "<…>".
_HARMLESS_TAG = re.compile(r"^</?(b|i|em|strong|sup|sub|br|extra)\s*/?>$", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>?")


def plotly_safe_text(text: str) -> str:
    """`text` with every tag except bare <b>, <i>, <br> and the like shown as text, not markup."""

    def fix(match: re.Match[str]) -> str:
        tag = match.group(0)
        return tag if _HARMLESS_TAG.match(tag) else tag.replace("<", "&lt;").replace(">", "&gt;")

    # Every "<" starts a match (the closing ">" is optional), so no bare "<" survives.
    return _ANY_TAG.sub(fix, text)


def _safe_value(value: Any) -> Any:
    if isinstance(value, str):
        return plotly_safe_text(value)
    if isinstance(value, dict):
        return {k: _safe_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_safe_value(v) for v in value]
    if hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "OU":
        return [_safe_value(v) for v in value.tolist()]
    return value


def safe_figure(fig: go.Figure) -> dict[str, Any]:
    """`fig` as a plain dict whose every text is plotly-safe, drawn at the packet's fixed width."""
    safe: dict[str, Any] = _safe_value(fig.to_dict())
    layout = safe.setdefault("layout", {})
    layout.update(width=FIGURE_WIDTH, autosize=False)
    _legend_under_title(layout, safe.get("data") or [])
    return safe


def _shows_legend(layout: dict[str, Any], data: list[dict[str, Any]]) -> bool:
    # plotly's rule: a legend appears when asked for, or by default once two traces could use it.
    if "showlegend" in layout:
        return bool(layout["showlegend"])
    return sum(trace.get("showlegend", True) is not False for trace in data) >= 2


def _legend_under_title(layout: dict[str, Any], data: list[dict[str, Any]]) -> None:
    """At print width a row legend runs into the title or the axis labels: give it a band on top."""
    legend = layout.get("legend") or {}
    if legend.get("orientation") != "h" or not _shows_legend(layout, data):
        return
    height = float(layout.get("height") or 450)
    title = layout.setdefault("title", {})
    title.update(yref="container", y=1 - 10 / height, yanchor="top")
    legend.update(yref="container", y=1 - 38 / height, yanchor="top", x=0, xanchor="left")
    layout["legend"] = legend
    margin = layout.setdefault("margin", {})
    margin["t"] = LEGEND_BAND


def figure_html(fig: go.Figure) -> Markup:
    """One chart as an HTML fragment that relies on the packet's single plotly.js."""
    # validate=False: the figure was validated when it was built; checking it again per chart
    # would cost most of the packet's time.
    html = plotly.io.to_html(
        safe_figure(fig),
        full_html=False,
        include_plotlyjs=False,
        config=FIGURE_CONFIG,
        default_width=FIGURE_WIDTH,
        validate=False,
    )
    # plotly writes the figure JSON with <, > and & as \u escapes, so no data closes the script.
    return Markup(html)  # built by plotly from escaped JSON, not from user text


def plotly_js() -> Markup:
    """plotly.js, to embed once in the packet's head."""
    js = plotly.offline.get_plotlyjs()
    if "</script" in js.lower():  # would end the inline script early; never true for plotly.js
        raise RuntimeError("plotly.js cannot be inlined safely")
    return Markup(js)  # the library's own code
