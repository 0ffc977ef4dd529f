"""Shared glue for pages: local time, flash messages and escaping user text for Markdown."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import streamlit as st

from data.environment import local_timezone

Kind = Literal["success", "info", "warning", "error"]

PAGE_DISCLAIMER = (
    "Tightrope is a self-reflection aid, not a diagnosis or an emergency service. "
    "If you are in crisis, contact your supervisor or local emergency services."
)
"""Shown on pages beside a finding (core.warnings' own sentence ends a warning explanation)."""

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def tz() -> ZoneInfo:
    """The timezone local days and times are shown in."""
    return local_timezone()


def local_time(value: datetime) -> str:
    """A short local date and time for lists, e.g. 'Tue 24 Nov, 14:05'."""
    return value.astimezone(tz()).strftime("%a %d %b %Y, %H:%M")


def md(text: str) -> str:
    """Escape a user string (a client code, a tag) so Markdown shows it as plain text."""
    return _MARKDOWN.sub(r"\\\1", text)


def leave_flash(key: str, kind: Kind, text: str) -> None:
    """Keep a message for the next run of the page (an action's outcome, shown once)."""
    st.session_state[key] = (kind, text)


def show_flash(key: str) -> None:
    """Show and forget the message an action left under `key`, if any."""
    message = st.session_state.pop(key, None)
    if message is not None:
        kind, text = message
        {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[kind](
            text
        )
