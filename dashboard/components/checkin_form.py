"""The check-in questionnaire: every item with its published wording and answer labels.

One horizontal radio group per item (Tab reaches the group, the arrow keys choose), nothing
chosen in advance: a pre-selected answer would be an answer the therapist never gave. Save checks
every instrument with core.checkin.scoring.answer_problems and stores them together or not at all
(data.checkins.add_checkins), the problems shown beside Save in plain words.

The answers are a draft kept for the visit, as on the Log page: no `st.form` (a form's values
reach the server only on Save, so leaving the page lost them), each radio group keeps its value
across pages (`persist_state`), and a successful save clears them. The questionnaire is a
fragment, so choosing an answer reruns only the questionnaire, not the scores and charts above.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import streamlit as st
from sqlalchemy.exc import OperationalError

from core.checkin.instruments import Instrument
from core.checkin.scoring import CheckinError
from dashboard.account import current_account
from dashboard.cache import get_engine
from dashboard.common import leave_flash, tz
from data.checkins import add_checkins, checkin_problems
from data.db import trouble_in_words

PREFIX = "checkin_"
PROBLEMS = "checkin_problems"  # the refusal of the last Save, shown beside the button
MISSING = "checkin_refused_missing"  # that refusal was for missing or invalid answers
FLASH = "checkin_flash"
SAVE = "checkin_save"
SAVED = "checkin_saved"  # set by a successful Save: the scores above the questionnaire change too
WHOLE_PAGE = "checkin_whole_page"  # set while the page itself runs, not the fragment alone
MAX_LISTED = 6
DRAFT_HINT = (
    "Draft kept: your {count} answer{s} so far stay here while you visit other pages, "
    "until you save."
)
NO_DRAFT = "Answers you give are kept while you visit other pages, until you save."


def item_key(item_id: str) -> str:
    """The session-state key of one item's answer (its radio group)."""
    return PREFIX + item_id


def answers_of(instrument: Instrument) -> dict[str, object]:
    """The answers chosen so far for `instrument`, by item id (None where none is chosen)."""
    return {item.id: st.session_state.get(item_key(item.id)) for item in instrument.items}


def answered(instruments: Sequence[Instrument]) -> int:
    """How many questions of `instruments` have an answer so far (the draft's size)."""
    return sum(v is not None for i in instruments for v in answers_of(i).values())


def refusal(instrument: Instrument, answers: dict[str, object], problems: list[str]) -> str:
    """Why Save refused `instrument`'s answers, in a sentence or a short list."""
    missing = [item.number for item in instrument.items if answers.get(item.id) is None]
    if missing and len(missing) == len(problems):
        if len(missing) == len(instrument.items):
            return f"The {instrument.short_name} has no answers yet."
        listed = _numbers(missing)
        few = "Question" if len(missing) == 1 else "Questions"
        verb = "has" if len(missing) == 1 else "have"
        return f"{few} {listed} of the {instrument.short_name} {verb} no answer yet."
    shown = problems[:MAX_LISTED]
    more = len(problems) - len(shown)
    lines = "\n".join(f"- {problem}" for problem in shown)
    return lines + (f"\n- … and {more} more." if more else "")


def _numbers(numbers: Sequence[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def refusals(instruments: Sequence[Instrument]) -> list[str]:
    """Why Save would refuse the answers given so far, one entry per instrument (empty: none)."""
    answers = {instrument.key: answers_of(instrument) for instrument in instruments}
    return [
        refusal(instrument, answers[instrument.key], problems)
        for instrument in instruments
        if (problems := checkin_problems(instrument.key, answers[instrument.key]))
    ]


def _save(instruments: Sequence[Instrument]) -> None:
    answers = {instrument.key: answers_of(instrument) for instrument in instruments}
    refused = refusals(instruments)
    st.session_state[MISSING] = bool(refused)
    if refused:
        st.session_state[PROBLEMS] = refused
        return
    today = datetime.now(tz()).date()
    try:
        add_checkins(get_engine(), owner=current_account(), day=today, answers=answers)
    except CheckinError as error:  # answered meanwhile in another tab with other items
        st.session_state[PROBLEMS] = [str(error)]
        return
    except OperationalError as error:  # the answers stay chosen
        st.session_state[PROBLEMS] = [
            f"Nothing was saved: {trouble_in_words(error)}. Your answers are still chosen: "
            "try again in a moment."
        ]
        return
    st.session_state[PROBLEMS] = []
    for instrument in instruments:
        for item in instrument.items:
            st.session_state[item_key(item.id)] = None
    st.session_state[SAVED] = True
    names = " and ".join(instrument.short_name for instrument in instruments)
    leave_flash(FLASH, "success", f"Saved your {names} check-in of {today:%d %B %Y}.")


def _items(instrument: Instrument) -> None:
    st.subheader(instrument.name)
    st.caption(instrument.credit)
    if instrument.instructions:
        st.markdown(instrument.instructions)
    by_scale = instrument.key == "cbi"  # the CBI in its three parts; the ProQOL in its own order
    scale = None
    for item in instrument.items:
        if by_scale and item.scale != scale:
            scale = item.scale
            st.markdown(f"**{instrument.scale(scale).title}**")
        labels = instrument.format_of(item).labels
        st.radio(
            f"{item.number}. {item.text}",
            options=range(len(labels)),
            format_func=labels.__getitem__,
            index=None,
            horizontal=True,
            key=item_key(item.id),
            persist_state="session",  # the draft: kept while the therapist visits other pages
        )


def questionnaire(instruments: Sequence[Instrument]) -> None:
    """The items of every instrument in `instruments`, one Save for all of them."""
    st.session_state[WHOLE_PAGE] = True  # this run draws the whole page, scores included
    _questionnaire(instruments)


@st.fragment
def _questionnaire(instruments: Sequence[Instrument]) -> None:
    # After a save, a run of this fragment alone would leave the scores above stale.
    whole_page = st.session_state.pop(WHOLE_PAGE, False)
    if st.session_state.pop(SAVED, False) and not whole_page:
        st.rerun(scope="app")
    count = answered(instruments)
    # Always one caption in this place: an element appearing above the questions would shift
    # them and could take the keyboard focus out of the group being answered.
    st.caption(DRAFT_HINT.format(count=count, s="" if count == 1 else "s") if count else NO_DRAFT)
    for instrument in instruments:
        _items(instrument)
    st.button("Save check-in", type="primary", key=SAVE, on_click=_save, args=(instruments,))
    # Beside Save, where the eyes and the keyboard are. A refusal for missing answers follows
    # the answers given since: it names only the questions still open, and goes once none are.
    refused = st.session_state.get(PROBLEMS, [])
    if refused and st.session_state.get(MISSING, False):
        refused = st.session_state[PROBLEMS] = refusals(instruments)
    if refused:
        kept = "Nothing was saved; your answers are still here." if count else ""
        st.error("\n\n".join([*refused, kept or "Nothing was saved."]))
