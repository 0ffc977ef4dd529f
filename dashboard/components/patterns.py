"""The Patterns page's sections: findings in words, one client over time, the method, the table.

Each section draws from a `PatternReport` and the thresholds it was made with, so every number
in its prose (sessions needed, effect sizes, windows) is the therapist's current setting.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.patterns import PatternReport, describe_group, findings
from core.schema import REFLECTION_PROMPTS, SIGNS
from core.settings import Thresholds
from dashboard.cache import CacheKey, cached_pattern_figure
from dashboard.common import PAGE_DISCLAIMER, md
from dashboard.figures.style import CHART_CONFIG


def chart(
    key: CacheKey, since: date | None, report: PatternReport, name: str, arg: str, widget: str
) -> None:
    """One cached Patterns chart ('effects', 'scenarios', 'heatmap', 'load', 'client')."""
    figure = cached_pattern_figure(key, since=since, name=name, arg=arg, report=report)
    st.plotly_chart(figure, key=widget, config=CHART_CONFIG)


GUIDE_LINE = (
    "“Track the Patterns: If you notice that certain types of clients continually feel "
    "difficult, it may point to personal work worth exploring. Your growth is part of the "
    "therapeutic equation.”"
)


def guide_box() -> None:
    """The guide's line on patterns, its three reflection questions and the disclaimer."""
    with st.container(border=True):
        st.markdown(
            "**This may point to personal work worth exploring.** The guide says: " + GUIDE_LINE
        )
        st.markdown("Questions to take to supervision or to your own reflection:")
        st.markdown("\n".join(f"- {question}" for question in REFLECTION_PROMPTS.values()))
        st.caption(PAGE_DISCLAIMER)


def findings_section(report: PatternReport, thresholds: Thresholds) -> None:
    """The recurring patterns in words, beside the guide's line and questions."""
    sentences = findings(report.comparisons, settings=thresholds)
    st.subheader("What stands out")
    if not sentences:
        st.success(report.message)
        st.caption(
            "A pattern is named only when it keeps recurring (at least "
            f"{thresholds.pattern_min_sessions_recurring} sessions), is at least "
            f"{thresholds.pattern_min_effect:g} point above your usual and is unlikely to be "
            "chance."
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
        guide_box()


def client_section(key: CacheKey, since: date | None, report: PatternReport) -> None:
    """One chosen client's sessions over time and their differences in words."""
    st.subheader("One client over time")
    clients = report.comparisons[report.comparisons["kind"] == "client"]
    if clients.empty:
        shown = key.thresholds.pattern_min_sessions_shown
        st.info(f"No client has {shown} or more sessions yet.")
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
    chart(key, since, report, "client", code, "patterns_client_chart")
    rows = clients[clients["key"] == code].set_index("sign").reindex(list(SIGNS))
    lines = []
    for sign, row in rows.iterrows():
        if pd.isna(row["effect"]):
            continue
        flag = " — **recurring**" if row["recurring"] else ""
        lines.append(
            f"- {sign}: {row['effect']:+.1f} points vs your usual "
            f"(likely {row['ci_low']:+.1f} to {row['ci_high']:+.1f}; "
            f"{int(row['n_above'])} of {int(row['n'])} sessions above){flag}"
        )
    st.markdown("\n".join(lines))


def method_section(thresholds: Thresholds) -> None:
    """How patterns are found, in the words of the current thresholds."""
    with st.expander("How patterns are found"):
        st.markdown(
            f"""
Each session's ratings are compared with **your usual at that time**: the middle (median) of
your day averages over the {thresholds.pattern_days_each_side} days either side, nudged towards
how the rest of that same day went. The session itself never counts towards its own yardstick.
So a client you only saw during a hard month is compared with that hard month, not blamed for it.

Sessions are then grouped by client, scenario tag, weekday, time of day, position in the day,
sessions that day, and back-to-back sessions (a break under {thresholds.back_to_back_gap_minutes}
minutes after an assumed {thresholds.session_minutes}-minute session). Groups with fewer than
{thresholds.pattern_min_sessions_shown} sessions are never shown.

A pattern is called **recurring** when all of these hold: it is unlikely to be chance even
though many groups are compared (Benjamini–Hochberg q below {thresholds.pattern_q_cutoff:g}); the
average is at least {thresholds.pattern_min_effect:g} point above your usual and even the cautious
end of its likely range (the 95% interval) is at least {thresholds.pattern_min_interval_low:g}; and
it has happened at
least {thresholds.pattern_min_sessions_recurring} times. You can change these on the Settings page.
"""
        )


TABLE_CAPTION = (
    "One row per group and sign. *Difference*: the average points above (+) or below (−) your "
    "usual. *Likely from / to*: the 95% interval of that difference. *Chance score*: the "
    "Benjamini–Hochberg q-value, how easily chance alone would give a difference this large "
    "when this many groups are compared (smaller is less likely chance). The command "
    "`tightrope status --json` prints the same list."
)


def comparisons_section(report: PatternReport) -> None:
    """Every comparison as a table, its columns explained in words above it."""
    with st.expander("Every comparison, as a table"):
        st.caption(TABLE_CAPTION)
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
                "n": st.column_config.NumberColumn("sessions"),
                "effect": st.column_config.NumberColumn("difference", format="%+.2f"),
                "ci_low": st.column_config.NumberColumn("likely from", format="%+.2f"),
                "ci_high": st.column_config.NumberColumn("likely to", format="%+.2f"),
                "n_above": st.column_config.NumberColumn("above your usual"),
                "q": st.column_config.NumberColumn("chance score", format="%.3f"),
            },
        )
