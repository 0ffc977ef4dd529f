"""Many accounts in one PostgreSQL database: does one account's work stay as fast as alone?

Issue 15, item 5: 100 accounts with ten years each (about 1.25 million entries) in one database;
one account's Review analysis and status must take at most 1.2x their time with that account
alone (the (owner, started_at) index does the work), and importing ten years for one account
must stay within 2x of SQLite's import.

Run: `.venv/bin/python -m benchmarks.owners_pg [--accounts 100] [--runs 7]`. It starts its own
throwaway PostgreSQL server (tests/pg.py, with fsync on, as a real server); the dashboard's role
(owning nothing, under row-level security) does every timed step, as in a practice. Prints a
Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, text

from benchmarks.datasets import SEED, TODAY, TZ, ten_year_history, ten_years
from benchmarks.timing import Timing, interleaved
from core.patterns import default_since, find_patterns
from core.synthetic import make_sessions
from core.warnings import assess
from dashboard.cli.status import status_payload
from data.accounts import account_for
from data.csv_io import export_csv, import_csv
from data.db import make_engine, owner_connection
from data.environment import sqlite_url
from data.models import LOCAL_ACCOUNT_ID
from data.repository import insert_frame, load_sessions
from data.schema import ensure_schema
from data.settings_store import load_thresholds
from tests.pg import APP_ROLE, OWNER_ROLE, start_server

DISTINCT_HISTORIES = 8  # other accounts cycle through these seeds (generating 100 takes minutes)


def load(engine: Engine) -> None:
    """The database's share of both: one account's ten years as a frame."""
    load_sessions(engine, owner=LOCAL_ACCOUNT_ID)


def review(engine: Engine, owner: int) -> None:
    """What the Review page's cache computes on a miss: load, thresholds, assess."""
    sessions = load_sessions(engine, owner=owner)
    assess(sessions, today=TODAY, tz=ZoneInfo(TZ), thresholds=load_thresholds(engine, owner=owner))


def status(engine: Engine, owner: int) -> None:
    """What `tightrope status --json` computes: load, assess, patterns, payload."""
    sessions = load_sessions(engine, owner=owner)
    thresholds = load_thresholds(engine, owner=owner)
    zone = ZoneInfo(TZ)
    assessment = assess(sessions, today=TODAY, tz=zone, thresholds=thresholds)
    patterns = find_patterns(
        sessions, today=TODAY, tz=zone, settings=thresholds, since=default_since(TODAY)
    )
    status_payload(assessment, patterns)


def _timed_once(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _others(accounts: int) -> list[pd.DataFrame]:
    frames = [make_sessions(ten_year_history(SEED + k)) for k in range(1, DISTINCT_HISTORIES + 1)]
    return [frames[k % len(frames)] for k in range(accounts - 1)]


def main() -> None:
    """Build both databases, time each step interleaved, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    mine = ten_years()
    raw = export_csv(mine, ZoneInfo(TZ))
    server = start_server(durable=True)
    try:
        engines: dict[str, Engine] = {}
        for name in ("alone", "crowded"):
            database = server.create_database()
            app = make_engine(server.url(database, APP_ROLE))
            ensure_schema(app, migration_url=server.url(database, OWNER_ROLE))
            insert_frame(app, owner=LOCAL_ACCOUNT_ID, frame=mine)
            engines[name] = app
        crowded = engines["crowded"]
        start = time.perf_counter()
        rows = len(mine)
        for k, frame in enumerate(_others(args.accounts)):
            owner = account_for(
                crowded, issuer="https://bench.example", subject=f"t{k}", display_name=f"T{k}"
            )
            rows += insert_frame(crowded, owner=owner, frame=frame)
        filled = time.perf_counter() - start
        tables_owner = make_engine(server.url(crowded.url.database or "", OWNER_ROLE))
        with tables_owner.begin() as connection:
            connection.exec_driver_sql("ANALYZE")  # what autovacuum would have done by now
        tables_owner.dispose()
        with owner_connection(crowded, owner=LOCAL_ACCOUNT_ID) as connection:
            plan = connection.execute(
                text(
                    "EXPLAIN SELECT started_at FROM session_entry WHERE owner_id = 1 "
                    "ORDER BY started_at DESC"
                )
            ).scalars()
            plan_text = " / ".join(line.strip() for line in plan)
        print(f"crowded: {args.accounts} accounts, {rows:,} entries, filled in {filled:.0f} s")
        print(f"plan of one account's entries: {plan_text}")

        timings = interleaved(
            [
                ("load one account, alone", lambda: load(engines["alone"])),
                ("load one account, 100 accounts", lambda: load(crowded)),
                ("Review analysis, alone", lambda: review(engines["alone"], LOCAL_ACCOUNT_ID)),
                ("Review analysis, 100 accounts", lambda: review(crowded, LOCAL_ACCOUNT_ID)),
                ("status, alone", lambda: status(engines["alone"], LOCAL_ACCOUNT_ID)),
                ("status, 100 accounts", lambda: status(crowded, LOCAL_ACCOUNT_ID)),
            ],
            runs=args.runs,
        )
        imports = _imports(server, crowded, raw, args.runs)
        for engine in engines.values():
            engine.dispose()
    finally:
        server.stop()
    _print(timings, imports)


def _imports(server: object, crowded: Engine, raw: bytes, runs: int) -> list[Timing]:
    """Ten years imported for a new account: into the crowded PostgreSQL, into a new SQLite."""
    pg: list[float] = []
    lite: list[float] = []
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as folder:
        for k in range(runs):
            owner = account_for(
                crowded, issuer="https://bench.example", subject=f"import-{k}", display_name="I"
            )
            pg.append(_timed_once(lambda: import_csv(crowded, raw, owner=owner)))  # noqa: B023
            sqlite = make_engine(sqlite_url(Path(folder) / f"import-{k}.sqlite3"))
            ensure_schema(sqlite)
            lite.append(_timed_once(lambda: import_csv(sqlite, raw, owner=LOCAL_ACCOUNT_ID)))  # noqa: B023
            sqlite.dispose()
    return [
        Timing("import ten years, PostgreSQL (100 accounts there)", tuple(pg)),
        Timing("import ten years, SQLite (new file)", tuple(lite)),
    ]


def _row(timing: Timing) -> str:
    low, high = timing.spread
    return f"| {timing.name} | {timing.median * 1000:.0f} ms ({low * 1000:.0f}–{high * 1000:.0f}) |"


def _print(timings: list[Timing], imports: list[Timing]) -> None:
    load_alone, load_crowded, review_alone, review_crowded, status_alone, status_crowded = timings
    print("| measure | median (range) |")
    print("| --- | --- |")
    for timing in [*timings, *imports]:
        print(_row(timing))
    for name, crowded, alone, target in (
        ("load, 100 accounts ÷ alone", load_crowded, load_alone, ""),
        ("Review analysis, 100 accounts ÷ alone", review_crowded, review_alone, "≤ 1.2×"),
        ("status, 100 accounts ÷ alone", status_crowded, status_alone, "≤ 1.2×"),
        ("import, PostgreSQL ÷ SQLite", imports[0], imports[1], "≤ 2×"),
    ):
        print(f"| {name} | {crowded.median / alone.median:.2f}× ({target}) |")


if __name__ == "__main__":
    main()
