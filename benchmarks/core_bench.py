"""Core analysis against loading the same rows, and its scaling to a program-scale table."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from benchmarks.datasets import TODAY, TZ, build_database, program_table, ten_years
from benchmarks.timing import Timing, interleaved
from core.patterns import find_patterns
from core.warnings import assess
from data.models import LOCAL_ACCOUNT_ID
from data.repository import load_sessions


def analyse(sessions: pd.DataFrame) -> None:
    """Everything the Review and Patterns pages compute: trends, baseline, warnings, patterns."""
    assess(sessions, today=TODAY, tz=TZ)
    find_patterns(sessions, today=TODAY, tz=TZ)


@dataclass(frozen=True)
class CoreResult:
    """Analysis and load times on ten years, and analysis at 100,000 and 1,000,000 sessions."""

    sessions: int
    analysis: Timing
    load: Timing
    scale_small: Timing | None
    scale_large: Timing | None


def run_core(runs: int, *, scaling: bool = True) -> CoreResult:
    """Measure the core targets; each timing is `runs` runs after one warm-up."""
    frame = ten_years()
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as folder:
        engine = build_database(Path(folder) / "ten-years.sqlite3", frame)
        try:
            loaded = load_sessions(engine, owner=LOCAL_ACCOUNT_ID)
            assert len(loaded) == len(frame), "the database must hold every generated row"
            analysis, load = interleaved(
                [
                    ("core analysis, ten years", lambda: analyse(loaded)),
                    (
                        "load from SQLite, ten years",
                        lambda: load_sessions(engine, owner=LOCAL_ACCOUNT_ID),
                    ),
                ],
                runs=runs,
            )
        finally:
            engine.dispose()
    small = large = None
    if scaling:
        table_small = program_table(100_000)
        table_large = program_table(1_000_000)
        small, large = interleaved(
            [
                ("core analysis, 100,000 sessions", lambda: analyse(table_small)),
                ("core analysis, 1,000,000 sessions", lambda: analyse(table_large)),
            ],
            runs=runs,
        )
    return CoreResult(len(frame), analysis, load, small, large)
