"""Run every Tightrope benchmark and print a Markdown table of medians, ratios and targets.

    python -m benchmarks.run                 # everything, 5 timed runs each
    python -m benchmarks.run --only core     # one section: core, scaling, browser, packet
    python -m benchmarks.run --only memory   # server memory only (browser, no timed runs)
    python -m benchmarks.run --only review   # only the Review page's navigation (part of browser)
    python -m benchmarks.run --json out.json # also keep the raw runs

These are benchmarks, not tests: they print figures and whether each target holds, and exit 0
either way (exit 1 only when something could not be measured at all).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.report import Report

SECTIONS = ("core", "scaling", "browser", "review", "memory", "packet")


def machine() -> str:
    """A one-line description of the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {load} at start"
    )


def core(report: Report, runs: int, scaling: bool) -> None:
    """Core analysis on ten years against loading it, and its scaling to 1,000,000 sessions."""
    from benchmarks.core_bench import run_core

    result = run_core(runs, scaling=scaling)
    report.notes.append(f"Ten-year history: {result.sessions:,} sessions.")
    report.time(result.analysis, 0.150)
    report.time(result.load)
    report.ratio("core analysis ÷ load, ten years", result.analysis, result.load, 2)
    if result.scale_small is not None and result.scale_large is not None:
        report.time(result.scale_small)
        report.time(result.scale_large, 10.0)
        report.ratio(
            "scaling: 1,000,000 ÷ 100,000 sessions", result.scale_large, result.scale_small, 12
        )


def browser(report: Report, runs: int) -> None:
    """Page, save and memory figures in Chromium against bare Streamlit apps."""
    from benchmarks.browser_bench import run_browser

    run_browser(report, runs)


def review(report: Report, runs: int) -> None:
    """Only the Review page's sidebar navigation against the bare chart page (in browser too)."""
    from benchmarks.browser_bench import run_review

    run_review(report, runs)


def memory(report: Report) -> None:
    """Server memory after visiting every page, against the bare apps (no timed runs)."""
    from benchmarks.browser_bench import run_browser

    run_browser(report, 0, timings=False)


def packet(report: Report, runs: int) -> None:
    """Supervision packet export times (HTML, PDF) on ten years of data."""
    from benchmarks.packet_bench import run_packet

    run_packet(report, runs)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the chosen sections and print the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only a section")
    parser.add_argument("--json", type=Path, help="write the raw runs to this JSON file")
    args = parser.parse_args(argv)
    if args.runs < 5:
        print("note: BENCHMARKS.md figures use medians of at least 5 runs", file=sys.stderr)
    logging.basicConfig(level=logging.WARNING)
    chosen = set(args.only or SECTIONS)
    report = Report()
    started = datetime.now(UTC)
    steps: list[tuple[str, Callable[[], None]]] = []
    if "core" in chosen or "scaling" in chosen:
        steps.append(("core", lambda: core(report, args.runs, "scaling" in chosen)))
    if "browser" in chosen:  # the browser section holds the review and memory figures too
        steps.append(("browser", lambda: browser(report, args.runs)))
    else:
        if "review" in chosen:
            steps.append(("review", lambda: review(report, args.runs)))
        if "memory" in chosen:
            steps.append(("memory", lambda: memory(report)))
    if "packet" in chosen:
        steps.append(("packet", lambda: packet(report, args.runs)))
    print(f"Machine: {machine()}", flush=True)
    failed = False
    for name, step in steps:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            step()
        except Exception as error:  # a benchmark that cannot run is reported, the rest go on
            logging.exception("benchmark section %s failed", name)
            report.notes.append(f"{name}: not measured ({type(error).__name__}: {error})")
            failed = True
    print(f"Started {started:%Y-%m-%d %H:%M} UTC, {args.runs} timed runs per figure.\n")
    print(report.markdown())
    if args.json:
        payload: dict[str, Any] = {
            "machine": machine(),
            "started": started.isoformat(),
            "rows": [asdict(r) for r in report.rows],
            "timings": [asdict(t) for t in report.timings],
            "notes": report.notes,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
