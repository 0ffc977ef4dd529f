"""The Your data page's check-in section: import the check-ins' own CSV file, all or nothing.

The same rules and words as the entries' import (components.your_data): every row checked first,
problems listed by row, nothing saved on any problem, check-ins already stored skipped.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.account import current_account
from dashboard.cache import get_engine
from dashboard.common import tz
from dashboard.components.your_data import run_import, show_outcome
from data.checkin_csv import CHECKIN_COLUMNS, import_checkins_csv

OUTCOME = "import_checkins_outcome"


def _import(uploaded: UploadedFile) -> None:
    today = datetime.now(tz()).date()
    run_import(
        uploaded,
        noun="check-ins",
        key=OUTCOME,
        store=lambda raw: import_checkins_csv(
            get_engine(), raw, owner=current_account(), today=today
        ),
    )


def checkin_import_section() -> None:
    """Import check-ins from their own CSV file (the second file of an export)."""
    st.subheader("Import check-ins from their CSV file")
    st.caption(
        "Columns: " + ", ".join(CHECKIN_COLUMNS) + ", one row per answer, as “Download "
        "check-ins (CSV)” writes them. All or nothing; check-ins already saved are skipped."
    )
    uploaded = st.file_uploader("Check-in CSV file", type=["csv", "txt"], key="checkins_file")
    if st.button("Import check-ins", key="checkins_submit", disabled=uploaded is None):
        assert uploaded is not None  # the button is disabled without a file
        _import(uploaded)
    show_outcome(uploaded, key=OUTCOME, table_key="checkins_problems")
