"""The supervision packet's HTML, parsed: content, escaping, self-containment, de-identification."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from core.schema import REFLECTION_PROMPTS
from dashboard.packet.charts import plotly_safe_text, safe_figure
from dashboard.packet.context import PacketOptions, packet_context
from dashboard.packet.render import build_packet, render_packet
from data.demo import demo_sessions
from data.environment import load_environment
from data.packets import record_packet
from data.repository import insert_frame
from tests.factories import OWNER

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 26)
START = TODAY - timedelta(days=27)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "<link rel=stylesheet href=http://example.org/x.css>"
CODE_LINK = "<link rel=stylesheet href=http://example.org/c.css>"
TAG_SCRIPT = "<script>alert(4)</script>"
TAG_IMG = "<img src=y onerror=alert(3)>"
NOTE = f"secret-note {IMG} {SCRIPT} {LINK}"
REFLECTION = f"secret-reaction {LINK}"
HELD_BACK = f"secret-held {SCRIPT}"
LIBRARY_MARK = "plotly.js v"


@dataclass
class Parsed(HTMLParser):
    """Every start tag with its attributes, the visible text, and each script's content."""

    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    _in: str | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        """The document's text as a reader sees it (whitespace collapsed)."""
        return re.sub(r"\s+", " ", " ".join(self.text))

    def names(self) -> list[str]:
        """Tag names in document order."""
        return [tag for tag, _ in self.tags]


def parse(html: str) -> Parsed:
    """Parse a packet."""
    parsed = Parsed()
    parsed.feed(html)
    parsed.close()
    return parsed


def without_library(html: str) -> str:
    """The packet minus the embedded plotly.js (which is the library's text, not ours)."""
    start = html.index(LIBRARY_MARK)
    return html[: html.rfind("<script", 0, start)] + html[html.index("</script>", start) :]


@pytest.fixture(scope="module")
def hostile() -> pd.DataFrame:
    """The demo history with the difficult client's code, tags, notes and reflections hostile."""
    frame = demo_sessions(TODAY, BERLIN)
    recent = frame.index[-40:]
    # Three clients of the period get hostile codes: the difficult one and two others.
    others = [c for c in frame.loc[recent, "client_code"].unique() if c != "C-42"][:2]
    codes = {"C-42": SCRIPT, others[0]: IMG, others[1]: CODE_LINK}
    frame["client_code"] = frame["client_code"].replace(codes)
    frame.loc[recent, "note"] = NOTE
    frame.loc[recent, "reflection_reaction"] = REFLECTION
    frame.loc[recent, "reflection_held_back"] = HELD_BACK
    frame["scenarios"] = [
        [*tags, LINK, TAG_SCRIPT, TAG_IMG] if i in set(recent) else tags
        for i, tags in zip(frame.index, frame["scenarios"], strict=True)
    ]
    return frame


def packet(frame: pd.DataFrame, **options: bool) -> str:
    """The rendered packet for the last four weeks."""
    context = packet_context(frame, PacketOptions(START, TODAY, **options), today=TODAY, tz=BERLIN)
    return render_packet(context)


@pytest.fixture(scope="module")
def default_html(hostile: pd.DataFrame) -> str:
    """The packet with both opt-ins off."""
    return packet(hostile)


@pytest.fixture(scope="module")
def opted_in_html(hostile: pd.DataFrame) -> str:
    """The packet with notes and client codes opted in."""
    return packet(hostile, include_notes=True, show_client_codes=True)


def test_plotly_js_is_embedded_exactly_once(default_html: str) -> None:
    parsed = parse(default_html)
    library = [s for s in parsed.scripts if LIBRARY_MARK in s]
    assert len(library) == 1
    assert default_html.count(LIBRARY_MARK) == 1
    # Every other script is one chart drawn with the embedded library, not a second copy.
    charts = [s for s in parsed.scripts if LIBRARY_MARK not in s]
    assert all("Plotly.newPlot" in s and len(s) < 1_000_000 for s in charts)


@pytest.mark.parametrize("which", ["default", "opted_in"])
def test_nothing_points_outside_the_file(which: str, default_html: str, opted_in_html: str) -> None:
    html = default_html if which == "default" else opted_in_html
    parsed = parse(html)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            assert name not in attrs, f"<{tag} {name}=...> points somewhere"
    assert "link" not in parsed.names() and "img" not in parsed.names()
    assert "iframe" not in parsed.names() and "base" not in parsed.names()
    for style in parsed.styles:
        assert "url(" not in style and "@import" not in style


@pytest.mark.parametrize("which", ["default", "opted_in"])
def test_hostile_strings_never_become_markup(
    which: str, default_html: str, opted_in_html: str
) -> None:
    html = default_html if which == "default" else opted_in_html
    parsed = parse(html)
    assert parsed.names().count("script") == len(parsed.scripts)
    assert all(
        LIBRARY_MARK in s or s.lstrip().startswith("window.PLOTLYENV") for s in parsed.scripts
    )
    for _tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
    # Chart data is JSON with < escaped; plotly.js gets tags pre-escaped, so shows them as text.
    charts = "".join(s for s in parsed.scripts if LIBRARY_MARK not in s)
    assert "<img" not in charts and "<link" not in charts and "</script" not in charts


def test_opted_in_packet_shows_payloads_as_text(opted_in_html: str) -> None:
    visible = parse(opted_in_html).visible
    assert SCRIPT in visible  # the client code, in findings
    assert NOTE in visible
    assert REFLECTION in visible
    assert HELD_BACK in visible
    assert LINK in visible and TAG_SCRIPT in visible and TAG_IMG in visible  # scenario tags
    assert CODE_LINK in visible  # a client code, in the reflections
    assert "&lt;img src=x onerror=alert(1)&gt;" in opted_in_html  # escaped in the source


def test_default_packet_holds_no_code_note_or_reflection(
    default_html: str, hostile: pd.DataFrame
) -> None:
    ours = without_library(default_html)
    visible = parse(default_html).visible
    for code in hostile["client_code"].unique():
        assert code not in ours, code
        assert code not in visible
    for secret in ("secret-note", "secret-reaction", "secret-held", "alert(1)", "c.css"):
        assert secret not in ours
    assert "Client A" in visible
    # The tag is not a client identifier: it stays, as text.
    assert LINK in visible


def test_default_packet_gives_no_time_of_day_and_no_database_path(
    default_html: str, hostile: pd.DataFrame
) -> None:
    visible = parse(default_html).visible
    assert not re.search(r"\b\d{1,2}:\d{2}\b", visible)
    assert str(load_environment().data_dir) not in default_html
    assert ".sqlite3" not in without_library(default_html)
    # Reflections are by week only, when included at all.
    assert not re.search(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", without_library(default_html).split("Plotly.newPlot")[0]
    )


def test_contents_in_order(default_html: str) -> None:
    visible = parse(default_html).visible
    order = [
        "How you are doing",
        "Change since last time",
        "Trends",
        "Week by week",
        "Grounding rituals",
        "Recurring patterns",
        "Scenarios",
        "For supervision",
    ]
    positions = [visible.index(heading) for heading in order]
    assert positions == sorted(positions)
    for question in REFLECTION_PROMPTS.values():
        assert question in visible
    for sign in ("Dread", "Detachment", "Fatigue"):
        assert sign in visible
    assert re.search(r"Fatigue (Watch|Chronic)", visible), "the planted fatigue episode shows"
    assert "Week of" in visible
    assert "A grounding ritual followed" in visible
    assert "not a diagnosis" in visible


def test_patterns_re_alias_the_difficult_client(default_html: str, opted_in_html: str) -> None:
    default_visible = parse(default_html).visible
    # The most costly recurring client gets the first letter.
    assert "Sessions with Client A leave your dread" in default_visible
    assert f"Sessions with {SCRIPT} leave your dread" in parse(opted_in_html).visible


def test_aliases_are_the_same_across_sections(hostile: pd.DataFrame) -> None:
    html = packet(hostile, include_notes=True)
    visible = parse(html).visible
    finding = re.search(r"Sessions with (Client [A-Z]+) leave your dread", visible)
    assert finding is not None
    # The difficult client's reflections carry the same alias as its finding.
    difficult = hostile[hostile["client_code"] == SCRIPT].index
    if set(difficult) & set(hostile.index[-40:]):
        assert f"{finding.group(1)} secret-reaction" in visible
    assert f"Sessions with {SCRIPT}" not in visible
    assert NOTE in visible


def test_print_css_breaks_pages_between_sections(default_html: str) -> None:
    parsed = parse(default_html)
    css = "".join(parsed.styles)
    assert "@media print" in css and "break-before: page" in css
    sections = [attrs for tag, attrs in parsed.tags if tag == "section"]
    assert len(sections) >= 5
    assert sum("page" in (a.get("class") or "") for a in sections) == len(sections) - 1


def test_an_empty_period_gives_a_friendly_packet_without_plotly(hostile: pd.DataFrame) -> None:
    far = PacketOptions(date(2020, 1, 1), date(2020, 1, 31))
    context = packet_context(hostile, far, today=TODAY, tz=BERLIN)
    assert context.empty
    html = render_packet(context)
    assert "No sessions were logged in this period" in parse(html).visible
    assert LIBRARY_MARK not in html


def test_a_period_that_ends_before_it_starts_is_refused(hostile: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        packet_context(hostile, PacketOptions(TODAY, START), today=TODAY, tz=BERLIN)


def test_change_compares_with_the_previous_packet(engine: Engine) -> None:
    insert_frame(engine, owner=OWNER, frame=demo_sessions(TODAY, BERLIN))
    first = parse(
        build_packet(engine, PacketOptions(START, TODAY), today=TODAY, tz=BERLIN, owner=OWNER)
    )
    assert "There is no earlier packet" in first.visible
    record_packet(
        engine,
        owner=OWNER,
        start=START - timedelta(days=28),
        end=START - timedelta(days=1),
        fmt="pdf",
    )
    second = parse(
        build_packet(engine, PacketOptions(START, TODAY), today=TODAY, tz=BERLIN, owner=OWNER)
    )
    assert "Compared with your last packet" in second.visible
    assert "Level then" in second.visible and "Level now" in second.visible
    assert "since the last packet" in second.visible or "as the last packet" in second.visible


def test_the_change_column_is_coloured_by_no_verdict(default_html: str) -> None:
    # The level chips beside it carry the colour: a fall on a chronic sign is not green news.
    parsed = parse(default_html)
    cells = [attrs.get("class") for tag, attrs in parsed.tags if tag == "td"]
    assert "down" not in cells and "up" not in cells
    assert not re.search(r"td\.(up|down)", "".join(parsed.styles))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        (IMG, "&lt;img src=x onerror=alert(1)&gt;"),
        ('<a href="http://example.org">x</a>', '&lt;a href="http://example.org"&gt;x&lt;/a&gt;'),
        ("a < b", "a &lt; b"),
        ("<b>bold</b><br>line", "<b>bold</b><br>line"),
        ("plain C-07", "plain C-07"),
    ],
)
def test_plotly_safe_text(text: str, shown: str) -> None:
    assert plotly_safe_text(text) == shown


def test_safe_figure_escapes_data_and_fixes_the_width() -> None:
    fig = go.Figure(go.Bar(x=[IMG, "ok"], y=[1, 2], text=[SCRIPT, "fine"], name=LINK))
    safe = safe_figure(fig)
    trace = safe["data"][0]
    assert list(trace["x"]) == ["&lt;img src=x onerror=alert(1)&gt;", "ok"]
    assert next(iter(trace["text"])) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<link" not in trace["name"]
    assert safe["layout"]["width"] == 680


def test_charts_are_the_review_and_patterns_figures(default_html: str) -> None:
    charts = [s for s in parse(default_html).scripts if LIBRARY_MARK not in s]
    # Warning strips + a trend per sign; effects per sign, heatmap, load; scenarios.
    assert len(charts) == 10
    joined = "".join(charts)
    for sign in ("Dread", "Detachment", "Fatigue"):
        assert f"{sign}: day values and rolling averages" in joined
        assert f"{sign}: difference from your usual" in joined
    assert "Warning levels per day" in joined and "Scenario tags" in joined
    assert re.search(r'"client [A-Z]+"', joined), "clients in charts are aliased"
    assert '"width":680' in joined.replace(" ", "")


def test_charts_leave_out_the_client_drill_down(default_html: str) -> None:
    # The drill-down would put session dates next to a client: it is not in the packet.
    joined = "".join(s for s in parse(default_html).scripts if LIBRARY_MARK not in s)
    assert "your usual at the time" not in joined  # the drill-down chart's title


@given(st.text(alphabet=st.sampled_from(list("<>/ab =\"'&x")) | st.characters(), max_size=40))
def test_plotly_safe_text_leaves_only_bare_formatting_tags(text: str) -> None:
    shown = plotly_safe_text(text)
    for tag in re.findall(r"<[^<>]*>?", shown):
        assert re.fullmatch(r"</?(b|i|em|strong|sup|sub|br|extra)\s*/?>", tag, re.IGNORECASE), tag
    # What a reader sees is the text itself: undoing the escapes gives it back.
    assert shown.replace("&lt;", "<").replace("&gt;", ">") == text.replace("&lt;", "<").replace(
        "&gt;", ">"
    )


def test_a_row_legend_gets_its_own_band_only_when_shown() -> None:
    two = go.Figure([go.Scatter(y=[1, 2], name="a"), go.Scatter(y=[2, 1], name="b")])
    two.update_layout(legend={"orientation": "h", "y": -0.2}, height=300)
    layout = safe_figure(two)["layout"]
    assert layout["legend"]["yref"] == "container" and layout["margin"]["t"] == 92
    one = go.Figure(go.Heatmap(z=[[1, 2]]))
    one.update_layout(legend={"orientation": "h", "y": 1.0}, height=160)
    assert "yref" not in safe_figure(one)["layout"]["legend"]
