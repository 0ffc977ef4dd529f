"""The benchmark report: rows of figures with their targets, printable as Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.timing import Timing


@dataclass(frozen=True)
class Row:
    """One line of the report: a figure, its target and whether it holds."""

    measure: str
    value: str
    target: str = ""
    holds: bool | None = None


@dataclass
class Report:
    """Everything measured in one run, printable as Markdown."""

    rows: list[Row] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def time(self, timing: Timing, target_s: float | None = None) -> None:
        """Add a median time, checked against an upper bound in seconds when given."""
        self.timings.append(timing)
        low, high = timing.spread
        value = f"{_ms(timing.median)} ({len(timing.runs)} runs, {_ms(low)}–{_ms(high)})"
        if timing.cpu_median is not None:
            value += f", CPU {_ms(timing.cpu_median)}"
        target = f"≤ {_ms(target_s)}" if target_s is not None else ""
        holds = None if target_s is None else timing.median <= target_s
        self.rows.append(Row(timing.name, value, target, holds))

    def ratio(self, name: str, top: Timing, bottom: Timing, limit: float) -> None:
        """Add the ratio of two medians measured in this run, checked against `limit`."""
        value = top.median / bottom.median
        self.rows.append(Row(name, f"{value:.2f}×", f"≤ {limit:g}×", value <= limit))

    def memory(self, name: str, mib: float) -> None:
        """Add a resident-memory figure in MiB."""
        self.rows.append(Row(name, f"{mib:.0f} MiB"))

    def ratio_of(self, name: str, value: float, limit: float) -> None:
        """Add a ratio computed elsewhere (e.g. of two memory figures), checked against `limit`."""
        self.rows.append(Row(name, f"{value:.2f}×", f"≤ {limit:g}×", value <= limit))

    def markdown(self) -> str:
        """The report as a Markdown table."""
        lines = ["| measure | median | target | holds |", "| --- | --- | --- | --- |"]
        for row in self.rows:
            verdict = {True: "yes", False: "**no**", None: ""}[row.holds]
            lines.append(f"| {row.measure} | {row.value} | {row.target} | {verdict} |")
        return "\n".join([*lines, "", *(f"- {note}" for note in self.notes)])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"
