"""Weekly review: this week against the previous four, trends, a year at a glance, warnings."""

from __future__ import annotations

import streamlit as st

from core.levels import Level
from core.schema import SIGNS
from core.supervision import Period
from core.warnings import Assessment, how_levels_work
from dashboard.cache import (
    CacheKey,
    cached_assessment,
    cached_review_calendar,
    cached_review_trend,
    current_key,
)
from dashboard.components.checkin_scores import due_line, review_checkins
from dashboard.components.reminder import review_reminder
from dashboard.components.review_summary import summary_html
from dashboard.figures.signs import most_pressing
from dashboard.figures.style import CHART_CONFIG

PERIODS = {"3 months": 91, "6 months": 182, "1 year": 365, "All": None}
THIN_DAYS = 14
# Session state (not a widget key, which is dropped on leaving the page): the year stays open.
YEAR_OPEN = "review_year_open"


def _charts(key: CacheKey, assessment: Assessment) -> None:
    # One sign at a time: five Plotly charts drawn at once made the page about three times slower
    # to appear than a one-chart page (BENCHMARKS.md); the shading and the level in each option
    # carry what the separate level strip showed.
    # The "Trends" heading and its caption end the summary block above (one element fewer).
    first = most_pressing(assessment)

    def option(sign: str) -> str:
        level = Level(assessment.signs[sign].level)
        return sign.capitalize() + ("" if level is Level.NONE else f" · {level.word}")

    sign = (
        st.segmented_control("Show", SIGNS, default=first, format_func=option, key="review_sign")
        or first
    )
    period = (
        st.segmented_control("Period", list(PERIODS), default="6 months", key="review_period")
        or "6 months"
    )
    days = PERIODS[period]
    start = None if days is None else Period.ending(assessment.as_of, days).start
    # Built once per key, sign and period (dashboard.cache): figures are most of a run.
    trend = cached_review_trend(key, sign=sign, start=start, assessment=assessment)
    st.plotly_chart(trend, width="stretch", key=f"review_trend_{sign}", config=CHART_CONFIG)

    # Drawn on request: it sits below the fold, and a second Plotly chart on arrival kept the
    # page well over 1.5x a one-chart page (BENCHMARKS.md). Once opened it stays open this session.
    shown = st.toggle(
        f"Show a year at a glance: {sign}, one square per day",
        value=bool(st.session_state.get(YEAR_OPEN, False)),
        key="review_year",
    )
    st.session_state[YEAR_OPEN] = shown
    if shown:
        st.plotly_chart(
            cached_review_calendar(key, sign=sign, assessment=assessment),
            width="stretch",
            key=f"review_calendar_{sign}",
            config=CHART_CONFIG,
        )


def main() -> None:
    """Render the Weekly review page."""
    st.title("Weekly review")
    key = current_key()
    thresholds = key.thresholds
    with st.spinner("Looking over your entries…"):
        assessment = cached_assessment(key)

    if not assessment.has_data:
        st.info(
            "Nothing to review yet. Log your sessions after each one; after a week you will see "
            "how it compares, and after about a month Tightrope knows your usual level."
        )
        st.page_link("views/log.py", label="Log a session")
        return

    days = assessment.days
    logged = days.loc[days["sessions"].to_numpy() > 0, "day"].nunique()
    if logged < THIN_DAYS:
        st.info(
            f"You have logged {logged} day{'s' if logged != 1 else ''} so far. Trends become "
            "meaningful after about two weeks. Your usual level is learned from days at least "
            f"{thresholds.fallback_exclude_days} days old: until {thresholds.fallback_min_days} "
            "of them are logged, only the fixed line "
            f"({thresholds.absolute_threshold:g}) is used."
        )
    review_reminder(assessment)
    due_line(key)

    # The page reads status, tiles, words, then the trend; the trend is sent first into its place
    # below: Plotly's drawing is the slowest part in the browser and starts while the rest is
    # still on its way (BENCHMARKS.md). The three are one HTML block (components.review_summary).
    summary = st.container()
    _charts(key, assessment)
    summary.html(summary_html(assessment))
    review_checkins(key)
    # Its text only once opened (a rerun): every element on arrival costs drawing time.
    levels = st.expander("How the warning levels work", key="review_levels", on_change="rerun")
    if levels.open:
        levels.markdown(how_levels_work(thresholds))
        levels.page_link("views/settings.py", label="Change the thresholds in Settings")


main()
