"""Print the detection quality of the warning levels, cell by cell over the grid of histories.

Usage: .venv/bin/python -m scripts.detection_quality [--seeds 200] [--cells 0,3] [--set name=value]
The histories and scenarios are described in evaluation/histories.py and evaluation/detection.py;
tests/evaluation/test_detection.py asserts a slice of the same grid with fixed seeds. Prints a
Markdown table (the README's) and the targets each cell misses; exits 1 when any is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

from core.settings import Thresholds
from evaluation.detection import CellRates, cell_rates, misses
from evaluation.histories import GRID, Cell

COLUMNS = (
    ("control_chronic", "ctl chronic"),
    ("control_watch_share", "ctl watch days"),
    ("rise_watch_21", "+2.5 watch ≤21d"),
    ("rise_chronic_42", "+2.5 chronic ≤42d"),
    ("rise_chronic_56", "+2.5 chronic ≤56d"),
    ("rise2_chronic_56", "+2.0 chronic ≤56d"),
    ("rise_others_below_chronic", "others < chronic"),
    ("creep_watch", "creep watch"),
    ("creep_chronic", "creep chronic"),
    ("episode_chronic", "episode chronic"),
    ("episode_cleared", "episode cleared"),
    ("week_chronic", "week chronic"),
)


def _run(job: tuple[Cell, int, int, dict[str, str]]) -> CellRates:
    cell, first, count, changes = job
    return cell_rates(cell, range(first, first + count), Thresholds.from_mapping(changes))


class Rated(Protocol):
    """A cell's rates by name: CellRates here, evaluation.frontier.Frontier for the frontier."""

    @property
    def cell(self) -> Cell: ...

    @property
    def rates(self) -> dict[str, float]: ...


def table(results: Sequence[Rated], columns: Sequence[tuple[str, str]] = COLUMNS) -> str:
    """The grid as a Markdown table, one row per cell, rates in percent."""
    head = "| cell | " + " | ".join(label for _, label in columns) + " |"
    rule = "| --- |" + " ---: |" * len(columns)
    rows = [
        f"| {r.cell.name} | "
        + " | ".join(f"{100 * r.rates[name]:.1f}" for name, _ in columns)
        + " |"
        for r in results
    ]
    return "\n".join([head, rule, *rows])


def main() -> None:
    """Run the grid and print the table and the missed targets."""
    parser = argparse.ArgumentParser(description="Detection quality of the warning levels.")
    parser.add_argument("--seeds", type=int, default=200, help="seeded histories per cell")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--cells", default="", help="comma-separated cell numbers (default all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="change a threshold"
    )
    args = parser.parse_args()
    changes = dict(item.split("=", 1) for item in args.set)
    Thresholds.from_mapping(changes)  # refuse a bad value before the run
    chosen = [GRID[int(i)] for i in args.cells.split(",")] if args.cells else list(GRID)
    jobs = [(cell, args.first_seed, args.seeds, changes) for cell in chosen]
    began = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(_run, jobs))
    seconds = time.perf_counter() - began
    print(
        f"{args.seeds} one-year histories a cell, seeds {args.first_seed}–"
        f"{args.first_seed + args.seeds - 1}; {seconds:.0f} s on {args.jobs} processes"
    )
    if changes:
        print("Thresholds changed:", json.dumps(changes))
    print()
    print(table(results))
    print()
    missed = {r.cell.name: misses(r) for r in results}
    for name, labels in missed.items():
        for label in labels:
            print(f"MISSED {name}: {label}")
    if not any(missed.values()):
        print("Every target is met in every cell.")
    sys.exit(1 if any(missed.values()) else 0)


if __name__ == "__main__":
    main()
