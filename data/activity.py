"""When entries were made: the days with an entry, for the logging reminder (nothing else read)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from data.repository import ENTRY


def logged_days(engine: Engine, *, since: datetime, zone: ZoneInfo) -> set[date]:
    """The local days holding at least one entry that started at or after `since` (aware)."""
    # Start times only, through the started_at index: no codes, ratings or notes are read.
    query = select(ENTRY.c.started_at).where(ENTRY.c.started_at >= since)
    with engine.connect() as connection:
        return {started.astimezone(zone).date() for (started,) in connection.execute(query)}
