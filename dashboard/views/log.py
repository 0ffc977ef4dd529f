"""Log page: rate a session in a few seconds, then edit or delete recent entries."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import OperationalError

from core.schema import BUILTIN_SCENARIOS
from dashboard.account import current_account
from dashboard.cache import cached_log_lists, current_key, get_engine
from dashboard.common import leave_flash
from dashboard.components import log_form
from dashboard.components.checkin_scores import due_line
from dashboard.components.log_form import BACKFILL, EDIT, NEW
from dashboard.components.recent_entries import EDITING, recent_entries
from dashboard.components.reminder import log_page_reminder
from data.db import trouble_in_words
from data.models import SessionCreate, SessionUpdate
from data.repository import (
    DuplicateEntryError,
    EntryError,
    add_session,
    update_session,
)

log = logging.getLogger(__name__)

KEPT = "Your entry is still in the form: try again in a moment."


def _save_new() -> None:
    last = log_form.recent_save()
    if last is not None and log_form.is_blank(NEW):
        # The first click saved and emptied the form; this one found it empty.
        leave_flash(NEW.flash, "info", f"Already saved: {last.summary}. Nothing new to save.")
        return
    entry = log_form.validate(NEW, SessionCreate)
    if entry is None:
        return
    repeat = last is not None and last.fingerprint == log_form.fingerprint(entry)
    if repeat and last is not None and not log_form.backfilling(NEW):
        leave_flash(NEW.flash, "info", f"Already saved: {last.summary}.")
        return
    try:
        add_session(get_engine(), owner=current_account(), entry=entry)
    except DuplicateEntryError:
        leave_flash(NEW.flash, *log_form.duplicate_message(entry, repeat=repeat))
        return
    except EntryError as error:
        leave_flash(NEW.flash, "error", f"{error} Nothing was saved.")
        return
    except OperationalError as error:
        log.warning("save failed: %s", type(error.orig).__name__)
        leave_flash(NEW.flash, "error", f"Nothing was saved: {trouble_in_words(error)}. {KEPT}")
        return
    log_form.remember_save(entry)
    log_form.reset(NEW)
    leave_flash(NEW.flash, "success", f"Saved {log_form.summary(entry)}.")


def _save_edit() -> None:
    entry_id = st.session_state.get(EDITING)
    entry = log_form.validate(EDIT, SessionUpdate)
    if entry is None or entry_id is None:
        return
    try:
        update_session(get_engine(), owner=current_account(), entry_id=entry_id, entry=entry)
    except EntryError as error:
        leave_flash(EDIT.flash, "error", f"{error} Nothing was changed.")
        return
    except OperationalError as error:
        log.warning("edit failed: %s", type(error.orig).__name__)
        leave_flash(EDIT.flash, "error", f"Nothing was changed: {trouble_in_words(error)}. {KEPT}")
        return
    st.session_state[EDITING] = None
    leave_flash(NEW.flash, "success", f"Updated {log_form.summary(entry)}.")


@st.fragment
def _log_body() -> None:
    """Form, edit form and recent list: a save reruns only this, not the navigation and title."""
    engine = get_engine()
    # First in the fragment, so its place never moves: it runs on arrival and after each save
    # (a new count), not when a message or a tick box appears above it.
    log_form.focus_client_code()
    lists = cached_log_lists(current_key())
    codes = list(lists.codes)
    tags = list(lists.tags) or list(BUILTIN_SCENARIOS)
    # The date and time pickers only on request: most entries are made right after the session
    # and take the time of saving. Pickers filled when the page opened went stale while it stayed
    # open between sessions, so an entry could carry the time of the previous save.
    st.toggle(
        "Earlier session: set its date and start time",
        key=BACKFILL,
        on_change=log_form.start_now,
        persist_state="session",
        help="Off: the entry is saved with the current time. On: choose when it started.",
    )
    # No st.form: a form's values reach the server only on Save, so a draft left for another
    # page was lost. Each field keeps its value for the visit (persist_state) instead.
    log_form.draw_fields(NEW, codes, tags)
    st.button("Save session", type="primary", on_click=_save_new, key="new_submit")
    # The outcome right below Save, where the eyes and the keyboard are.
    log_form.draw_outcome(NEW)

    if st.session_state.get(EDITING) is not None:
        st.subheader("Edit entry")
        with st.form("edit_form"):
            log_form.draw_fields(EDIT, codes, tags)
            log_form.draw_outcome(EDIT)
            left, right = st.columns(2)
            left.form_submit_button(
                "Save changes", type="primary", on_click=_save_edit, key="edit_submit"
            )
            right.form_submit_button(
                "Cancel",
                on_click=lambda: st.session_state.update({EDITING: None}),
                key="edit_cancel",
            )
    recent_entries(engine, list(lists.recent))


log_form.ensure_defaults(NEW)
st.session_state.setdefault(BACKFILL, False)
st.session_state.setdefault(EDITING, None)

st.title("Log a session")
st.caption(
    "A client code and three ratings are enough. Tab moves between fields, arrow keys move "
    "the sliders, and Enter on Save session saves."
)
log_page_reminder(get_engine())  # on arrival only, not after each save: a nudge, never a nag
_log_body()
# Below the form: the code, the ratings and Save come first, on a phone too.
due_line(current_key())  # a check-in questionnaire, when one is due
