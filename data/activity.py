"""When entries were made: the days with an entry, for the logging reminder (nothing else read)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from data.db import owner_connection
from data.repository import ENTRY


def logged_days(engine: Engine, *, owner: int, since: datetime, zone: ZoneInfo) -> set[date]:
    """`owner`'s local days holding at least one entry that started at or after `since` (aware)."""
    # Start times only, through the (owner, started_at) index: no codes, ratings or notes read.
    query = select(ENTRY.c.started_at).where(ENTRY.c.owner_id == owner, ENTRY.c.started_at >= since)
    with owner_connection(engine, owner=owner) as connection:
        return {started.astimezone(zone).date() for (started,) in connection.execute(query)}
