"""Print what an oracle detector reaches on Gaussian twins of the grid's histories, cell by cell.

Usage: .venv/bin/python -m scripts.detection_frontier [--seeds 200] [--calibration 400]
       [--guarded] [--min-age DAYS]
       [--plugin [--combined [--one-threshold]] [--uncertain-level]] [--cells 0,3] [--jobs 2]
The detector and its twins are described in evaluation/frontier.py: it knows the person's level,
spread and correlation and the change it looks for, and its thresholds are set on separate
control twins so that 5% of in-control years alarm (`--guarded`: against one raised week too;
`--plugin`: the guarded detector with its parameters estimated, evaluation/plugin.py;
`--one-threshold`: the same thresholds in every cell, as one rule for everyone;
`--uncertain-level`: the filter carries the estimated level's uncertainty). Prints a
Markdown table: the README's "What the days allow".
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

from evaluation.frontier import COLUMNS, Frontier, cell_frontier
from evaluation.histories import GRID, Cell
from evaluation.plugin import cell_limits, common_limits, plugin_frontier
from scripts.detection_quality import table

Limits = dict[str, float] | None


def _run(job: tuple[Cell, int, int, int, int, bool, bool, bool, Limits, bool]) -> Frontier:
    cell, first, count, calibration, min_age, guarded, plugin, combined, limits, uncertain = job
    if plugin:
        seeds = range(first, first + count)
        return plugin_frontier(cell, seeds, calibration, combined, limits, uncertain)
    return cell_frontier(cell, range(first, first + count), calibration, min_age, guarded)


def _cell_limits(job: tuple[Cell, int, bool]) -> dict[str, float]:
    cell, calibration, uncertain = job
    return cell_limits(cell, calibration, uncertain_level=uncertain)


def main() -> None:
    """Run the frontier over the grid and print its table."""
    parser = argparse.ArgumentParser(description="What an oracle detector reaches, cell by cell.")
    parser.add_argument("--seeds", type=int, default=200, help="judged twins per cell")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--calibration", type=int, default=400, help="control twins per cell")
    parser.add_argument(
        "--min-age", type=int, default=0, help="count only changes at least this many days old"
    )
    parser.add_argument(
        "--guarded",
        action="store_true",
        help="weigh each change against one raised week too, not only against none",
    )
    parser.add_argument(
        "--plugin",
        action="store_true",
        help="the guarded detector on the grid's own histories, its parameters estimated",
    )
    parser.add_argument(
        "--combined",
        action="store_true",
        help="with --plugin: one rule, all three detectors at once with thresholds set together",
    )
    parser.add_argument(
        "--one-threshold",
        action="store_true",
        help="with --plugin --combined: the same thresholds in every cell (each detector's the "
        "largest of the cells' own, set on every cell of the grid), as one rule for everyone",
    )
    parser.add_argument(
        "--uncertain-level",
        action="store_true",
        help="with --plugin: the filter carries the estimated level's own uncertainty",
    )
    parser.add_argument("--cells", default="", help="comma-separated cell numbers (default all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.one_threshold and not (args.plugin and args.combined):
        parser.error("--one-threshold needs --plugin --combined")
    if args.uncertain_level and not args.plugin:
        parser.error("--uncertain-level needs --plugin")
    chosen = [GRID[int(i)] for i in args.cells.split(",")] if args.cells else list(GRID)
    began = time.perf_counter()
    pool = ProcessPoolExecutor(max_workers=args.jobs)
    limits: Limits = None
    if args.one_threshold:  # every cell's, not only the chosen ones: one rule for the whole grid
        own = list(
            pool.map(
                _cell_limits, [(cell, args.calibration, args.uncertain_level) for cell in GRID]
            )
        )
        limits = common_limits(own)
    jobs = [
        (
            cell,
            args.first_seed,
            args.seeds,
            args.calibration,
            args.min_age,
            args.guarded,
            args.plugin,
            args.combined,
            limits,
            args.uncertain_level,
        )
        for cell in chosen
    ]
    with pool:
        results = list(pool.map(_run, jobs))
    seconds = time.perf_counter() - began
    if args.plugin:
        print(
            "Estimated parameters (evaluation/plugin.py), guarded, judged from day 182"
            + ("; all three detectors as one rule" if args.combined else "")
            + ("; the same thresholds in every cell" if limits else "")
            + ("; the level's uncertainty carried" if args.uncertain_level else "")
        )
    if limits:
        print("Thresholds:", ", ".join(f"{name} {value:.2f}" for name, value in limits.items()))
    print(
        f"{args.seeds} twins a cell (seeds {args.first_seed}–{args.first_seed + args.seeds - 1}), "
        f"thresholds set on {args.calibration} control twins; changes at least {args.min_age} "
        f"days old{'; guarded against one raised week' if args.guarded else ''}; "
        f"{seconds:.0f} s on {args.jobs} processes"
    )
    print()
    print(table(results, COLUMNS))


if __name__ == "__main__":
    main()
