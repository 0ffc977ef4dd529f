"""Detection quality of the warning levels, cell by cell over a grid of hard histories.

Every cell of evaluation.histories.GRID (day spread x lag-1 correlation x working days a week)
runs six scenarios on the same seeded therapists (planted effects draw no random numbers, so
each scenario differs from the in-control year by its effect alone):

* **in control**: nothing planted; chronic on any sign and day of the year is a false alarm,
  and so is every sign-day at watch;
* **rise +2.5 / +2.0**: one sign (rotating with the seed) rises from day RISE_DAY to the
  year's end; watch within 21 days, chronic within 42 and 56 days; the other two signs must
  stay below chronic all the while;
* **creep**: one sign climbs linearly by +3 over the last six months; judged on the last day;
* **episode**: +2.5 on one sign for eight weeks that end; chronic before the end, and back to
  none 28 days after it;
* **terrible week**: +4 on every sign for seven days, starting on a day drawn from the seed;
  chronic anywhere in the year (compared with the same year in control).

Used by scripts/detection_quality.py (200 seeds a cell, the README's table) and
tests/evaluation/test_detection.py (fixed seeds, a slice of the grid).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from core.settings import Thresholds
from core.warnings import judge_days
from evaluation.histories import DAYS, Cell, Latent, creep, day_frame, latent, step

RISE_DAY = 210  # the rise begins about seven months into the year
CREEP_DAY = DAYS - 182  # the creep climbs over the last six months
EPISODE_DAY, EPISODE_DAYS = 200, 56  # an episode of eight weeks
AFTER_EPISODE = 28  # back to none this many days after the episode ends

Levels = npt.NDArray[np.int64]  # (days, signs): 0 none, 1 watch, 2 chronic


def levels(
    history: Latent, thresholds: Thresholds, shift: npt.NDArray[np.float64] | None = None
) -> Levels:
    """The level of every sign on every day of a history with `shift` planted."""
    return np.asarray(judge_days(day_frame(history, shift), thresholds)["level"], dtype=np.int64)


def _first(hit: npt.NDArray[np.bool_]) -> int | None:
    where = np.flatnonzero(hit)
    return None if where.size == 0 else int(where[0])


@dataclass(frozen=True)
class Outcome:
    """What one seeded therapist's year did in every scenario (one row of a cell)."""

    control_chronic: bool
    control_watch_share: float  # sign-days at watch or above
    rise_watch_21: bool
    rise_chronic_42: bool
    rise_chronic_56: bool
    rise_others_below_chronic: bool
    rise2_chronic_42: bool
    rise2_chronic_56: bool
    creep_watch: bool
    creep_chronic: bool
    episode_chronic: bool
    episode_cleared: bool
    week_chronic: bool


def _rise(level: Levels, sign: int) -> tuple[int | None, int | None, bool]:
    after = level[RISE_DAY:]
    watch = _first(after[:, sign] >= 1)
    chronic = _first(after[:, sign] == 2)
    others = np.delete(after, sign, axis=1)
    return watch, chronic, bool((others < 2).all())


def outcome(cell: Cell, seed: int, thresholds: Thresholds) -> Outcome:
    """Run every scenario on one seeded therapist of `cell`."""
    history = latent(cell, seed)
    sign = seed % 3
    control = levels(history, thresholds)
    watch, chronic, others = _rise(levels(history, thresholds, step(RISE_DAY, 2.5, (sign,))), sign)
    _, chronic2, _ = _rise(levels(history, thresholds, step(RISE_DAY, 2.0, (sign,))), sign)
    crept = levels(history, thresholds, creep(CREEP_DAY, 3.0, sign))[-1, sign]
    end = EPISODE_DAY + EPISODE_DAYS
    episode = levels(history, thresholds, step(EPISODE_DAY, 2.5, (sign,), end))[:, sign]
    week_day = int(np.random.default_rng(seed).integers(120, DAYS - 40))
    week = levels(history, thresholds, step(week_day, 4.0, (0, 1, 2), week_day + 7))
    return Outcome(
        control_chronic=bool((control == 2).any()),
        control_watch_share=float((control >= 1).mean()),
        rise_watch_21=watch is not None and watch <= 21,
        rise_chronic_42=chronic is not None and chronic <= 42,
        rise_chronic_56=chronic is not None and chronic <= 56,
        rise_others_below_chronic=others,
        rise2_chronic_42=chronic2 is not None and chronic2 <= 42,
        rise2_chronic_56=chronic2 is not None and chronic2 <= 56,
        creep_watch=bool(crept >= 1),
        creep_chronic=bool(crept == 2),
        episode_chronic=bool((episode[EPISODE_DAY:end] == 2).any()),
        episode_cleared=bool(episode[end - 1 + AFTER_EPISODE] == 0),
        week_chronic=bool((week == 2).any()),
    )


RATES = tuple(f.name for f in fields(Outcome))


@dataclass(frozen=True)
class CellRates:
    """The share of seeds with each outcome (Outcome's fields, averaged) in one cell."""

    cell: Cell
    seeds: int
    rates: dict[str, float]


def cell_rates(cell: Cell, seeds: Iterable[int], thresholds: Thresholds | None = None) -> CellRates:
    """Every scenario on every seed of one cell, summarised as rates."""
    t = thresholds or Thresholds()
    outcomes = [outcome(cell, seed, t) for seed in seeds]
    rates = {name: float(np.mean([getattr(o, name) for o in outcomes])) for name in RATES}
    return CellRates(cell, len(outcomes), rates)


@dataclass(frozen=True)
class Target:
    """One row of the issue's target table: a rate, the cells it applies to, its bound."""

    rate: str
    label: str
    bound: float
    at_least: bool = True
    applies: str = "every cell"

    def holds_in(self, cell: Cell) -> bool:
        """Whether this target applies to `cell`."""
        five = cell.workdays == 5
        return {
            "every cell": True,
            "5 d/wk, spread <= 1.0": five and cell.spread <= 1.0,
            "5 d/wk, spread 1.3": five and cell.spread == 1.3,
            "5 d/wk, spread 1.6": five and cell.spread == 1.6,
            "2 d/wk, spread <= 1.0": not five and cell.spread <= 1.0,
        }[self.applies]

    def met(self, rates: CellRates) -> bool:
        """Whether the cell's rate meets the bound (the terrible week is judged by `week_met`)."""
        value = rates.rates[self.rate]
        return value >= self.bound - 1e-12 if self.at_least else value <= self.bound + 1e-12


TARGETS: tuple[Target, ...] = (
    Target("control_chronic", "in control: chronic anywhere in the year", 0.05, at_least=False),
    Target("control_watch_share", "in control: sign-days at watch", 0.03, at_least=False),
    Target(
        "rise_chronic_42",
        "+2.5 rise: chronic within 42 days",
        0.90,
        applies="5 d/wk, spread <= 1.0",
    ),
    Target(
        "rise_watch_21", "+2.5 rise: watch within 21 days", 0.95, applies="5 d/wk, spread <= 1.0"
    ),
    Target(
        "rise_chronic_56", "+2.5 rise: chronic within 56 days", 0.80, applies="5 d/wk, spread 1.3"
    ),
    Target(
        "rise_chronic_56", "+2.5 rise: chronic within 56 days", 0.70, applies="5 d/wk, spread 1.6"
    ),
    Target(
        "rise_chronic_56",
        "+2.5 rise: chronic within 56 days",
        0.80,
        applies="2 d/wk, spread <= 1.0",
    ),
    Target("creep_watch", "creep +3 over six months: watch at its end", 0.90),
    Target("creep_chronic", "creep +3 over six months: chronic at its end", 0.60),
    Target("episode_chronic", "episode of eight weeks: chronic before it ends", 0.90),
    Target("episode_cleared", "episode: back to none 28 days after its end", 0.90),
    Target("rise_others_below_chronic", "other signs below chronic during a rise", 0.95),
)
"""The issue's targets; the terrible week's is relative to control (`week_met`)."""

WEEK_ALLOWANCE = 0.02  # a terrible week may reach chronic at most 2 points more often


def week_met(rates: CellRates) -> bool:
    """One terrible week reaches chronic no more often than control, plus 2 points at most."""
    r = rates.rates
    return r["week_chronic"] <= r["control_chronic"] + WEEK_ALLOWANCE + 1e-12


def misses(rates: CellRates) -> list[str]:
    """The targets a cell misses, by label (empty when it meets them all)."""
    missed = [t.label for t in TARGETS if t.holds_in(rates.cell) and not t.met(rates)]
    if not week_met(rates):
        missed.append("terrible week: chronic no more often than control + 2 points")
    return missed
