"""Patterns page: which clients, scenarios, times and loads keep costing more than your usual."""

from __future__ import annotations

import streamlit as st

from core.patterns import DEFAULT_PERIOD_DAYS
from core.schema import SIGNS
from core.supervision import Period
from dashboard.cache import cached_patterns, current_key
from dashboard.components.patterns import (
    GUIDE_LINE,
    chart,
    client_section,
    comparisons_section,
    findings_section,
    method_section,
)

PERIODS = {"Last 3 months": 91, "Last 12 months": DEFAULT_PERIOD_DAYS, "All your history": None}

key = current_key()
st.title("Patterns")
st.caption(GUIDE_LINE)
period = st.selectbox("Sessions to compare", list(PERIODS), index=1, key="patterns_period")
days_back = PERIODS.get(period or "")
since = Period.ending(key.today, days_back).start if days_back else None

with st.spinner("Looking for patterns…"):
    report = cached_patterns(key, since=since)

if report.status != "ok":
    st.info(report.message)
elif report.comparisons.empty:
    st.info(report.message + " Try a longer period above.")
else:
    findings_section(report, key.thresholds)
    st.subheader("Difference from your usual")
    st.caption(
        "Each dot is how far a group's sessions sit from your usual, on average; the line across "
        "it is the range the true difference most likely lies in (short: fairly sure, long: few "
        "or scattered sessions). Red dots are recurring patterns. Dots right of the dotted line "
        "cost you more."
    )
    for tab, sign in zip(st.tabs([s.capitalize() for s in SIGNS]), SIGNS, strict=True):
        with tab:
            chart(key, since, report, "effects", sign, f"patterns_effects_{sign}")
    st.subheader("Scenario tags")
    chart(key, since, report, "scenarios", "", "patterns_scenarios")
    st.subheader("When in the week")
    heat_sign = st.radio(
        "Sign", list(SIGNS), horizontal=True, key="patterns_heat_sign", format_func=str.capitalize
    )
    chart(key, since, report, "heatmap", heat_sign, "patterns_heatmap")
    st.subheader("Load")
    chart(key, since, report, "load", "fatigue", "patterns_load")
    client_section(key, since, report)
    comparisons_section(report)
method_section(key.thresholds)
