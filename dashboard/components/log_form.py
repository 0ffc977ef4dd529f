"""The Log form: typed state keys, defaults, payload, reset, validation and the fields themselves.

The same fields serve a new entry (`NEW`, a draft kept for the visit) and an edit (`EDIT`, inside
an `st.form`). The page (views/log.py) saves; this module only knows what the form holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any, Literal, NamedTuple, TypeVar

import streamlit as st
from pydantic import ValidationError

from core.privacy import pseudonym_advice
from core.schema import RATING_ANCHORS, REFLECTION_PROMPTS, SIGNS
from dashboard.common import Kind, leave_flash, local_time, show_flash, tz
from data.models import CLIENT_CODE_MAX, TEXT_MAX, SessionCreate
from data.validation import as_sentences, explain

TEXT_FIELDS = (*REFLECTION_PROMPTS, "note")
SCALE = " · ".join(f"{value} {word}" for value, word in RATING_ANCHORS.items())
CLIENT_LABEL = "Client code"
PICK_A_CODE = "Pick a recent client code or type a new one."
DETAILS_LABEL = "Tags, grounding, reflection and note (optional)"

# A second save this soon after the first is a double click, even across a minute boundary
# (where the database's one-entry-per-minute-and-client rule would not catch it).
DOUBLE_SUBMIT_SECONDS = 120
LAST_SAVE = "new_last_saved"
SAVES = "new_saves"  # entries saved this visit: a new count moves the focus back to the code

Entry = TypeVar("Entry", bound=SessionCreate)


@dataclass(frozen=True)
class FormKeys:
    """The session-state keys of one entry form, named once."""

    prefix: str
    draft: bool  # keep the values across pages for the visit (the new entry, not an edit)

    @property
    def client(self) -> str:
        """The client code selectbox."""
        return f"{self.prefix}client"

    @property
    def date(self) -> str:
        """The session date (back-fill and edit only)."""
        return f"{self.prefix}date"

    @property
    def time(self) -> str:
        """The start time (back-fill and edit only)."""
        return f"{self.prefix}time"

    @property
    def scenarios(self) -> str:
        """The scenario tags."""
        return f"{self.prefix}scenarios"

    @property
    def grounding(self) -> str:
        """The "grounding ritual done" tick box."""
        return f"{self.prefix}grounding"

    @property
    def keep_code(self) -> str:
        """The tick box that lets a name-like code through."""
        return f"{self.prefix}keep_code"

    @property
    def needs_confirm(self) -> str:
        """Whether the name-like code question is showing."""
        return f"{self.prefix}needs_confirm"

    @property
    def flash(self) -> str:
        """The outcome of the last save, shown next to the Save button."""
        return f"{self.prefix}flash"

    @property
    def details(self) -> str:
        """The expander holding tags, grounding, reflection and note."""
        return f"{self.prefix}reflection"

    @property
    def details_opened(self) -> str:
        """Set once the expander was opened: its text fields stay drawn from then on."""
        return f"{self.prefix}reflection_opened"

    def sign(self, sign: str) -> str:
        """The slider of one sign."""
        return f"{self.prefix}{sign}"

    def text(self, field: str) -> str:
        """One reflection question or the private note."""
        return f"{self.prefix}{field}"


NEW = FormKeys("new_", draft=True)
EDIT = FormKeys("edit_", draft=False)
BACKFILL = "new_backfill"  # outside the form's values: it stays on for the next entry


class LastSave(NamedTuple):
    """The entry saved last: what a double click would repeat, and how it was confirmed."""

    fingerprint: str
    at: float
    summary: str


def code_span(text: str) -> str:
    """User text as a Markdown code span: shown literally, never as a link, image or icon."""
    # Backticks would end the span; pipes would split a table cell.
    return "`" + str(text).replace("`", "'").replace("|", "/") + "`"


def summary(entry: SessionCreate) -> str:
    """An entry in one line for a confirmation: code, local start time and ratings."""
    ratings = ", ".join(f"{sign} {getattr(entry, sign)}" for sign in SIGNS)
    return f"{code_span(entry.client_code)} at {local_time(entry.started_at)}: {ratings}"


def fingerprint(entry: SessionCreate) -> str:
    """The entry without its start time: what a double click repeats."""
    return entry.model_dump_json(exclude={"started_at"})


def remember_save(entry: SessionCreate) -> None:
    """Note a new entry as saved: for the double-click guard and to move the focus back."""
    st.session_state[LAST_SAVE] = LastSave(fingerprint(entry), monotonic(), summary(entry))
    st.session_state[SAVES] = st.session_state.get(SAVES, 0) + 1


def recent_save() -> LastSave | None:
    """The entry saved last, if that was less than DOUBLE_SUBMIT_SECONDS ago."""
    last: LastSave | None = st.session_state.get(LAST_SAVE)
    return last if last is not None and monotonic() - last.at < DOUBLE_SUBMIT_SECONDS else None


def duplicate_message(entry: SessionCreate, *, repeat: bool) -> tuple[Kind, str]:
    """What to say when the database already holds this client at this minute."""
    if repeat:
        return "info", f"Already saved: {summary(entry)}."
    return "warning", (
        f"{code_span(entry.client_code)} already has an entry at {local_time(entry.started_at)} "
        "(one per client and minute). Nothing new was saved; to change that entry, pick it "
        "below and choose Edit."
    )


def now_local() -> tuple[date, time]:
    """Today and the current time to the minute, in the local zone."""
    now = datetime.now(tz())
    return now.date(), now.time().replace(second=0, microsecond=0)


def backfilling(keys: FormKeys) -> bool:
    """Whether this form sets its own date and start time (always, when editing)."""
    return not keys.draft or bool(st.session_state.get(BACKFILL))


def start_now() -> None:
    """Turning back-fill on starts the pickers at the current time, not when the page opened."""
    st.session_state[NEW.date], st.session_state[NEW.time] = now_local()


def defaults(keys: FormKeys) -> dict[str, Any]:
    """An empty form: no code, every rating 0, no tags or text, the current day and time."""
    today, clock = now_local()
    values: dict[str, Any] = {
        keys.client: None,
        keys.date: today,
        keys.time: clock,
        keys.scenarios: [],
        keys.grounding: False,
        keys.keep_code: False,
        keys.needs_confirm: False,
    }
    values.update({keys.sign(sign): 0 for sign in SIGNS})
    values.update({keys.text(field): "" for field in TEXT_FIELDS})
    return values


def ensure_defaults(keys: FormKeys) -> None:
    """Give every field its empty value unless it holds one (a draft from earlier in the visit)."""
    for key, value in defaults(keys).items():
        st.session_state.setdefault(key, value)


def reset(keys: FormKeys) -> None:
    """Empty the form for the next session."""
    # Back-filling several past sessions (the toggle stays on): keep the day and time just used.
    keep = {keys.date, keys.time} if backfilling(keys) else set()
    for key, value in defaults(keys).items():
        if key not in keep:
            st.session_state[key] = value


def is_blank(keys: FormKeys) -> bool:
    """Whether nothing was entered: no code, every rating 0, no tags, no text, no tick."""
    state = st.session_state
    return (
        not (state.get(keys.client) or "").strip()
        and not any(state.get(keys.sign(sign)) for sign in SIGNS)
        and not state.get(keys.scenarios)
        and not state.get(keys.grounding)
        and not any(state.get(keys.text(field)) for field in TEXT_FIELDS)
    )


def payload(keys: FormKeys) -> dict[str, Any]:
    """The form's values as the fields of a session entry (not yet validated)."""
    state = st.session_state
    if backfilling(keys):
        started = datetime.combine(state[keys.date], state[keys.time], tzinfo=tz())
    else:
        # Logged right after the session: the time of saving, to the minute.
        started = datetime.now(tz()).replace(second=0, microsecond=0)
    values: dict[str, Any] = {
        "started_at": started,
        "client_code": (state[keys.client] or "").strip(),
        "scenarios": list(state[keys.scenarios]),
        "grounding_done": bool(state[keys.grounding]),
    }
    values.update({sign: state[keys.sign(sign)] for sign in SIGNS})
    values.update({field: state[keys.text(field)] for field in TEXT_FIELDS})
    return values


def validate(keys: FormKeys, model: type[Entry]) -> Entry | None:
    """The form as a validated entry, or None with a message left beside Save saying why."""
    values = payload(keys)
    if not values["client_code"]:
        leave_flash(keys.flash, "error", f"{PICK_A_CODE} Nothing was saved.")
        return None
    try:
        entry = model.model_validate(values)
    except ValidationError as error:
        leave_flash(keys.flash, "error", as_sentences(explain(error)) + " Nothing was saved.")
        return None
    # Length and the like first: a code too long is refused, not questioned as a possible name.
    advice = pseudonym_advice(entry.client_code)
    if advice and not st.session_state.get(keys.keep_code):
        leave_flash(keys.flash, "warning", advice)
        st.session_state[keys.needs_confirm] = True
        return None
    return entry


def _persist(keys: FormKeys) -> Literal["session"] | None:
    return "session" if keys.draft else None


def draw_fields(keys: FormKeys, codes: list[str], tags: list[str]) -> None:
    """The widgets of one entry, in the order Tab moves through them: code, ratings, details."""
    persist = _persist(keys)
    current = st.session_state.get(keys.client)
    options = codes if current in (None, *codes) else [current, *codes]
    # required: no "Clear value" button, which sat between the code and Dread in the Tab order
    # and made the next arrow keys move the wrong slider. A code can still be replaced.
    st.selectbox(
        CLIENT_LABEL,
        options,
        key=keys.client,
        index=None,
        accept_new_options=True,
        required=True,
        persist_state=persist,
        placeholder="Type a pseudonym such as C-07, or pick a recent one",
        help=f"A pseudonym, never a name (at most {CLIENT_CODE_MAX} characters).",
    )
    st.caption(f"Rate each sign 0–10: {SCALE}.")
    # One horizontal container, not st.columns: a row of columns is four blocks to draw and to
    # tear down when leaving the page.
    sliders = st.container(horizontal=True, gap="medium")
    for sign in SIGNS:
        with sliders:
            st.slider(sign.capitalize(), 0, 10, key=keys.sign(sign), persist_state=persist)
    if backfilling(keys):
        when = st.container(horizontal=True, gap="medium")
        with when:
            st.date_input("Session date", key=keys.date, format="YYYY-MM-DD", persist_state=persist)
            st.time_input(
                "Start time", key=keys.time, step=timedelta(minutes=5), persist_state=persist
            )
    _details(keys, tags)


def draw_outcome(keys: FormKeys) -> None:
    """Below Save: what the last save did, and the tick box a questioned code needs."""
    show_flash(keys.flash)
    if st.session_state.get(keys.needs_confirm):
        st.checkbox(
            "Keep this code anyway: it is a pseudonym",
            key=keys.keep_code,
            persist_state=_persist(keys),
        )


def _details(keys: FormKeys, tags: list[str]) -> None:
    """Tags, grounding, the guide's questions and the note: one Tab stop until opened."""
    persist = _persist(keys)
    details = st.expander(DETAILS_LABEL, key=keys.details, on_change="rerun")
    if details.open:
        st.session_state[keys.details_opened] = True
    details.multiselect(
        "Scenario tags",
        tags,
        key=keys.scenarios,
        accept_new_options=True,
        persist_state=persist,
        placeholder="Choose the guide's scenarios or type your own tag",
    )
    details.checkbox(
        "Grounding ritual done after the session", key=keys.grounding, persist_state=persist
    )
    # The text areas are drawn once asked for: four of them on every visit made the page slower
    # to save on and to leave (BENCHMARKS.md). Opening the expander reruns and brings them in.
    if not _text_wanted(keys):
        return
    for key, question in REFLECTION_PROMPTS.items():
        details.text_area(
            question, key=keys.text(key), height=68, max_chars=TEXT_MAX, persist_state=persist
        )
    # max_chars shows the limit as a counter while typing, before anyone goes past it.
    details.text_area(
        "Private note (never in a packet unless you opt in)",
        key=keys.text("note"),
        height=68,
        max_chars=TEXT_MAX,
        persist_state=persist,
    )


def _text_wanted(keys: FormKeys) -> bool:
    """Whether the text fields are drawn: once opened, or holding text, or when editing."""
    # Once opened they stay for the visit: closing the expander must never drop typed text.
    state = st.session_state
    return (
        not keys.draft
        or bool(state.get(keys.details_opened))
        or any(state.get(keys.text(field)) for field in TEXT_FIELDS)
    )


# Runs in the page itself (st.html is not an iframe). Only when nothing else holds the focus, or
# the Save button (just pressed) or a sidebar link (just followed) does: never while typing
# elsewhere. Not on touch-only screens, where focusing would pop the keyboard over the ratings.
_FOCUS_SCRIPT = """<script>
(() => {  // after save %s
  if (!window.matchMedia("(any-pointer: fine)").matches) return;
  let tries = 0;
  const focus = () => {
    const input = document.querySelector('input[aria-label="%s"]');
    if (!input) { if (tries++ < 40) setTimeout(focus, 50); return; }
    const active = document.activeElement;
    const free = !active || active === document.body ||
      active.closest('[data-testid="stSidebar"], [data-testid="stButton"]');
    if (free) input.focus();
  };
  focus();
})();
</script>"""


def focus_client_code() -> None:
    """Put the keyboard focus on the client code on arrival, and again after each save."""
    # A new count changes the element, which runs its script again.
    token = st.session_state.get(SAVES, 0)
    st.html(_FOCUS_SCRIPT % (token, CLIENT_LABEL), width="content", unsafe_allow_javascript=True)
