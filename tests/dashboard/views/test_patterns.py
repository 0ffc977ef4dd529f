"""AppTest of the Patterns page: empty, thin and demo data; findings, guide words, drill-down."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from core.schema import REFLECTION_PROMPTS, as_sessions
from core.synthetic import History, make_sessions
from data.environment import local_timezone
from data.repository import insert_frame
from tests.dashboard.views.pages import local_today, open_page
from tests.factories import OWNER


def texts(at: AppTest) -> list[str]:
    """Every markdown, caption and alert text on the page."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return parts + [e.value for kind in (at.info, at.success, at.warning, at.error) for e in kind]


def text_of(at: AppTest) -> str:
    """Every markdown, caption and alert text on the page, joined."""
    return "\n".join(texts(at))


def _entries(days: int, code: str = "C-01", dread: int = 3) -> pd.DataFrame:
    """One session a day at 10:00 local for the last `days` days."""
    zone = local_timezone()
    today = local_today()
    starts = [
        datetime.combine(today - timedelta(days=i), datetime.min.time(), tzinfo=zone)
        + timedelta(hours=10)
        for i in range(1, days + 1)
    ]
    return as_sessions(
        pd.DataFrame(
            {
                "started_at": starts,
                "client_code": code,
                "dread": dread,
                "detachment": 2,
                "fatigue": 3,
            }
        )
    )


def test_empty_database_shows_a_friendly_state(engine: Engine) -> None:
    at = open_page("patterns")
    text = text_of(at)
    assert "No sessions logged yet" in text
    assert "about 4 weeks" in text
    assert not at.get("plotly_chart")


def test_thin_data_says_patterns_need_about_four_weeks(engine: Engine) -> None:
    insert_frame(engine, owner=OWNER, frame=_entries(10))
    at = open_page("patterns")
    assert "Patterns need about 4 weeks of entries" in text_of(at)
    assert not at.get("plotly_chart")


def test_demo_data_finds_the_planted_client_with_the_guides_words(demo: Engine) -> None:
    at = open_page("patterns")
    text = text_of(at).replace("\\", "")  # Markdown escapes are not what the reader sees
    assert "Sessions with C-42 leave your dread" in text
    assert "of them above)." in text
    assert "may point to personal work worth exploring" in text
    for question in REFLECTION_PROMPTS.values():
        assert question in text
    # Three dot-and-interval charts, scenarios, heatmap, load, one client.
    charts = at.get("plotly_chart")
    assert len(charts) == 7
    # No Plotly mode bar: on a phone it covers the chart's title.
    assert [json.loads(c.proto.config)["displayModeBar"] for c in charts] == [False] * 7
    # The drill-down opens on the client that costs the most.
    assert at.selectbox(key="patterns_client").value == "C-42"


# Words a tired therapist should not need; the method expanders may name them.
JARGON = re.compile(r"95\s*%|\binterval\b|--json|\bq\s*[=<]|Benjamini|median", re.IGNORECASE)


def outside_expanders(at: AppTest) -> str:
    """The page's text (markdown, captions, alerts) and chart texts, expanders left out."""
    inside = {e.value for x in at.expander for e in (*x.markdown, *x.caption)}
    text = [part for part in texts(at) if part not in inside]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        text.append(spec["layout"]["title"]["text"])
        text += [str(t) for trace in spec["data"] for t in trace.get("hovertext") or []]
    return "\n".join(text) + "\n" + "\n".join(x.label for x in at.expander)


def test_the_page_speaks_plainly_and_keeps_the_method_in_expanders(demo: Engine) -> None:
    at = open_page("patterns")
    assert JARGON.findall(outside_expanders(at)) == []
    # The method is still there for whoever wants it.
    method = "\n".join(e.value for x in at.expander for e in (*x.markdown, *x.caption))
    assert "95% interval" in method and "q-value" in method


def test_the_drill_down_heatmap_and_period_can_be_changed(demo: Engine) -> None:
    at = open_page("patterns")
    picker = at.selectbox(key="patterns_client")
    other = next(c for c in picker.options if c not in ("C-42", picker.value))
    at.selectbox(key="patterns_client").set_value(other)
    at.radio(key="patterns_heat_sign").set_value("fatigue")
    at.selectbox(key="patterns_period").set_value("Last 3 months")
    before = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="patterns_client").value == other
    charts = at.get("plotly_chart")
    assert len(charts) == 7
    specs = " ".join(chart.proto.spec for chart in charts)
    # The charts follow the choices, not only the widgets: the heatmap's sign and the
    # drill-down's client are in their titles, and the shorter period changed what is drawn.
    assert "Fatigue by weekday and time of day" in specs
    assert "Fatigue by weekday and time of day" not in before
    drill_down = f"Sessions with {other}: ratings"
    assert drill_down in specs and drill_down not in before
    assert specs != before


def test_user_strings_are_shown_as_text_never_as_markup(engine: Engine) -> None:
    code = "![x](http://example.org/x.png)"
    frame = pd.concat([_entries(60, "C-01", 3), _entries(60, code, 9).iloc[::7]], ignore_index=True)
    frame.loc[frame["client_code"] == code, "started_at"] += pd.Timedelta(hours=2)
    insert_frame(engine, owner=OWNER, frame=as_sessions(frame))
    at = open_page("patterns")
    findings = [m.value for m in at.markdown if "leave your dread" in m.value]
    assert findings, text_of(at)
    assert "\\!\\[x\\]\\(http://example\\.org/x\\.png\\)" in findings[0]


def test_nothing_recurring_says_so_calmly_without_the_guide_box(engine: Engine) -> None:
    # A steady therapist: no client, time or load effect, little noise: nothing can recur.
    today = local_today()
    history = History(
        start=today - timedelta(days=120),
        days=120,
        seed=3,
        client_sd=0.0,
        day_sd=0.2,
        session_sd=0.3,
        tz=local_timezone().key,
    )
    insert_frame(engine, owner=OWNER, frame=make_sessions(history))
    at = open_page("patterns")
    text = text_of(at)
    assert "Nothing stands out" in text
    assert "Questions to take to supervision" not in text  # the guide box stands by findings
    assert len(at.get("plotly_chart")) == 7
