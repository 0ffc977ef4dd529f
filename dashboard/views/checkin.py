"""Check-in page: a validated burnout questionnaire every few weeks, its scores, their changes."""

from __future__ import annotations

import streamlit as st

from core.checkin.instruments import CBI, PROQOL
from dashboard.cache import cached_checkin_figure, cached_checkins, current_key
from dashboard.common import show_flash
from dashboard.components.checkin_form import FLASH, questionnaire
from dashboard.components.checkin_scores import (
    PROMPT_NOT_VERDICT,
    due_of,
    flagged_clients_table,
    latest_scores,
)
from dashboard.figures.style import CHART_CONFIG


def main() -> None:
    """Render the Check-in page."""
    st.title("Check-in")
    key = current_key()
    instruments = [CBI, PROQOL] if key.thresholds.proqol_enabled else [CBI]
    records = cached_checkins(key)
    st.caption(
        "About two minutes: the Copenhagen Burnout Inventory"
        + (" and the ProQOL 5" if key.thresholds.proqol_enabled else "")
        + ", answered about the last weeks. Tab moves to the next question; Space picks its "
        "first answer and the arrow keys move along the answers. " + PROMPT_NOT_VERDICT
    )
    if records:  # before the first, the empty state below says it once
        st.caption(due_of(key, records).message)
    show_flash(FLASH)

    if not records:
        st.info(
            "No check-in yet. Your first one gives the baseline the later ones are compared "
            "with; after that, each check-in shows whether your scores changed reliably."
        )
    else:
        st.header("Your latest scores")
        for instrument in (CBI, PROQOL):
            if latest_scores(instrument, records):
                st.plotly_chart(
                    cached_checkin_figure(key, instrument=instrument.key),
                    width="stretch",
                    key=f"checkin_chart_{instrument.key}",
                    config=CHART_CONFIG,
                )
        flagged_clients_table(key)
        st.page_link("views/review.py", label="See them beside your session ratings on Review")

    st.header("Answer the check-in")
    if not key.thresholds.proqol_enabled:
        st.caption("The ProQOL 5 can be added in Settings.")
    questionnaire(instruments)


main()
