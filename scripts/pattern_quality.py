"""Print how well the pattern analysis finds planted patterns, and its time on ten years.

Run from the repository root: `.venv/bin/python -m scripts.pattern_quality [--seeds N] [--first S]`.
The same scenarios, with seeds 0–99, are asserted in tests/core/test_patterns.py.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

from core.patterns import find_patterns
from core.synthetic import History, make_sessions
from evaluation.patterns import measure


def ten_year_timing(runs: int = 15) -> tuple[int, float, float]:
    """Sessions in a seeded ten-year history; median wall and CPU seconds of find_patterns on it.

    CPU time is printed too because a busy machine inflates wall time, not the work done.
    """
    history = History(start=date(2016, 1, 4), days=3650, seed=7, n_clients=40)
    sessions = make_sessions(history)
    today = history.start + timedelta(days=history.days - 1)
    find_patterns(sessions, today=today, tz=history.tz)  # warm-up: imports, caches
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        find_patterns(sessions, today=today, tz=history.tz)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return len(sessions), statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    """Measure and print the rates and the timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="seeds per scenario (default 100)")
    parser.add_argument("--first", type=int, default=0, help="first seed (default 0)")
    args = parser.parse_args(argv)
    seeds = range(args.first, args.first + args.seeds)
    rates = measure(seeds)
    print(f"Pattern quality over seeds {seeds.start}–{seeds.stop - 1} ({rates.seeds} per scenario)")
    lines = (
        ("planted +2 dread client flagged for dread", rates.planted_dread_flagged, "≥ 90%"),
        ("planted client not flagged for fatigue", rates.planted_fatigue_not_flagged, "≥ 90%"),
        ("neutral client in a bad month not flagged", rates.bad_month_client_not_flagged, "≥ 95%"),
        ("nothing planted: seeds with any finding", rates.nothing_planted_any_flag, "≤ 10%"),
        (
            "contrast: whole-history baseline blames it",
            rates.bad_month_blamed_by_global_baseline,
            "high: the scenario bites",
        ),
    )
    for label, rate, target in lines:
        print(f"  {label:<44} {rate:6.0%}  (target {target})")
    print("  (contrast: the bad-month client against the median of every day value instead)")
    count, wall, cpu = ten_year_timing()
    print(
        f"Ten-year history: {count} sessions, find_patterns median {wall * 1000:.0f} ms wall, "
        f"{cpu * 1000:.0f} ms CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
