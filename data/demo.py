"""The demo database: six months of realistic, deterministic sessions ending today."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine

from core.synthetic import demo_history, make_sessions
from data.repository import count_sessions, insert_frame


def demo_sessions(today: date, tz: ZoneInfo, *, until: datetime | None = None) -> pd.DataFrame:
    """The demo history as a session frame: same `today` and timezone, same rows.

    With `until`, sessions starting after it are left out, so the demo holds no future session.
    """
    # 32 weekly slots give about 25 sessions in a working week, 3–7 a day.
    frame = make_sessions(replace(demo_history(today), tz=tz.key, n_clients=32))
    if until is not None:
        frame = frame[frame["started_at"] <= pd.Timestamp(until)].reset_index(drop=True)
    return frame


def seed_demo(engine: Engine, today: date, tz: ZoneInfo, *, until: datetime | None = None) -> int:
    """Fill an empty demo database; a database that already holds entries is left alone."""
    if count_sessions(engine):
        return 0
    return insert_frame(engine, frame=demo_sessions(today, tz, until=until))
