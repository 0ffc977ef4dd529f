"""Patterns page: which clients, scenarios, times and loads keep costing more than your usual."""

from __future__ import annotations

import re
from dataclasses import astuple
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.patterns import DEFAULT_PERIOD_DAYS, PatternReport, describe_group, findings
from core.schema import REFLECTION_PROMPTS, SIGNS
from core.settings import Thresholds
from dashboard.cache import cached_patterns, current_thresholds
from dashboard.common import NOT_A_DIAGNOSIS, get_engine, tz
from dashboard.figures.patterns import (
    client_figure,
    effects_figure,
    heatmap_figure,
    load_figure,
    scenario_figure,
)
from data.repository import data_version

GUIDE_LINE = (
    "“Track the Patterns: If you notice that certain types of clients continually feel "
    "difficult, it may point to personal work worth exploring. Your growth is part of the "
    "therapeutic equation.”"
)
PERIODS = {"Last 3 months": 91, "Last 12 months": DEFAULT_PERIOD_DAYS, "All your history": None}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text: str) -> str:
    """Escape a user string (a client code, a tag) so Markdown shows it as plain text."""
    return _MARKDOWN.sub(r"\\\1", text)


# Figures are kept as objects (cache_resource): Plotly spends tens of milliseconds validating
# each one, and a click on the heatmap's sign or the client list would otherwise rebuild all
# seven. The key says which report a figure belongs to; the report itself is not hashed.
@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(name: str, report_key: tuple[Any, ...], arg: str, _report: PatternReport) -> go.Figure:
    if name == "effects":
        return effects_figure(_report.comparisons, arg)
    if name == "scenarios":
        return scenario_figure(_report.comparisons)
    if name == "heatmap":
        return heatmap_figure(_report.sessions, arg)
    if name == "load":
        return load_figure(_report.sessions, arg)
    return client_figure(_report.sessions, arg)


def _chart(name: str, arg: str, report: PatternReport, key: str) -> None:
    # REPORT_KEY is set below, once the report is loaded, before any chart is drawn.
    st.plotly_chart(_figure(name, REPORT_KEY, arg, report), key=key)


def _guide_box() -> None:
    with st.container(border=True):
        st.markdown(
            "**This may point to personal work worth exploring.** The guide says: " + GUIDE_LINE
        )
        st.markdown("Questions to take to supervision or to your own reflection:")
        st.markdown("\n".join(f"- {question}" for question in REFLECTION_PROMPTS.values()))
        st.caption(NOT_A_DIAGNOSIS)


def _findings(report: PatternReport, settings: Thresholds) -> None:
    sentences = findings(report.comparisons, settings=settings)
    st.subheader("What stands out")
    if not sentences:
        st.success(report.message)
        st.caption(
            "A pattern is named only when it keeps recurring (at least "
            f"{settings.pattern_min_sessions_recurring} sessions), is at least "
            f"{settings.pattern_min_effect:g} point above your usual and is unlikely to be chance."
        )
        return
    left, right = st.columns([3, 2])
    with left:
        st.markdown("\n".join(f"{i}. {md(s)}" for i, s in enumerate(sentences, start=1)))
        st.caption(
            "“Your usual” is your own level in the fortnight around each session, so a hard "
            "month does not make a client look difficult."
        )
    with right:
        _guide_box()


def _client_drilldown(report: PatternReport) -> None:
    st.subheader("One client over time")
    clients = report.comparisons[report.comparisons["kind"] == "client"]
    if clients.empty:
        st.info("No client has 3 or more sessions yet.")
        return
    # Clients in the order of their largest cost, so the one most worth a look comes first.
    ranked = (
        clients.sort_values(["recurring", "effect"], ascending=[False, False], kind="stable")["key"]
        .drop_duplicates()
        .tolist()
    )
    code = st.selectbox("Client", ranked, key="patterns_client")
    if code is None:
        return
    _chart("client", code, report, "patterns_client_chart")
    rows = clients[clients["key"] == code].set_index("sign").reindex(list(SIGNS))
    lines = []
    for sign, row in rows.iterrows():
        if pd.isna(row["effect"]):
            continue
        flag = " — **recurring**" if row["recurring"] else ""
        lines.append(
            f"- {sign}: {row['effect']:+.1f} points vs your usual "
            f"(95% interval {row['ci_low']:+.1f} to {row['ci_high']:+.1f}; "
            f"{int(row['n_above'])} of {int(row['n'])} sessions above){flag}"
        )
    st.markdown("\n".join(lines))


def _method(settings: Thresholds) -> None:
    with st.expander("How patterns are found"):
        st.markdown(
            f"""
Each session's ratings are compared with **your usual at that time**: the middle (median) of
your day averages over the {settings.pattern_days_each_side} days either side, nudged towards
how the rest of that same day went. The session itself never counts towards its own yardstick.
So a client you only saw during a hard month is compared with that hard month, not blamed for it.

Sessions are then grouped by client, scenario tag, weekday, time of day, position in the day,
sessions that day, and back-to-back sessions (a break under {settings.back_to_back_gap_minutes}
minutes after an assumed {settings.session_minutes}-minute session). Groups with fewer than
{settings.pattern_min_sessions_shown} sessions are never shown.

A pattern is called **recurring** when all of these hold: it is unlikely to be chance even
though many groups are compared (Benjamini–Hochberg q below {settings.pattern_q_cutoff:g}); the
average is at least {settings.pattern_min_effect:g} point above your usual and even the cautious
end of its 95% interval is at least {settings.pattern_min_interval_low:g}; and it has happened at
least {settings.pattern_min_sessions_recurring} times. You can change these on the Settings page.
"""
        )


def _every_comparison(report: PatternReport) -> None:
    with st.expander("Every comparison (the same list as `tightrope status --json`)"):
        table = report.comparisons.assign(
            group=[
                describe_group(k, v)
                for k, v in zip(report.comparisons["kind"], report.comparisons["key"], strict=True)
            ]
        )[["group", "sign", "n", "effect", "ci_low", "ci_high", "n_above", "q", "recurring"]]
        st.dataframe(
            table,
            hide_index=True,
            key="patterns_table",
            column_config={
                "effect": st.column_config.NumberColumn("effect", format="%+.2f"),
                "ci_low": st.column_config.NumberColumn("95% low", format="%+.2f"),
                "ci_high": st.column_config.NumberColumn("95% high", format="%+.2f"),
                "q": st.column_config.NumberColumn("q", format="%.3f"),
            },
        )


engine = get_engine()
settings = current_thresholds(engine)
today = datetime.now(tz()).date()

st.title("Patterns")
st.caption(GUIDE_LINE)
period = st.selectbox("Sessions to compare", list(PERIODS), index=1, key="patterns_period")
days_back = PERIODS.get(period or "")
since = today - timedelta(days=days_back - 1) if days_back else None

with st.spinner("Looking for patterns…"):
    report = cached_patterns(engine, today=today, tz=tz(), thresholds=settings, since=since)
REPORT_KEY = (
    engine.url.render_as_string(hide_password=True),
    astuple(data_version(engine)),
    tuple(sorted(settings.to_mapping().items())),
    today,
    tz().key,
    since,
)

if report.status != "ok":
    st.info(report.message)
elif report.comparisons.empty:
    st.info(report.message + " Try a longer period above.")
else:
    _findings(report, settings)
    st.subheader("Difference from your usual")
    st.caption(
        "Each dot is a group's average difference from your usual; the line is its 95% interval. "
        "Red dots are recurring patterns. Dots right of the dotted line cost you more."
    )
    for tab, sign in zip(st.tabs([s.capitalize() for s in SIGNS]), SIGNS, strict=True):
        with tab:
            _chart("effects", sign, report, f"patterns_effects_{sign}")
    st.subheader("Scenario tags")
    _chart("scenarios", "", report, "patterns_scenarios")
    st.subheader("When in the week")
    heat_sign = st.radio(
        "Sign", list(SIGNS), horizontal=True, key="patterns_heat_sign", format_func=str.capitalize
    )
    _chart("heatmap", heat_sign, report, "patterns_heatmap")
    st.subheader("Load")
    _chart("load", "fatigue", report, "patterns_load")
    _client_drilldown(report)
    _every_comparison(report)
_method(settings)
