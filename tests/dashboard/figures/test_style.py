"""Every chart carries the Tightrope template, whatever plotly's process-wide default is.

Streamlit's chart element sets `plotly.io.templates.default = "streamlit"` when it is imported
(a template without automargin, with colour placeholders for its frontend). The Supervision page
builds the packet's figures in that process and `tightrope report` outside it: both packets must
be the same, labels whole (issue 14, item 6).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from core.patterns import PatternReport, find_patterns
from core.warnings import Assessment, assess
from dashboard.figures import patterns, signs
from dashboard.figures.style import TEMPLATE
from data.demo import demo_sessions

TODAY = date(2026, 11, 26)
BERLIN = ZoneInfo("Europe/Berlin")
START = TODAY - timedelta(days=60)


@pytest.fixture(scope="module")
def demo() -> tuple[Assessment, PatternReport]:
    """The warning assessment and the pattern analysis of the demo history."""
    sessions = demo_sessions(TODAY, BERLIN)
    return (
        assess(sessions, today=TODAY, tz=BERLIN),
        find_patterns(sessions, today=TODAY, tz=BERLIN),
    )


@pytest.fixture
def streamlit_default() -> Iterator[None]:
    """Streamlit's template registered, and the process default switched for this test only."""
    before = pio.templates.default
    import streamlit.elements.plotly_chart  # noqa: F401  (registers and selects "streamlit")

    pio.templates.default = before
    yield
    pio.templates.default = before


Builder = Callable[[Assessment, PatternReport], go.Figure]
BUILDERS: dict[str, Builder] = {
    "trend": lambda a, _: signs.trend_figure(a.days, "dread", absolute_threshold=6, start=START),
    "calendar": lambda a, _: signs.calendar_figure(a.days, "dread", end=TODAY),
    "levels": lambda a, _: signs.levels_figure(a.days, start=START),
    "effects": lambda _, r: patterns.effects_figure(r.comparisons, "fatigue"),
    "scenarios": lambda _, r: patterns.scenario_figure(r.comparisons),
    "heatmap": lambda _, r: patterns.heatmap_figure(r.sessions, "dread"),
    "load": lambda _, r: patterns.load_figure(r.sessions),
    "client": lambda _, r: patterns.client_figure(r.sessions, "C-42"),
    "empty": lambda _, r: patterns.load_figure(r.sessions.iloc[:0]),
}


@pytest.mark.parametrize("name", list(BUILDERS))
@pytest.mark.usefixtures("streamlit_default")
def test_a_figure_is_the_same_in_the_server_process_and_the_cli(
    name: str, demo: tuple[Assessment, PatternReport]
) -> None:
    build = BUILDERS[name]
    pio.templates.default = "plotly"  # as in `tightrope report`
    cli = json.loads(build(*demo).to_json())
    pio.templates.default = "streamlit"  # as in the Streamlit server
    server = json.loads(build(*demo).to_json())
    assert server == cli


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_figure_carries_the_tightrope_template(
    name: str, demo: tuple[Assessment, PatternReport]
) -> None:
    assert BUILDERS[name](*demo).layout.template == TEMPLATE


def test_the_template_lets_labels_widen_the_margins() -> None:
    # The figures' margins are minimums sized for numbers; names and dates need automargin.
    assert TEMPLATE.layout.xaxis.automargin is True
    assert TEMPLATE.layout.yaxis.automargin is True
