"""The Your data page's check-in section: import the check-ins' own CSV file, all or nothing.

The same rules and words as the entries' import (components.your_data): every row checked first,
problems listed by row, nothing saved on any problem, check-ins already stored skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.account import current_account
from dashboard.cache import clear_all, get_engine
from dashboard.common import tz
from dashboard.components.your_data import UNEXPECTED
from data.checkin_csv import CHECKIN_COLUMNS, import_checkins_csv
from data.csv_io import CsvFileError, problems_frame

log = logging.getLogger(__name__)

OUTCOME = "import_checkins_outcome"


def _import(uploaded: UploadedFile) -> None:
    outcome: dict[str, object] = {"file_id": uploaded.file_id}
    today = datetime.now(tz()).date()
    try:
        result = import_checkins_csv(
            get_engine(), uploaded.getvalue(), owner=current_account(), today=today
        )
    except CsvFileError as error:
        outcome["message"] = ("error", f"{error} Nothing was imported.")
    except Exception as error:  # the page must explain, never show a traceback
        log.error("check-in import failed: %s", type(error).__name__)
        outcome["message"] = ("error", UNEXPECTED)
    else:
        if result.ok:
            clear_all()
            outcome["message"] = (
                "success",
                f"Imported {uploaded.name}: {result.added} check-ins added, "
                f"{result.already_present} were already saved.",
            )
        else:
            rows = len({p.row for p in result.problems})
            outcome["message"] = (
                "error",
                f"Nothing was imported: {rows} row(s) of {uploaded.name} have problems. "
                "Fix them in the file and import it again.",
            )
            outcome["problems"] = problems_frame(result.problems)
    st.session_state[OUTCOME] = outcome


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
    outcome = st.session_state.get(OUTCOME)
    if outcome and uploaded is not None and outcome["file_id"] == uploaded.file_id:
        kind, text = outcome["message"]
        (st.success if kind == "success" else st.error)(text)
        if "problems" in outcome:
            st.dataframe(outcome["problems"], hide_index=True, key="checkins_problems")
