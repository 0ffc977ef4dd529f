"""Settings: every threshold with its reason; save to the database or go back to the defaults."""

from __future__ import annotations

import math
from dataclasses import Field
from typing import Any

import streamlit as st

from core.settings import SettingsError, Thresholds, default_of, label, setting_fields
from core.warnings import how_levels_work
from dashboard.cache import get_engine
from dashboard.common import leave_flash, show_flash
from data.settings_store import load_thresholds, reset_thresholds, save_thresholds

PREFIX = "setting_"


def _key(f: Field[Any]) -> str:
    return PREFIX + f.name


def _fill(thresholds: Thresholds) -> None:
    for f in setting_fields():
        st.session_state[_key(f)] = getattr(thresholds, f.name)


def _save() -> None:
    values = {f.name: st.session_state[_key(f)] for f in setting_fields()}
    try:
        thresholds = Thresholds.from_mapping(values)
    except SettingsError as error:
        leave_flash("settings_flash", "error", f"{error} Nothing was saved.")
        return
    save_thresholds(get_engine(), thresholds=thresholds)
    leave_flash("settings_flash", "success", "Settings saved. The Weekly review now uses them.")


def _reset() -> None:
    reset_thresholds(get_engine())
    _fill(Thresholds())
    leave_flash("settings_flash", "success", "Every setting is back to its default.")


def _input(f: Field[Any]) -> None:
    default = default_of(f)
    name = label(f.name)
    low, high = f.metadata.get("min"), f.metadata.get("max")
    note = f"{f.metadata['help']} Default: {default:g}."
    if isinstance(default, bool):
        st.checkbox(name, key=_key(f), help=note)
        return
    if isinstance(default, int):
        st.number_input(
            name,
            min_value=int(low) if low is not None else None,
            max_value=int(high) if high is not None and math.isfinite(high) else None,
            step=1,
            key=_key(f),
        )
    else:
        decimals = max(1, len(repr(float(default)).split(".")[1]))
        st.number_input(
            name,
            min_value=float(low) if low is not None else None,
            max_value=float(high) if high is not None and math.isfinite(high) else None,
            step=10.0 ** -min(decimals, 2),
            format=f"%.{decimals}f",
            key=_key(f),
        )
    st.caption(note)


def main() -> None:
    """Render the Settings page."""
    st.title("Settings")
    st.caption(
        "The thresholds behind the warning levels. Each one says why it has its default; "
        "the defaults suit most people. Changes apply to the Weekly review and the packet."
    )
    engine = get_engine()
    current = load_thresholds(engine)
    if any(_key(f) not in st.session_state for f in setting_fields()):
        _fill(current)
    st.expander("How the warning levels work").markdown(how_levels_work(current))
    show_flash("settings_flash")
    with st.form("settings_form"):
        for f in setting_fields():
            _input(f)
        st.form_submit_button("Save settings", type="primary", on_click=_save, key="settings_save")
    st.button("Reset every setting to its default", key="settings_reset", on_click=_reset)


main()
