"""Check-in results on the pages: the latest scores in words, the due line, the Review section.

Every text comes from core.checkin (summary, due, tracking), so the Check-in page, the Review
page and `tightrope status` say the same. A score is shown beside its published reference
values (CBI) or bands (ProQOL 5), with the instrument's credit line, never as a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.checkin.due import Due, checkin_due
from core.checkin.instruments import CBI, Instrument
from core.checkin.record import CheckinRecord
from core.checkin.summary import CheckinSummary, fmt_score, latest_summary
from core.checkin.tracking import MIN_CHECKINS, Status
from dashboard.cache import (
    CacheKey,
    cached_checkin_tracking,
    cached_checkins,
    cached_flagged_clients,
)

CHECKIN_PAGE = "views/checkin.py"
TRACKING_OPEN = "review_tracking"
PROMPT_NOT_VERDICT = (
    "A questionnaire score is a prompt for reflection and for supervision, not a verdict about "
    "you: bring it to supervision beside your session ratings."
)


def due_of(key: CacheKey, records: Sequence[CheckinRecord]) -> Due:
    """Whether a check-in is due on the key's day, by the key's `checkin_every_days`."""
    return checkin_due(
        (r.day for r in records), today=key.today, every_days=key.thresholds.checkin_every_days
    )


def due_line(key: CacheKey) -> None:
    """One gentle line linking to the Check-in page, only while a check-in is due."""
    due = due_of(key, cached_checkins(key))
    if due.due:
        # An emoji, not a Material icon: that font would come from another host.
        st.page_link(CHECKIN_PAGE, label=f"{due.message} Take the check-in.", icon="📝")


def summary_markdown(summary: CheckinSummary, *, changes: bool = True) -> str:
    """The latest scores of one instrument as a Markdown list, with both changes in words."""
    lines = [
        f"**{summary.name}**, {summary.day:%d %B %Y} ({summary.count} check-ins so far)"
        if summary.count > 1
        else f"**{summary.name}**, {summary.day:%d %B %Y} (your first check-in: the baseline)"
    ]
    for scale in summary.scales:
        lines.append(
            f"- **{scale.title}: {fmt_score(scale.score)}** "
            f"(of {fmt_score(scale.low)}–{fmt_score(scale.high)}); {scale.reading}"
        )
        if changes:
            lines += [f"    - {sentence}" for sentence in scale.changes]
    return "\n".join(lines)


def latest_scores(instrument: Instrument, records: Sequence[CheckinRecord]) -> bool:
    """The latest scores of `instrument` with how to read them and its credit line.

    Returns whether there were any.
    """
    summary = latest_summary(instrument, records)
    if summary is None:
        return False
    st.markdown(summary_markdown(summary))
    st.caption(summary.cutoff_note)
    st.caption(summary.credit)
    return True


def flagged_clients_table(key: CacheKey) -> None:
    """Per CBI check-in, its client-related score beside the clients the Patterns page flagged
    in the four weeks before it (in an expander: the page is about the scores first)."""
    with st.spinner("Looking at the clients flagged before each check-in…"):
        rows = cached_flagged_clients(key)
    if not rows:
        return
    with st.expander("Client-related score and the clients flagged before each check-in"):
        st.caption(
            "Clients the Patterns page would have called recurring on the check-in's day (over "
            "its twelve months) and who were seen in the four weeks before it. A weekly client "
            "needs more than four weeks of sessions to be flagged at all."
        )
        st.dataframe(
            {
                "Check-in": [f"{row.day:%d %b %Y}" for row in rows],
                "Client-related burnout": [
                    None if row.client_score is None else round(row.client_score, 1) for row in rows
                ],
                "Flagged clients seen": [", ".join(row.flagged) or "none" for row in rows],
                "Their sessions": [f"{row.flagged_sessions} of {row.sessions}" for row in rows],
            },
            hide_index=True,
            key="checkin_flagged_clients",
        )


def _tracking(key: CacheKey, box: DeltaGenerator) -> None:
    with box, st.spinner("Comparing your check-ins with your session ratings…"):
        relations = cached_checkin_tracking(key).relations
    clear = [r for r in relations if r.status in (Status.TOGETHER, Status.OPPOSITE)]
    n = max(r.n for r in relations)
    if n < MIN_CHECKINS:
        box.caption(
            f"Only {n} of your check-ins had enough logged days in the four weeks before them; "
            f"from {MIN_CHECKINS} on, this shows whether your ratings move with your CBI scores."
        )
        return
    if not clear:
        box.caption(
            f"Over {n} check-ins, no clear link shows yet between any sign and your work- or "
            "client-related score; with this few points that is not evidence that they disagree."
        )
    shown = clear + [r for r in relations if r not in clear]
    box.markdown("\n".join(f"- {r.sentence}" for r in shown))


def review_checkins(key: CacheKey) -> None:
    """The Review page's Check-ins section: latest CBI scores and whether the ratings track them."""
    st.subheader("Check-ins")
    records = cached_checkins(key)
    summary = latest_summary(CBI, records)
    if summary is None:
        st.caption(
            "No check-in yet. A short validated questionnaire every few weeks shows whether "
            "your quick ratings move with a published burnout measure."
        )
        st.page_link(CHECKIN_PAGE, label="Take the first check-in")
        return
    st.markdown(summary_markdown(summary))
    st.caption(summary.credit)
    if summary.count < MIN_CHECKINS:
        left = MIN_CHECKINS - summary.count
        st.caption(
            f"From {MIN_CHECKINS} check-ins on, this shows whether your session ratings rise and "
            f"fall with your CBI scores ({left} more to go)."
        )
        return
    tracking = st.expander(
        "Do your session ratings track the check-ins?", key=TRACKING_OPEN, on_change="rerun"
    )
    # Computed once opened (a rerun): relating them needs scipy's statistics, some 50 MiB of
    # server memory that a Review visit should not pay for a question not asked.
    if tracking.open:
        _tracking(key, tracking)
    st.page_link(CHECKIN_PAGE, label="All check-in scores and the chart")
