"""Time the CSV round trip at the issue's scale: 12,500 entries exported, parsed and imported.

Run: `.venv/bin/python -m benchmarks.import_csv`. Prints seconds per step (median of 3).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from core.synthetic import History, make_sessions
from data.csv_io import export_csv, import_csv, parse_csv
from data.db import make_engine
from data.environment import sqlite_url
from data.models import LOCAL_ACCOUNT_ID
from data.schema import ensure_schema

ROWS = 12_500


def _frame() -> pd.DataFrame:
    history = History(start=date(2015, 1, 5), days=3650, seed=7, n_clients=40, cancel_rate=0.05)
    frame = make_sessions(history)
    frame["note"] = [
        f'note {i}, with "quotes" and a comma\nand a second line' for i in range(len(frame))
    ]
    return frame.iloc[:ROWS]


def main() -> None:
    """Print the median seconds of export, parse, first import and repeated import."""
    frame = _frame()
    raw = export_csv(frame, ZoneInfo("Europe/Berlin"))
    steps: dict[str, list[float]] = {"export": [], "parse": [], "import": [], "import again": []}
    for _ in range(3):
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(sqlite_url(Path(folder) / "bench.sqlite3"))
            ensure_schema(engine)
            for name, run in (
                ("export", lambda: export_csv(frame, ZoneInfo("Europe/Berlin"))),
                ("parse", lambda: parse_csv(raw)),
                ("import", lambda e=engine: import_csv(e, raw, owner=LOCAL_ACCOUNT_ID)),
                ("import again", lambda e=engine: import_csv(e, raw, owner=LOCAL_ACCOUNT_ID)),
            ):
                start = time.perf_counter()
                run()
                steps[name].append(time.perf_counter() - start)
            engine.dispose()
    print(f"{len(frame)} entries, {len(raw) / 1e6:.1f} MB of CSV")
    for name, runs in steps.items():
        print(f"{name:>13}: {statistics.median(runs):.2f} s")


if __name__ == "__main__":
    main()
