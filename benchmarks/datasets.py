"""The benchmark data: a seeded ten-year history and a program-scale table of many therapists."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from core.synthetic import History, make_sessions
from data.db import make_engine
from data.environment import sqlite_url
from data.repository import insert_frame
from data.schema import ensure_schema

TODAY = date(2026, 11, 20)
TZ = "Europe/Berlin"
YEARS = 10
SEED = 20261126
# A caseload of 40 weekly clients; about a quarter of sessions cancelled or missed over ten
# years of leave and holidays gives about 12,500 sessions, the size the issue asks for.
CASELOAD = 40
CANCEL_RATE = 0.27
THERAPISTS_PER_100K = 8


def ten_year_history(seed: int = SEED) -> History:
    """Ten years of one therapist with a caseload of 40, ending on TODAY."""
    days = 365 * YEARS
    return History(
        start=TODAY - timedelta(days=days - 1),
        days=days,
        seed=seed,
        tz=TZ,
        n_clients=CASELOAD,
        cancel_rate=CANCEL_RATE,
    )


@cache
def ten_years() -> pd.DataFrame:
    """The ten-year session frame (about 12,500 rows), generated once per process."""
    return make_sessions(ten_year_history())


@cache
def _therapists(count: int) -> tuple[pd.DataFrame, ...]:
    return tuple(make_sessions(ten_year_history(SEED + k)) for k in range(count))


def program_table(rows: int) -> pd.DataFrame:
    """`rows` sessions of many therapists over the same ten years in one table (a training program).

    Eight seeded therapists (about 100,000 sessions) are generated; bigger tables repeat them under
    new therapist prefixes, so client codes stay distinct and every row is a plausible session.
    """
    parts: list[pd.DataFrame] = []
    total = 0
    copy = 0
    while total < rows:
        for k, frame in enumerate(_therapists(THERAPISTS_PER_100K)):
            part = frame.copy()
            part["client_code"] = f"T{copy:02d}{k}-" + part["client_code"]
            parts.append(part)
            total += len(part)
            if total >= rows:
                break
        copy += 1
    table = pd.concat(parts, ignore_index=True).iloc[:rows]
    return table.sort_values("started_at", kind="stable").reset_index(drop=True)


def build_database(path: Path, frame: pd.DataFrame) -> Engine:
    """A migrated SQLite database at `path` holding `frame` (the file is replaced)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    insert_frame(engine, frame=frame)
    return engine
