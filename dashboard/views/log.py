"""Log page: rate a session in a few seconds, then edit or delete recent entries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any

import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine

from core.privacy import pseudonym_advice
from core.schema import BUILTIN_SCENARIOS, RATING_ANCHORS, REFLECTION_PROMPTS, SIGNS
from dashboard.cache import get_engine
from dashboard.common import local_time, tz
from data.models import CLIENT_CODE_MAX, TEXT_MAX, SessionCreate, SessionUpdate
from data.repository import (
    DuplicateEntryError,
    EntryError,
    RecentEntry,
    add_session,
    delete_session,
    get_session,
    recent_client_codes,
    recent_sessions,
    scenario_names,
    update_session,
)

SCALE = " · ".join(f"{value} {word}" for value, word in RATING_ANCHORS.items())
TEXT_FIELDS = (*REFLECTION_PROMPTS, "note")
# A second identical save this soon after the first is a double click, even across a minute
# boundary (where the database's one-entry-per-minute-and-client rule would not catch it).
DOUBLE_SUBMIT_SECONDS = 120


def _now_local() -> tuple[date, time]:
    now = datetime.now(tz())
    return now.date(), now.time().replace(second=0, microsecond=0)


def _backfilling(prefix: str) -> bool:
    """Whether this form sets its own date and start time (always, when editing)."""
    return prefix != "new_" or bool(st.session_state.get("new_backfill"))


def _start_now() -> None:
    """Turning back-fill on starts the pickers at the current time, not when the page opened."""
    st.session_state["new_date"], st.session_state["new_time"] = _now_local()


def _defaults(prefix: str) -> dict[str, Any]:
    today, clock = _now_local()
    values: dict[str, Any] = {
        f"{prefix}client": None,
        f"{prefix}date": today,
        f"{prefix}time": clock,
        f"{prefix}scenarios": [],
        f"{prefix}grounding": False,
        f"{prefix}keep_code": False,
    }
    values.update({f"{prefix}{sign}": 0 for sign in SIGNS})
    values.update({f"{prefix}{field}": "" for field in TEXT_FIELDS})
    return values


def _reset(prefix: str) -> None:
    # Back-filling several past sessions (the toggle stays on): keep the day and time just used.
    keep = {f"{prefix}date", f"{prefix}time"} if _backfilling(prefix) else set()
    for key, value in _defaults(prefix).items():
        if key not in keep:
            st.session_state[key] = value


def _payload(prefix: str) -> dict[str, Any]:
    state = st.session_state
    if _backfilling(prefix):
        started = datetime.combine(state[f"{prefix}date"], state[f"{prefix}time"], tzinfo=tz())
    else:
        # Logged right after the session: the time of saving, to the minute.
        started = datetime.now(tz()).replace(second=0, microsecond=0)
    payload: dict[str, Any] = {
        "started_at": started,
        "client_code": (state[f"{prefix}client"] or "").strip(),
        "scenarios": list(state[f"{prefix}scenarios"]),
        "grounding_done": bool(state[f"{prefix}grounding"]),
    }
    payload.update({sign: state[f"{prefix}{sign}"] for sign in SIGNS})
    payload.update({field: state[f"{prefix}{field}"] for field in TEXT_FIELDS})
    return payload


FIELD_NAMES = {
    "client_code": "Client code",
    "started_at": "Start time",
    "scenarios": "Scenario tags",
    "note": "Private note",
    **{sign: sign.capitalize() for sign in SIGNS},
    **{key: f"Reflection ({question})" for key, question in REFLECTION_PROMPTS.items()},
}


def _explain(error: ValidationError) -> str:
    """Turn pydantic's errors into short sentences a tired person can act on."""
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = FIELD_NAMES.get(field, field)
        kind = problem["type"]
        if field == "client_code" and kind == "string_too_short":
            lines.append("Pick a recent client code or type a new one.")
        elif kind == "string_too_long":
            limit = problem.get("ctx", {}).get("max_length")
            lines.append(f"{name} is too long (at most {limit} characters).")
        elif kind in ("greater_than_equal", "less_than_equal"):
            lines.append(f"{name} must be a whole number from 0 to 10.")
        else:
            lines.append(f"{name}: {problem['msg']}.")
    return " ".join(lines)


def _validate(prefix: str, model: type[SessionCreate]) -> SessionCreate | None:
    """Validate the form; on a problem store a message for the page and return None."""
    payload = _payload(prefix)
    advice = pseudonym_advice(payload["client_code"])
    if advice and not st.session_state.get(f"{prefix}keep_code"):
        st.session_state[f"{prefix}flash"] = ("warning", advice)
        st.session_state[f"{prefix}needs_confirm"] = True
        return None
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        st.session_state[f"{prefix}flash"] = ("error", _explain(error) + " Nothing was saved.")
        return None


def _summary(entry: SessionCreate) -> str:
    ratings = ", ".join(f"{sign} {getattr(entry, sign)}" for sign in SIGNS)
    return f"{_code_span(entry.client_code)} at {local_time(entry.started_at)}: {ratings}"


def _fingerprint(entry: SessionCreate) -> str:
    """The entry without its start time: what a double click repeats."""
    return entry.model_dump_json(exclude={"started_at"})


def _save_new() -> None:
    entry = _validate("new_", SessionCreate)
    if entry is None:
        return
    state = st.session_state
    last = state.get("new_last_saved")
    if (
        last is not None
        and not _backfilling("new_")
        and last[0] == _fingerprint(entry)
        and monotonic() - last[1] < DOUBLE_SUBMIT_SECONDS
    ):
        state["new_flash"] = ("info", "Already saved: " + last[2] + ".")
        return
    try:
        add_session(get_engine(), entry=entry)
    except DuplicateEntryError:
        state["new_flash"] = ("info", "Already saved: " + _summary(entry) + ".")
        return
    except EntryError as error:
        state["new_flash"] = ("error", f"{error} Nothing was saved.")
        return
    state["new_last_saved"] = (_fingerprint(entry), monotonic(), _summary(entry))
    _reset("new_")
    state["new_needs_confirm"] = False
    state["new_flash"] = ("success", "Saved " + _summary(entry) + ".")


def _save_edit() -> None:
    entry_id = st.session_state.get("editing")
    entry = _validate("edit_", SessionUpdate)
    if entry is None or entry_id is None:
        return
    try:
        update_session(
            get_engine(), entry_id=entry_id, entry=SessionUpdate.model_validate(entry.model_dump())
        )
    except EntryError as error:
        st.session_state["edit_flash"] = ("error", f"{error} Nothing was changed.")
        return
    st.session_state["editing"] = None
    st.session_state["new_flash"] = ("success", "Updated " + _summary(entry) + ".")


def _flash(prefix: str) -> None:
    message = st.session_state.pop(f"{prefix}flash", None)
    if message is None:
        return
    kind, text = message
    {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[kind](text)


def _entry_fields(prefix: str, codes: list[str], tags: list[str]) -> None:
    """The widgets of one entry, in the order a keyboard user tabs through them."""
    current = st.session_state.get(f"{prefix}client")
    options = codes if current in (None, *codes) else [current, *codes]
    st.selectbox(
        "Client code",
        options,
        key=f"{prefix}client",
        index=None,
        accept_new_options=True,
        placeholder="Type a pseudonym such as C-07, or pick a recent one",
        help=f"A pseudonym, never a name (at most {CLIENT_CODE_MAX} characters).",
    )
    if st.session_state.get(f"{prefix}needs_confirm"):
        st.checkbox("Keep this code anyway: it is a pseudonym", key=f"{prefix}keep_code")
    st.caption(f"Rate each sign 0–10: {SCALE}.")
    # One horizontal container, not st.columns: a row of columns is four blocks to draw and to
    # tear down when leaving the page.
    sliders = st.container(horizontal=True, gap="medium")
    for sign in SIGNS:
        with sliders:
            st.slider(sign.capitalize(), 0, 10, key=f"{prefix}{sign}")
    if _backfilling(prefix):
        left, right = st.columns(2)
        with left:
            st.date_input("Session date", key=f"{prefix}date", format="YYYY-MM-DD")
        with right:
            st.time_input("Start time", key=f"{prefix}time", step=timedelta(minutes=5))
    st.multiselect(
        "Scenario tags (optional)",
        tags,
        key=f"{prefix}scenarios",
        accept_new_options=True,
        placeholder="Choose the guide's scenarios or type your own tag",
    )
    st.checkbox("Grounding ritual done after the session", key=f"{prefix}grounding")
    reflection = st.expander(
        "Reflection and private note (optional)", key=f"{prefix}reflection", on_change="rerun"
    )
    if reflection.open:
        st.session_state[f"{prefix}reflection_opened"] = True
    # Drawn once asked for: four text areas on every visit made the page slower to save on and
    # to leave (BENCHMARKS.md). Opening the expander reruns the form and brings them in.
    if not _reflection_wanted(prefix):
        return
    with reflection:
        for key, question in REFLECTION_PROMPTS.items():
            st.text_area(question, key=f"{prefix}{key}", height=68)
        # No max_chars: a pasted long text is kept and explained, not silently cut.
        st.text_area(
            "Private note (never in a packet unless you opt in)",
            key=f"{prefix}note",
            height=68,
            help=f"At most {TEXT_MAX} characters.",
        )


def _reflection_wanted(prefix: str) -> bool:
    """Whether the reflection fields are drawn: once opened, or holding text, or when editing."""
    # Once opened they stay for the session: closing the expander must never drop typed text
    # (text typed in a form reaches the server only on Save).
    state = st.session_state
    return (
        prefix != "new_"
        or bool(state.get(f"{prefix}reflection_opened"))
        or any(state.get(f"{prefix}{field}") for field in TEXT_FIELDS)
    )


def _load_into_edit(entry_id: int) -> None:
    row = get_session(get_engine(), entry_id=entry_id)
    if row.empty:
        st.session_state["new_flash"] = ("info", "That entry no longer exists.")
        return
    entry = row.iloc[0]
    started = entry["started_at"].to_pydatetime().astimezone(tz())
    st.session_state.update(
        {
            "editing": entry_id,
            "edit_client": entry["client_code"],
            "edit_date": started.date(),
            "edit_time": started.time().replace(second=0, microsecond=0),
            "edit_scenarios": list(entry["scenarios"]),
            "edit_grounding": bool(entry["grounding_done"]),
            "edit_keep_code": False,
            "edit_needs_confirm": False,
            **{f"edit_{sign}": int(entry[sign]) for sign in SIGNS},
            **{f"edit_{field}": str(entry[field]) for field in TEXT_FIELDS},
        }
    )


def _delete(entry_id: int) -> None:
    if delete_session(get_engine(), entry_id=entry_id):
        st.session_state["new_flash"] = ("success", "Entry deleted.")
    st.session_state["confirm_delete"] = None
    if st.session_state.get("editing") == entry_id:
        st.session_state["editing"] = None


def _pick_label(row: RecentEntry) -> str:
    """One entry as plain text for the picker (widget options are never rendered as Markdown)."""
    return (
        f"{local_time(row.started_at)} · {row.client_code} · dread {row.dread} · "
        f"detachment {row.detachment} · fatigue {row.fatigue}"
    )


def _code_span(text: str) -> str:
    """User text as a Markdown code span: shown literally, never as a link, image or icon."""
    # Backticks would end the span; pipes would split a table cell.
    return "`" + str(text).replace("`", "'").replace("|", "/") + "`"


def _entry_line(row: RecentEntry) -> str:
    tags_text = f" · {', '.join(_code_span(t) for t in row.scenarios)}" if row.scenarios else ""
    ritual = " · grounding done" if row.grounding_done else ""
    return (
        f"- **{local_time(row.started_at)}** · {_code_span(row.client_code)} · "
        f"dread {row.dread} · detachment {row.detachment} · fatigue {row.fatigue}"
        f"{tags_text}{ritual}"
    )


def _ask_delete() -> None:
    st.session_state["confirm_delete"] = st.session_state.get("row_pick")


def _edit_picked() -> None:
    picked = st.session_state.get("row_pick")
    if picked is not None:
        _load_into_edit(int(picked))


def _recent_entries(engine: Engine) -> None:
    """The last ten entries as one compact list, and one picker with Edit and Delete."""
    st.subheader("Recent entries")
    rows = recent_sessions(engine, limit=10)
    if not rows:
        st.info("No sessions logged yet. Your first entry will appear here once it is saved.")
        return
    # One Markdown element and three widgets: ten bordered rows with twenty buttons made the
    # browser's redraw after every save about twice as slow as a bare form's.
    st.markdown("\n".join(_entry_line(row) for row in rows))
    by_id = {row.id: row for row in rows}
    if st.session_state.get("row_pick") not in by_id:
        st.session_state["row_pick"] = next(iter(by_id))
    picker = st.container(horizontal=True, vertical_alignment="bottom")
    picker.selectbox(
        "Entry to edit or delete",
        list(by_id),
        format_func=lambda entry_id: _pick_label(by_id[entry_id]),
        key="row_pick",
    )
    picker.button("Edit", key="row_edit", on_click=_edit_picked)
    picker.button("Delete", key="row_delete", on_click=_ask_delete)
    doomed = st.session_state.get("confirm_delete")
    if doomed in by_id:
        row = by_id[doomed]
        st.warning(
            f"Delete the entry for {_code_span(row.client_code)} of "
            f"{local_time(row.started_at)}? This cannot be undone."
        )
        yes, no = st.columns(2)
        yes.button("Yes, delete it", key="delete_yes", on_click=_delete, args=(doomed,))
        no.button(
            "Keep it",
            key="delete_no",
            on_click=lambda: st.session_state.update(confirm_delete=None),
        )


@st.fragment
def _log_body() -> None:
    """Form, edit form and recent list: a save reruns only this, not the navigation and title."""
    engine = get_engine()
    # The outcome of a save first: it reaches the screen before the queries for the form below.
    _flash("new_")
    codes = recent_client_codes(engine)
    tags = scenario_names(engine) or list(BUILTIN_SCENARIOS)
    # The date and time pickers only on request: most entries are made right after the session
    # and take the time of saving. Pickers filled when the page opened went stale while it stayed
    # open between sessions, so an entry could carry the time of the previous save.
    st.toggle(
        "Earlier session: set its date and start time",
        key="new_backfill",
        on_change=_start_now,
        help="Off: the entry is saved with the current time. On: choose when it started.",
    )
    with st.form("log_form", border=True, enter_to_submit=True):
        _entry_fields("new_", codes, tags)
        st.form_submit_button("Save session", type="primary", on_click=_save_new, key="new_submit")

    if st.session_state.get("editing") is not None:
        st.subheader("Edit entry")
        _flash("edit_")
        with st.form("edit_form"):
            _entry_fields("edit_", codes, tags)
            left, right = st.columns(2)
            left.form_submit_button(
                "Save changes", type="primary", on_click=_save_edit, key="edit_submit"
            )
            right.form_submit_button(
                "Cancel", on_click=lambda: st.session_state.update(editing=None), key="edit_cancel"
            )
    _recent_entries(engine)


for key, value in _defaults("new_").items():
    st.session_state.setdefault(key, value)
st.session_state.setdefault("new_backfill", False)
st.session_state.setdefault("editing", None)
st.session_state.setdefault("confirm_delete", None)

st.title("Log a session")
st.caption(
    "A client code and three ratings are enough. Tab moves between fields, arrow keys move "
    "the sliders, and Enter on Save session saves."
)
_log_body()
