"""The Your data page's sections that act: CSV import, backup and restore, delete everything.

Each action explains its outcome in plain words and never shows a traceback; an unexpected
failure is logged by its kind only (never a file name, code or note).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.account import current_account
from dashboard.cache import clear_all, get_engine
from dashboard.common import leave_flash, md, show_flash
from data.backup import (
    SERVER_BACKUPS,
    BackupError,
    automatic_backups,
    backup_folder,
    timestamped_backup,
)
from data.csv_io import CSV_COLUMNS, CsvFileError, ImportResult, import_csv, problems_frame
from data.maintenance import CONFIRM_PHRASE, confirmation_matches, delete_all_data
from data.restore import restore_uploaded

log = logging.getLogger(__name__)

OUTCOME = "import_outcome"
UNEXPECTED = (
    "Something went wrong and nothing was changed: your data is as it was. "
    "Try again; if it keeps happening, restart Tightrope."
)


def run_import(
    uploaded: UploadedFile, *, noun: str, key: str, store: Callable[[bytes], ImportResult]
) -> ImportResult | None:
    """Validate and `store` an uploaded CSV all-or-nothing; its outcome stays on screen for it.

    The outcome goes to session state under `key`; returns the result, None when it failed.
    """
    outcome: dict[str, object] = {"file_id": uploaded.file_id}
    result: ImportResult | None = None
    try:
        with st.spinner("Checking every row, then saving…"):
            result = store(uploaded.getvalue())
    except CsvFileError as error:
        outcome["message"] = ("error", f"{error} Nothing was imported.")
    except Exception as error:  # the page must explain, never show a traceback
        log.error("%s import failed: %s", noun, type(error).__name__)
        outcome["message"] = ("error", UNEXPECTED)
    else:
        if result.ok:
            clear_all()
            outcome["message"] = (
                "success",
                f"Imported {uploaded.name}: {result.added} {noun} added, "
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
    st.session_state[key] = outcome
    return result


def show_outcome(uploaded: UploadedFile | None, *, key: str, table_key: str) -> None:
    """The last import's outcome under `key`, while the same file is still chosen."""
    outcome = st.session_state.get(key)
    if outcome and uploaded is not None and outcome["file_id"] == uploaded.file_id:
        kind, text = outcome["message"]
        (st.success if kind == "success" else st.error)(text)
        if "problems" in outcome:
            st.dataframe(outcome["problems"], hide_index=True, key=table_key)


def _import(uploaded: UploadedFile) -> bool:
    """Validate and store the uploaded entries; whether any were added."""
    result = run_import(
        uploaded,
        noun="entries",
        key=OUTCOME,
        store=lambda raw: import_csv(get_engine(), raw, owner=current_account()),
    )
    return result is not None and result.ok and result.added > 0


def _backup_now() -> None:
    try:
        path = timestamped_backup(get_engine())
    except BackupError as error:
        leave_flash("backup_flash", "error", f"No backup was made: {error}")
        return
    except OSError as error:
        # "[Errno 28] No space left on device: '/…'" is no sentence: its reason alone is.
        reason = (error.strerror or "the backup folder could not be written").lower()
        leave_flash("backup_flash", "error", f"No backup was made: {md(reason)}.")
        return
    st.session_state["backup_made"] = str(path)
    leave_flash("backup_flash", "success", f"Backup saved: {md(str(path))}")


def _restore() -> None:
    uploaded = st.session_state.get("restore_file")
    if uploaded is None:
        return
    try:
        # The upload waits in a private scratch folder (0700) inside the backups folder, which
        # is made private if this is its first use.
        result = restore_uploaded(get_engine(), uploaded.getvalue())
    except BackupError as error:
        leave_flash("restore_flash", "error", str(error))
        return
    except Exception as error:
        log.error("restore failed: %s", type(error).__name__)
        leave_flash("restore_flash", "error", UNEXPECTED)
        return
    clear_all()
    st.session_state["restore_confirm"] = False
    saved = (
        f" Your previous data is saved at {md(str(result.safety_backup))}."
        if result.safety_backup
        else ""
    )
    leave_flash(
        "restore_flash",
        "success",
        f"Restored {result.entries} entries from {md(uploaded.name)}.{saved}",
    )


def _delete_all() -> None:
    if not confirmation_matches(st.session_state.get("delete_confirm", "")):
        return
    try:
        result = delete_all_data(
            get_engine(), owner=current_account(), remove_backups=st.session_state["delete_backups"]
        )
    except Exception as error:
        log.error("delete-all failed: %s", type(error).__name__)
        leave_flash("delete_flash", "error", UNEXPECTED)
        return
    clear_all()
    st.session_state["delete_confirm"] = ""
    removed = (
        f" {len(result.backups_removed)} automatic backups were removed too."
        if result.backups_removed
        else ""
    )
    leave_flash(
        "delete_flash",
        "success",
        f"Deleted {result.entries} entries, your check-ins, own tags and settings.{removed} "
        f"{result.note}".strip(),
    )


def import_section() -> None:
    """Import entries from a CSV file, all or nothing, with every problem listed by row."""
    st.subheader("Import entries from a CSV file")
    st.caption(
        "Columns: " + ", ".join(CSV_COLUMNS) + ". Only the first five are required. Times in "
        "ISO format with an offset (2026-01-06T09:00:00+01:00); scenario tags separated by “;”. "
        "All or nothing: if any row has a problem, nothing is saved. Entries already saved are "
        "skipped."
    )
    uploaded = st.file_uploader("CSV file", type=["csv", "txt"], key="import_file")
    if st.button("Import entries", key="import_submit", type="primary", disabled=uploaded is None):
        assert uploaded is not None  # the button is disabled without a file
        if _import(uploaded):
            st.rerun()  # the counts and the export above must show the new entries
    show_outcome(uploaded, key=OUTCOME, table_key="import_problems")


def backup_section(engine: Engine, *, is_file: bool) -> None:
    """Make, download and restore backups of a database file (a server has its own tools)."""
    st.subheader("Backups")
    if not is_file:
        st.info(SERVER_BACKUPS)
        return
    folder, count = md(str(backup_folder(engine))), len(automatic_backups(engine))
    st.caption(
        "A backup is a copy of the whole database, made safely even while you log. "
        f"Backups go to {folder} ({count} there now)."
    )
    show_flash("backup_flash")
    st.button("Make a backup now", key="backup_create", on_click=_backup_now)
    made = Path(st.session_state.get("backup_made") or "")
    if made.name and made.exists():
        st.download_button(
            "Download that backup",
            data=made.read_bytes,
            file_name=made.name,
            mime="application/vnd.sqlite3",
            key="backup_download",
            on_click="ignore",
        )

    st.markdown("**Restore a backup**")
    st.caption(
        "Replaces every entry with the backup's. Your current data is backed up first, "
        "so a restore can itself be undone."
    )
    show_flash("restore_flash")
    restore_file = st.file_uploader(
        "Backup file", type=["sqlite3", "sqlite", "db"], key="restore_file"
    )
    confirmed = st.checkbox(
        "Yes, replace my current entries with this backup", key="restore_confirm"
    )
    st.button(
        "Restore this backup",
        key="restore_submit",
        on_click=_restore,
        disabled=restore_file is None or not confirmed,
    )


def delete_section() -> None:
    """Delete every entry, note, tag and setting, after typing the confirmation phrase."""
    st.subheader("Delete all my data")
    show_flash("delete_flash")
    with st.expander("Delete every entry, for good"):
        st.warning(
            "This deletes every entry, note, reflection, your own tags and your settings. "
            "It cannot be undone. Make a backup or export first if you may want them later."
        )
        typed = st.text_input(f"Type “{CONFIRM_PHRASE}” to confirm", key="delete_confirm")
        st.checkbox("Also remove the automatic backups Tightrope made", key="delete_backups")
        st.button(
            "Delete everything",
            key="delete_submit",
            type="primary",
            on_click=_delete_all,
            disabled=not confirmation_matches(typed),
        )
