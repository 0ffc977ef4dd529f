"""The practice load run's arithmetic: percentiles, memory per session, saved against confirmed.

No browser, no database: plain numbers in, plain numbers out, so tests/benchmarks checks them fast.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SAVE_LIMIT = 2.0
"""p95 Save → confirmation under load at most this many times the single-user p95 (issue 16)."""
REVIEW_LIMIT = 3.0
"""p95 Review → first chart under load at most this many times the single-user p95 (issue 16)."""
MIB_PER_SESSION_LIMIT = 30.0
"""Server memory per additional signed-in session, in MiB (issue 16)."""


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0–100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mib_per_session(one: float, many: float, sessions: int) -> float:
    """MiB each session beyond the first adds: (RSS with N − RSS with one) / (N − 1)."""
    if sessions < 2:
        raise ValueError("need at least two sessions to speak of an additional one")
    return (many - one) / (sessions - 1)


@dataclass(frozen=True)
class RowCheck:
    """Rows one account holds beyond its history against the saves its browser saw confirmed."""

    account: str
    saved: int
    confirmed: int

    @property
    def lost(self) -> int:
        """Confirmed in the browser but not in the database."""
        return max(self.confirmed - self.saved, 0)

    @property
    def extra(self) -> int:
        """In the database but never confirmed (a duplicate, or a save whose answer never came)."""
        return max(self.saved - self.confirmed, 0)


def check_rows(saved: Mapping[str, int], confirmed: Mapping[str, int]) -> list[RowCheck]:
    """One RowCheck per account named on either side (a missing side counts as 0), sorted."""
    accounts = sorted(set(saved) | set(confirmed))
    return [RowCheck(a, saved.get(a, 0), confirmed.get(a, 0)) for a in accounts]


@dataclass(frozen=True)
class Line:
    """One line of the verdict table."""

    measure: str
    value: str
    target: str = ""
    holds: bool | None = None


def ratio_line(name: str, loaded: float, alone: float, limit: float) -> Line:
    """`loaded ÷ alone` against `limit`."""
    value = loaded / alone
    return Line(name, f"{value:.2f}×", f"≤ {limit:g}×", value <= limit)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def spread(values: Sequence[float]) -> str:
    """p50, p95, count and range of `values` (seconds), or why there are none."""
    if not values:
        return "none in this run (a longer --minutes gives some)"
    return (
        f"p50 {_ms(percentile(values, 50))}, p95 {_ms(percentile(values, 95))} "
        f"({len(values)} runs, {_ms(min(values))}–{_ms(max(values))})"
    )


def latency_lines(
    what: str, n: int, single: Sequence[float], loaded: Sequence[float], limit: float
) -> list[Line]:
    """One kind of step's lines: alone, with `n` people, and the p95 and p50 ratios. Without
    figures on either side a ratio is "not measured" and its target does not hold."""
    lines = [
        Line(f"{what}, 1 user", spread(single)),
        Line(f"{what}, {n} users at once", spread(loaded)),
    ]
    label = what.split(":")[0]
    if not single or not loaded:
        missing = "not measured: no figures on one side"
        lines.append(Line(f"{label} p95, {n} users ÷ 1 user", missing, f"≤ {limit:g}×", False))
        return lines
    lines.append(
        ratio_line(
            f"{label} p95, {n} users ÷ 1 user",
            percentile(loaded, 95),
            percentile(single, 95),
            limit,
        )
    )
    p50 = percentile(loaded, 50) / percentile(single, 50)
    lines.append(Line(f"{label} p50, {n} users ÷ 1 user", f"{p50:.2f}×"))
    return lines


def markdown(lines: Sequence[Line]) -> str:
    """The lines as a Markdown table with the target and yes/no per line."""
    out = ["| measure | value | target | holds |", "| --- | --- | --- | --- |"]
    for line in lines:
        verdict = {True: "yes", False: "**no**", None: ""}[line.holds]
        out.append(f"| {line.measure} | {line.value} | {line.target} | {verdict} |")
    return "\n".join(out)
