"""The demo database: six months of realistic, deterministic sessions ending today."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine

from core.synthetic import demo_history, make_sessions
from data.repository import count_sessions, insert_frame


def demo_sessions(today: date, tz: ZoneInfo) -> pd.DataFrame:
    """The demo history as a session frame: same `today` and timezone, same rows."""
    # 32 weekly slots give about 25 sessions in a working week, 3–7 a day.
    return make_sessions(replace(demo_history(today), tz=tz.key, n_clients=32))


def seed_demo(engine: Engine, today: date, tz: ZoneInfo) -> int:
    """Fill an empty demo database; a database that already holds entries is left alone."""
    if count_sessions(engine):
        return 0
    return insert_frame(engine, demo_sessions(today, tz))
