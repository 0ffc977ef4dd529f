"""Settings: every threshold with its reason; save to the database or go back to the defaults."""

from __future__ import annotations

import math
from dataclasses import Field
from typing import Any

import streamlit as st
from sqlalchemy.exc import OperationalError

from core.settings import (
    EVERYDAY,
    SettingsError,
    Thresholds,
    check_value,
    default_of,
    label,
    setting_fields,
    shown_default,
)
from core.warnings import how_levels_work
from dashboard.account import current_account
from dashboard.cache import get_engine
from dashboard.common import leave_flash, show_flash
from data.db import trouble_in_words
from data.settings_store import load_thresholds, reset_thresholds, save_thresholds

PREFIX = "setting_"
PROBLEMS = "settings_problems"  # field name -> why its value was refused, from the last Save


def _key(f: Field[Any]) -> str:
    return PREFIX + f.name


def _fill(thresholds: Thresholds) -> None:
    for f in setting_fields():
        st.session_state[_key(f)] = getattr(thresholds, f.name)


def _refusal(problems: dict[str, str]) -> str:
    if len(problems) == 1:
        return f"{next(iter(problems.values()))} Nothing was saved."
    listed = "\n".join(f"- {problem}" for problem in problems.values())
    return f"{len(problems)} settings are out of range, so nothing was saved:\n{listed}"


def _save() -> None:
    values = {f.name: st.session_state[_key(f)] for f in setting_fields()}
    problems: dict[str, str] = {}
    for name, value in values.items():
        try:
            check_value(name, value)
        except SettingsError as error:
            problems[name] = str(error)
    st.session_state[PROBLEMS] = problems
    if problems:
        leave_flash("settings_flash", "error", _refusal(problems))
        return
    try:
        thresholds = Thresholds.from_mapping(values)  # the rules between settings
    except SettingsError as error:
        leave_flash("settings_flash", "error", f"{error} Nothing was saved.")
        return
    try:
        save_thresholds(get_engine(), owner=current_account(), thresholds=thresholds)
    except OperationalError as error:
        leave_flash("settings_flash", "error", f"Nothing was saved: {trouble_in_words(error)}.")
        return
    leave_flash("settings_flash", "success", "Settings saved. The Weekly review now uses them.")


def _reset() -> None:
    try:
        reset_thresholds(get_engine(), owner=current_account())
    except OperationalError as error:
        leave_flash("settings_flash", "error", f"Nothing was reset: {trouble_in_words(error)}.")
        return
    _fill(Thresholds())
    st.session_state[PROBLEMS] = {}
    leave_flash("settings_flash", "success", "Every setting is back to its default.")


def _allowed(low: float | None, high: float | None) -> str:
    if low is not None and high is not None and math.isfinite(high):
        return f" Allowed: {low:g} to {high:g}."
    return f" Allowed: {low:g} or more." if low is not None else ""


def _input(f: Field[Any]) -> None:
    default = default_of(f)
    name = label(f.name)
    low, high = f.metadata.get("min"), f.metadata.get("max")
    note = f"{f.metadata['help']} Default: {shown_default(f)}."
    if isinstance(default, bool):
        st.checkbox(name, key=_key(f))
        st.caption(note)
        return
    # No min_value or max_value: the browser would refuse an out-of-range number on the field
    # alone and send the old value with Save. Save checks the range and says what is wrong.
    if isinstance(default, int):
        st.number_input(name, step=1, key=_key(f))
    else:
        decimals = max(1, len(repr(float(default)).split(".")[1]))
        st.number_input(name, step=10.0 ** -min(decimals, 2), format=f"%.{decimals}f", key=_key(f))
    st.caption(note + _allowed(low, high))
    problem = st.session_state.get(PROBLEMS, {}).get(f.name)
    if problem is not None:
        st.error(problem)


def main() -> None:
    """Render the Settings page."""
    st.title("Settings")
    st.caption(
        "The thresholds behind the warning levels. Each one says why it has its default; "
        "the defaults suit most people. Changes apply to the Weekly review and the packet."
    )
    engine = get_engine()
    current = load_thresholds(engine, owner=current_account())
    if any(_key(f) not in st.session_state for f in setting_fields()):
        _fill(current)
    st.expander("How the warning levels work").markdown(how_levels_work(current))
    with st.form("settings_form"):
        everyday = [f for f in setting_fields() if f.name in EVERYDAY]
        for f in everyday:
            _input(f)
        problems = st.session_state.get(PROBLEMS, {})
        rest = [f for f in setting_fields() if f.name not in EVERYDAY]
        # Open when Save refused one of them, so its message is in sight.
        with st.expander(
            "The statistics behind the levels and patterns (the defaults suit most people)",
            expanded=any(f.name in problems for f in rest),
        ):
            for f in rest:
                _input(f)
        st.form_submit_button("Save settings", type="primary", on_click=_save, key="settings_save")
        show_flash("settings_flash")  # beside Save, where the person is looking
    st.button("Reset every setting to its default", key="settings_reset", on_click=_reset)


main()
