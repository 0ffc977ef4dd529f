"""Shared glue for pages: the cached engine, local time and small formatting helpers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st
from sqlalchemy import Engine

from data.db import ensure_schema, make_engine
from data.environment import load_environment, local_timezone

NOT_A_DIAGNOSIS = (
    "Tightrope is a self-reflection aid, not a diagnosis or an emergency service. "
    "If you are in crisis, contact your supervisor or local emergency services."
)


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    ensure_schema(engine)
    return engine


def get_engine() -> Engine:
    """The engine for the configured database, migrated to the newest schema once per process."""
    return _engine_for(load_environment().database_url)


def tz() -> ZoneInfo:
    """The timezone local days and times are shown in."""
    return local_timezone()


def local_time(value: datetime) -> str:
    """A short local date and time for lists, e.g. 'Tue 24 Nov, 14:05'."""
    return value.astimezone(tz()).strftime("%a %d %b %Y, %H:%M")
