"""The packet as one self-contained HTML document: the context filled into packet.html.j2.

Jinja2 autoescape is on (dashboard.templating), so every user string is escaped; Markup only
where the charts were built in Python (dashboard.packet.charts).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import Engine

from core.schema import SIGNS
from dashboard.packet.charts import plotly_js
from dashboard.packet.context import PacketContext, PacketOptions, fmt_day, load_packet
from dashboard.templating import environment

TEMPLATE = "packet.html.j2"


def render_packet(context: PacketContext) -> str:
    """The packet as one self-contained HTML document."""
    template = environment().get_template(TEMPLATE)  # autoescaped: Markup only where built above
    return template.render(
        options=context.options,
        generated=fmt_day(context.generated),
        summary=context.summary,
        s=context.sections,
        empty=context.empty,
        signs=SIGNS,
        plotly_js=plotly_js() if not context.empty else Markup(""),
    )


def build_packet(
    engine: Engine, options: PacketOptions, *, owner: int, today: date, tz: ZoneInfo
) -> str:
    """Load `owner`'s entries, build the packet for `options` and render it to HTML."""
    return render_packet(load_packet(engine, options, owner=owner, today=today, tz=tz))
