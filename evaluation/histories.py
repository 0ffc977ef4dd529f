"""Harder synthetic histories for the detection grid, written apart from core.synthetic.

core.synthetic feeds the demo and the tests; the warning levels were once tuned on it, so it is
not fit to judge them alone. This generator draws one-year histories cell by cell over a grid
of the things that make real self-ratings hard (see README, "How well the levels work"):

* the **day spread**: the marginal standard deviation of a shared day effect (0.7 to 1.6
  points), with **lag-1 correlation** on calendar days (0.3 or 0.7), AR(1) including days off;
* **working days** a week (five, or two for a part-time therapist) and **3–8 sessions** on a
  working day (the caseload drawn per therapist, each session cancelled with 10% chance);
* a **personal level** per sign drawn from 1.5 to 5, a fixed effect per client slot, session
  noise of 1 point, ratings rounded and clipped to 0–10;
* a two-week holiday and a few scattered days off a year.

Histories are built straight as day values (core.daily.day_values' shape: one row per calendar
day, the signs' means and a session count), so thousands of them judge in minutes. Planted
scenarios are added to every session of the affected days before rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.daily import SESSIONS, calendar
from core.schema import SIGNS

START = date(2025, 1, 6)  # a Monday
DAYS = 365
SESSION_SD = 1.0
CLIENT_SD = 0.4
CANCEL_RATE = 0.1


@dataclass(frozen=True)
class Cell:
    """One cell of the grid: how noisy, how correlated and how often a therapist logs."""

    spread: float  # marginal sd of the day effect, points
    correlation: float  # lag-1 correlation of the day effect on calendar days
    workdays: int  # working days a week: 5 (Mon–Fri) or 2 (Tue and Thu)

    @property
    def name(self) -> str:
        """A short label for tables: 'spread 1.0, r 0.7, 5 d/wk'."""
        return f"spread {self.spread:g}, r {self.correlation:g}, {self.workdays} d/wk"


GRID: tuple[Cell, ...] = tuple(
    Cell(spread, correlation, workdays)
    for workdays in (5, 2)
    for correlation in (0.3, 0.7)
    for spread in (0.7, 1.0, 1.3, 1.6)
)
"""Every cell the README's table reports, in its order."""


@dataclass(frozen=True)
class Latent:
    """A history before planted scenarios: who worked when, and every random part."""

    worked: npt.NDArray[np.bool_]  # (days,) a working day with at least one session
    session_day: npt.NDArray[np.int64]  # (sessions,) day number of each session
    mean: npt.NDArray[np.float64]  # (sessions, signs) level + day effect + client effect
    noise: npt.NDArray[np.float64]  # (sessions, signs) session noise
    levels: npt.NDArray[np.float64]  # (signs,) the personal levels


def _day_effect(rng: np.random.Generator, cell: Cell) -> npt.NDArray[np.float64]:
    innovation = cell.spread * np.sqrt(1 - cell.correlation**2)
    shocks = rng.normal(0.0, innovation, size=(DAYS, len(SIGNS)))
    effect = np.empty_like(shocks)
    state = rng.normal(0.0, cell.spread, size=len(SIGNS))
    for i in range(DAYS):
        state = cell.correlation * state + shocks[i]
        effect[i] = state
    return effect


def latent(cell: Cell, seed: int) -> Latent:
    """The schedule and noise of one therapist's year in `cell` (deterministic in the seed)."""
    rng = np.random.default_rng([seed, int(cell.spread * 100), int(cell.correlation * 100)])
    levels = rng.uniform(1.5, 5.0, size=len(SIGNS))
    per_day = int(rng.integers(3, 9))  # sessions on a working day, 3–8
    weekdays = (0, 1, 2, 3, 4) if cell.workdays == 5 else (1, 3)
    day_numbers = np.arange(DAYS)
    weekday = (START.weekday() + day_numbers) % 7
    working = np.isin(weekday, weekdays)
    holiday = int(rng.integers(0, DAYS - 14))
    working[holiday : holiday + 14] = False
    working[rng.integers(0, DAYS, size=6)] = False
    effect = _day_effect(rng, cell)
    clients = rng.normal(0.0, CLIENT_SD, size=(len(weekdays) * per_day, len(SIGNS)))
    slot_of_weekday = {wd: i for i, wd in enumerate(weekdays)}

    days: list[int] = []
    slots: list[int] = []
    for d in np.flatnonzero(working):
        first = slot_of_weekday[int(weekday[d])] * per_day
        kept = np.flatnonzero(rng.random(per_day) >= CANCEL_RATE)
        days.extend([int(d)] * len(kept))
        slots.extend((first + kept).tolist())
    day = np.asarray(days, dtype="int64")
    mean = levels + effect[day] + clients[np.asarray(slots, dtype="int64")]
    noise = rng.normal(0.0, SESSION_SD, size=mean.shape)
    worked = np.bincount(day, minlength=DAYS) > 0
    return Latent(worked, day, mean, noise, levels)


def day_frame(history: Latent, shift: npt.NDArray[np.float64] | None = None) -> pd.DataFrame:
    """Day values of `history` with `shift` (days x signs, points) planted before rounding."""
    mean = history.mean if shift is None else history.mean + shift[history.session_day]
    ratings = np.clip(np.rint(mean + history.noise), 0, 10)
    counts = np.bincount(history.session_day, minlength=DAYS)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = {
            sign: np.bincount(history.session_day, weights=ratings[:, j], minlength=DAYS) / counts
            for j, sign in enumerate(SIGNS)
        }
    index = calendar(START, START + timedelta(days=DAYS - 1))
    return pd.DataFrame({**values, SESSIONS: counts.astype("int64")}, index=index)


def step(
    begin: int, delta: float, signs: tuple[int, ...], end: int = DAYS
) -> npt.NDArray[np.float64]:
    """A shift of `delta` points on `signs` from day `begin` up to (not including) day `end`."""
    shift = np.zeros((DAYS, len(SIGNS)))
    shift[begin:end, list(signs)] = delta
    return shift


def creep(begin: int, total: float, sign: int) -> npt.NDArray[np.float64]:
    """A rise that climbs linearly from 0 on day `begin` to `total` on the last day."""
    shift = np.zeros((DAYS, len(SIGNS)))
    shift[begin:, sign] = np.linspace(0.0, total, DAYS - begin)
    return shift
