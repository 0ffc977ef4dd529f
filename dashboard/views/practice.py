"""The practice view (clinical leads, practice mode): how many of the therapists who opted in
are at no warning, watch and chronic, this week and in each of the twelve before. Never a name;
below the minimum group the database returns nothing and the page says why, and no week ending
on or before the day someone last joined or left is shown (core.practice.weeks_after)."""

from __future__ import annotations

import streamlit as st

from core.levels import Level
from core.practice import WEEKS, this_week, weeks_after
from dashboard.cache import cached_practice_counts, get_engine, shared_key
from dashboard.figures.practice import practice_figure
from dashboard.figures.style import CHART_CONFIG
from data.environment import local_timezone
from data.practice import PracticeError, members_changed, min_group, practice_ratings


def render(*, account: int) -> None:
    """Render the practice view for clinical lead `account`."""
    st.title("Practice view")
    engine = get_engine()
    try:
        members = practice_ratings(engine, lead=account)
    except PracticeError as error:
        st.warning(str(error))
        return
    if not members:
        st.info(
            f"Nothing to show yet. The practice view appears once at least {min_group(engine)} "
            "therapists have opted in on their Sharing page; fewer have so far, and counts of "
            "a smaller group could point to one person."
        )
        return
    pairs = [(member.sessions, member.thresholds) for member in members]
    key = shared_key(
        account=account,
        owner=0,
        frames=[sessions for sessions, _ in pairs],
        settings=[thresholds for _, thresholds in pairs],
    )
    with st.spinner("Counting…"):
        counts = cached_practice_counts(key, members=pairs)
    changed = members_changed(engine)
    changed_day = None if changed is None else changed.astimezone(local_timezone()).date()
    counts = weeks_after(counts, changed_day)
    st.write(
        f"{len(members)} therapists take part. Each is judged as their own Weekly review judges "
        "them, with their own settings; only the counts are shown."
    )
    if counts.empty:
        st.info(
            "Someone joined or left the practice view today, so its counts come back tomorrow: "
            "comparing today's counts with earlier ones could point to that person."
        )
        return
    now = this_week(counts)
    columns = st.columns(3)
    for column, level in zip(columns, (Level.NONE, Level.WATCH, Level.CHRONIC), strict=True):
        column.metric(f"{level.label} this week", now[level])
    st.plotly_chart(
        practice_figure(counts), width="stretch", key="practice_chart", config=CHART_CONFIG
    )
    # Newest first: this week is what a lead reads first.
    table = counts.iloc[::-1].rename(
        columns={"week_end": "Week ending", **{lvl.value: lvl.label for lvl in Level}}
    )
    st.dataframe(table, hide_index=True, width="stretch", key="practice_table")
    if changed_day is not None and len(counts) <= WEEKS:
        st.caption(
            f"Weeks up to {changed_day:%-d %b %Y} are not shown: someone joined or left the "
            "practice view then, and comparing those weeks' counts before and after could point "
            "to that person."
        )
    st.caption(
        "A prompt to look after the team (caseloads, supervision, time off), not a judgement of "
        "anyone."
    )
