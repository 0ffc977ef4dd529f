"""Repeat measurements and summarise them by their median: robust to the odd slow run.

Measurements that are compared are interleaved (A, B, A, B, ...) so that a burst of load from
another process on the machine slows both sides of a ratio, not one.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds per run of one measurement (warm-up runs discarded), and CPU seconds."""

    name: str
    runs: tuple[float, ...]
    cpu: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        """The median run in wall-clock seconds."""
        return statistics.median(self.runs)

    @property
    def cpu_median(self) -> float | None:
        """The median CPU time of this process per run, when it was recorded."""
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def spread(self) -> tuple[float, float]:
        """The fastest and slowest run in seconds."""
        return min(self.runs), max(self.runs)


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    cpu = time.process_time()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start, time.process_time() - cpu


def interleaved(
    jobs: Sequence[tuple[str, Callable[[], object]]], *, runs: int, warmup: int = 1
) -> list[Timing]:
    """Time each job `runs` times, taking turns, after `warmup` untimed rounds."""
    for _ in range(warmup):
        for _, run in jobs:
            run()
    wall: list[list[float]] = [[] for _ in jobs]
    cpu: list[list[float]] = [[] for _ in jobs]
    for _ in range(runs):
        for i, (_, run) in enumerate(jobs):
            seconds, cpu_seconds = _timed(run)
            wall[i].append(seconds)
            cpu[i].append(cpu_seconds)
    return [Timing(name, tuple(wall[i]), tuple(cpu[i])) for i, (name, _) in enumerate(jobs)]


def interleaved_self_timed(
    jobs: Sequence[tuple[str, Callable[[], float]]], *, runs: int, warmup: int = 1
) -> list[Timing]:
    """Like `interleaved` for jobs that return their own duration (e.g. measured in a browser)."""
    for _ in range(warmup):
        for _, run in jobs:
            run()
    results: list[list[float]] = [[] for _ in jobs]
    for _ in range(runs):
        for i, (_, run) in enumerate(jobs):
            results[i].append(run())
    return [Timing(name, tuple(results[i])) for i, (name, _) in enumerate(jobs)]
