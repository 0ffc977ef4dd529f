"""The Log page's recent entries: one compact list, and one picker with Edit and Delete."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from core.schema import SIGNS
from dashboard.account import current_account
from dashboard.common import leave_flash, local_time, show_flash, tz
from dashboard.components.log_form import EDIT, TEXT_FIELDS, code_span
from data.db import trouble_in_words
from data.repository import RecentEntry, delete_session, get_session

EDITING = "editing"  # the id of the entry in the edit form, or None
CONFIRM_DELETE = "confirm_delete"  # the id whose deletion is being asked about, or None
PICK = "row_pick"
FLASH = "recent_flash"  # what Edit or Delete did, shown below them


def _pick_label(row: RecentEntry) -> str:
    """One entry as plain text for the picker (widget options are never rendered as Markdown)."""
    return (
        f"{local_time(row.started_at)} · {row.client_code} · dread {row.dread} · "
        f"detachment {row.detachment} · fatigue {row.fatigue}"
    )


def _entry_line(row: RecentEntry) -> str:
    tags_text = f" · {', '.join(code_span(t) for t in row.scenarios)}" if row.scenarios else ""
    ritual = " · grounding done" if row.grounding_done else ""
    return (
        f"- **{local_time(row.started_at)}** · {code_span(row.client_code)} · "
        f"dread {row.dread} · detachment {row.detachment} · fatigue {row.fatigue}"
        f"{tags_text}{ritual}"
    )


def _load_into_edit(engine: Engine, entry_id: int) -> None:
    row = get_session(engine, owner=current_account(), entry_id=entry_id)
    if row.empty:
        leave_flash(FLASH, "info", "That entry no longer exists.")
        return
    entry = row.iloc[0]
    started = entry["started_at"].to_pydatetime().astimezone(tz())
    st.session_state.update(
        {
            EDITING: entry_id,
            EDIT.client: entry["client_code"],
            EDIT.date: started.date(),
            EDIT.time: started.time().replace(second=0, microsecond=0),
            EDIT.scenarios: list(entry["scenarios"]),
            EDIT.grounding: bool(entry["grounding_done"]),
            EDIT.keep_code: False,
            EDIT.needs_confirm: False,
            **{EDIT.sign(sign): int(entry[sign]) for sign in SIGNS},
            **{EDIT.text(field): str(entry[field]) for field in TEXT_FIELDS},
        }
    )


def _edit_picked(engine: Engine) -> None:
    picked = st.session_state.get(PICK)
    if picked is not None:
        _load_into_edit(engine, int(picked))


def _delete(engine: Engine, entry_id: int) -> None:
    try:
        deleted = delete_session(engine, owner=current_account(), entry_id=entry_id)
    except OperationalError as error:
        leave_flash(FLASH, "error", f"The entry was not deleted: {trouble_in_words(error)}.")
        return
    if deleted:
        leave_flash(FLASH, "success", "Entry deleted.")
    st.session_state[CONFIRM_DELETE] = None
    if st.session_state.get(EDITING) == entry_id:
        st.session_state[EDITING] = None


def recent_entries(engine: Engine, rows: list[RecentEntry]) -> None:
    """The last entries, `rows` (newest first), as one compact list, and one picker with Edit
    and Delete."""
    st.subheader("Recent entries")
    if not rows:
        show_flash(FLASH)  # "Entry deleted." after the last one went
        st.info("No sessions logged yet. Your first entry will appear here once it is saved.")
        return
    # One Markdown element and three widgets: ten bordered rows with twenty buttons made the
    # browser's redraw after every save about twice as slow as a bare form's.
    st.markdown("\n".join(_entry_line(row) for row in rows))
    by_id = {row.id: row for row in rows}
    if st.session_state.get(PICK) not in by_id:
        st.session_state[PICK] = next(iter(by_id))
    picker = st.container(horizontal=True, vertical_alignment="bottom")
    picker.selectbox(
        "Entry to edit or delete",
        list(by_id),
        format_func=lambda entry_id: _pick_label(by_id[entry_id]),
        key=PICK,
    )
    picker.button("Edit", key="row_edit", on_click=_edit_picked, args=(engine,))
    picker.button(
        "Delete",
        key="row_delete",
        on_click=lambda: st.session_state.update({CONFIRM_DELETE: st.session_state.get(PICK)}),
    )
    show_flash(FLASH)  # what Edit or Delete did, right below them
    doomed = st.session_state.get(CONFIRM_DELETE)
    if doomed in by_id:
        row = by_id[doomed]
        st.warning(
            f"Delete the entry for {code_span(row.client_code)} of "
            f"{local_time(row.started_at)}? This cannot be undone."
        )
        yes, no = st.columns(2)
        yes.button("Yes, delete it", key="delete_yes", on_click=_delete, args=(engine, doomed))
        no.button(
            "Keep it",
            key="delete_no",
            on_click=lambda: st.session_state.update({CONFIRM_DELETE: None}),
        )
