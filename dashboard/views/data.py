"""Your data page: where it lives, CSV import and export, backup and restore, delete everything."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st
from sqlalchemy import Engine

from dashboard.account import current_account, practice_mode
from dashboard.cache import get_engine
from dashboard.common import tz
from dashboard.components.checkin_data import checkin_import_section
from dashboard.components.your_data import backup_section, delete_section, import_section
from data.checkin_csv import export_checkins_csv
from data.checkins import list_checkins, stored_checkins
from data.csv_io import export_csv
from data.environment import load_environment
from data.repository import count_sessions, load_sessions
from data.schema import current_revision, head_revision


def _export_bytes(engine: Engine, owner: int, zone: ZoneInfo) -> bytes:
    """Every entry of `owner` as CSV; runs only when the download button is clicked."""
    return export_csv(load_sessions(engine, owner=owner), zone)


def _checkins_bytes(engine: Engine, owner: int) -> bytes:
    """Every check-in answer of `owner` as CSV (the second file); built on click."""
    return export_checkins_csv(stored_checkins(engine, owner=owner))


engine = get_engine()
env = load_environment()
count = count_sessions(engine, owner=current_account())
revision = current_revision(engine)
has_checkins = bool(list_checkins(engine, owner=current_account()))

practice = practice_mode()
st.title("Your data")
if practice:
    st.caption(
        "Your entries are kept in your practice's database, where only you can read them: "
        "nothing reaches anyone else unless you choose it on the Sharing page. Take them out "
        "as a CSV file, bring them back, or delete them for good."
    )
else:
    st.caption(
        "Everything stays on this computer. Take it out as a CSV file or a backup, "
        "bring it back, or delete it for good."
    )

st.subheader("Where your data lives")
left, right = st.columns(2)
left.metric("Entries", f"{count:,}")
right.metric(
    "Schema version",
    revision or "none",
    help="Up to date." if revision == head_revision() else "Tightrope upgrades it when it starts.",
)
if not practice:  # a practice's server address and role are the administrator's business
    st.markdown("Database:")
    st.code(env.location, language=None)
if count == 0:
    st.info(
        "No entries yet. Log your first session on the Log page, "
        "or import a CSV file below to bring in entries you kept elsewhere."
    )

import_section()

st.subheader("Export")
st.download_button(
    "Download all entries (CSV)",
    # Built on click, on Streamlit's download thread: bind the engine, account and zone now.
    data=functools.partial(_export_bytes, engine, current_account(), tz()),
    file_name=f"tightrope-{datetime.now(tz()).date().isoformat()}.csv",
    mime="text/csv",
    key="export_download",
    on_click="ignore",
    disabled=count == 0,
    help="Every entry, with notes and reflections: keep the file somewhere private.",
)
st.download_button(
    "Download check-ins (CSV)",
    data=functools.partial(_checkins_bytes, engine, current_account()),
    file_name=f"tightrope-checkins-{datetime.now(tz()).date().isoformat()}.csv",
    mime="text/csv",
    key="export_checkins_download",
    on_click="ignore",
    disabled=not has_checkins,
    help="Every answer of every check-in questionnaire, one row per answer (a second file; "
    "`tightrope import-checkins` reads it back).",
)

checkin_import_section()

backup_section(engine, is_file=env.database_path is not None)
delete_section()
