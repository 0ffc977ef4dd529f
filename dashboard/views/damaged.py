"""The journal file cannot be read: say so plainly, offer the newest backup and a restore.

app.py shows this page at every address while the configured SQLite file is damaged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

from dashboard.cache import clear_all, reset_engine
from dashboard.common import leave_flash, md, show_flash
from data.backup import BackupError, backup_folder
from data.damage import DamagedDatabaseError
from data.db import make_engine
from data.environment import load_environment
from data.restore import RestoreResult, newest_backup, restore_database, restore_uploaded

log = logging.getLogger(__name__)


NEWEST_FLASH = "damaged_flash"  # below "Restore this backup"
UPLOAD_FLASH = "damaged_upload_flash"  # below "Restore the chosen backup"
UNEXPECTED = (
    "Something went wrong and nothing was restored: the damaged file is as it was. Try again; "
    "if it keeps happening, restart Tightrope."
)


def _restore(action: Callable[[Engine], RestoreResult], name: str, flash: str) -> None:
    engine = make_engine(load_environment().database_url)
    try:
        result = action(engine)
    except BackupError as error:
        leave_flash(flash, "error", str(error))
        return
    except Exception as error:  # someone already in trouble gets words, never a traceback
        log.error("restore over a damaged journal failed: %s", type(error).__name__)
        leave_flash(flash, "error", UNEXPECTED)
        return
    finally:
        engine.dispose()
    log.info("restored over a damaged journal file")
    reset_engine()
    clear_all()
    kept = (
        f" The damaged file is kept at {md(str(result.safety_backup))}."
        if result.safety_backup
        else ""
    )
    leave_flash(
        "journal_flash", "success", f"Restored {result.entries} entries from {md(name)}.{kept}"
    )


def _restore_newest(path: str) -> None:
    _restore(lambda engine: restore_database(engine, Path(path)), Path(path).name, NEWEST_FLASH)


def _restore_upload() -> None:
    uploaded = st.session_state.get("damaged_restore_file")
    if uploaded is not None:
        content = uploaded.getvalue()
        _restore(lambda engine: restore_uploaded(engine, content), uploaded.name, UPLOAD_FLASH)


def main() -> None:
    """Render the damaged-journal page."""
    st.title("Your journal cannot be read")
    path = load_environment().database_path
    if path is None:
        st.error("The database cannot be read. Ask whoever runs its server to check it.")
        return
    st.error(str(DamagedDatabaseError(path)))
    st.markdown(
        "A file gets damaged like this by a full disk, a copy or sync that did not finish, or "
        "another program writing over it. Restoring a backup brings back the entries it holds."
    )
    engine = make_engine(load_environment().database_url)
    try:
        newest = newest_backup(engine)
        folder = backup_folder(engine)
    finally:
        engine.dispose()
    if newest is None:
        st.info(f"No backup was found in {md(str(folder))}.")
    else:
        made = datetime.fromtimestamp(newest.stat().st_mtime).strftime("%d %b %Y at %H:%M")
        st.markdown(f"**Your newest backup** is `{newest.name}`, made {made}.")
        st.button(
            "Restore this backup",
            type="primary",
            key="damaged_restore_newest",
            on_click=_restore_newest,
            args=(str(newest),),
        )
        show_flash(NEWEST_FLASH)
    st.markdown("**Restore another backup**")
    chosen = st.file_uploader(
        "Backup file", type=["sqlite3", "sqlite", "db"], key="damaged_restore_file"
    )
    st.button(
        "Restore the chosen backup",
        key="damaged_restore_upload",
        on_click=_restore_upload,
        disabled=chosen is None,
    )
    show_flash(UPLOAD_FLASH)
    st.caption(
        f"A restore moves the damaged file into {md(str(folder))} (named damaged-…) and never "
        "deletes it, "
        "in case it can be repaired later."
    )


main()
