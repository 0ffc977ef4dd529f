"""Seeded histories with monthly check-ins, to measure whether `core.checkin.tracking` is honest.

Each history is a run of sessions (`core.synthetic`, with its holidays, leave and cancelled
sessions) on which *spells* are planted, six a year: a shift of every sign by a normal draw (SD
`SPELL_SD` points) for two to eight weeks, starting anywhere. Spells make the four-week means
differ from month to month, as real months do; without them there would be nothing to track.
A check-in falls every 28 days from the 28th day on.

Two ways to make the check-in's work-related score:

- **related**: a monotone function of the four-week mean of fatigue before the check-in
  (`SLOPE` CBI points per rating point around a typical 35) plus noise, clipped to 0–100 and
  rounded to a score seven CBI items can give (multiples of 25/7). The noise is
  `noise_sems` standard errors of measurement of the work-related scale (its reference SD 19
  and alpha .88: SEM 6.6 points); the default, one SEM, is the questionnaire's own error
  alone. More noise stands for everything the CBI sees that the fatigue rating does not, and
  weakens the link.
- **independent**: a draw around a typical 35 with the scale's reference SD (19), clipped and
  rounded the same way, unrelated to any session.

`calibration(...)` counts, over seeds, how often the tracking claims a relation (its interval
excludes 0 and its permutation p < 0.05) and how often the bootstrap interval covers 0. Used by
tests/evaluation/test_checkin.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from core.checkin.instruments import CBI
from core.checkin.record import CheckinRecord
from core.checkin.tracking import Relation, Status, sign_means_before, track_checkins
from core.schema import SIGNS
from core.synthetic import Effect, History, make_sessions

START = date(2025, 1, 6)  # a Monday
TZ = "Europe/Berlin"
EVERY = 28
SPELLS_PER_YEAR = 6
SPELL_SD = 1.2
SLOPE = 10.0  # CBI points per rating point
NOISE_SEMS = 1.0
TYPICAL = 35.0  # within the published samples' means of the CBI scales (33-45)
SIGN = "fatigue"
SCALE = "work"


@dataclass(frozen=True)
class CheckinHistory:
    """A synthetic year of sessions and its monthly check-ins (work-related scores only)."""

    sessions: pd.DataFrame
    records: tuple[CheckinRecord, ...]


def _grid(score: float, items: int) -> float:
    """The nearest score a CBI scale of `items` items can give, inside 0–100."""
    step = 25 / items
    return float(np.clip(round(score / step) * step, 0, 100))


def checkin_history(
    seed: int, *, related: bool, checkins: int = 12, noise_sems: float = NOISE_SEMS
) -> CheckinHistory:
    """One seeded history with `checkins` monthly check-ins, related to fatigue or not."""
    rng = np.random.default_rng(10_000 + seed)
    days = EVERY * (checkins + 1)
    spells = []
    for _ in range(max(1, round(SPELLS_PER_YEAR * days / 364))):
        first = START + timedelta(days=int(rng.integers(0, days)))
        length = int(rng.integers(14, 57))
        spells.append(
            Effect(float(rng.normal(0, SPELL_SD)), SIGNS, first, first + timedelta(days=length - 1))
        )
    sessions = make_sessions(History(start=START, days=days, seed=seed, effects=tuple(spells)))
    checkin_days = [START + timedelta(days=EVERY * (k + 1) - 1) for k in range(checkins)]
    items = len(CBI.scale(SCALE).items)
    ref = CBI.scale(SCALE).reference
    noise_sd = noise_sems * ref.sd * np.sqrt(1 - ref.reliability)
    if related:
        means = sign_means_before(sessions, checkin_days, tz=TZ)[SIGN].to_numpy()
        level = float(np.nanmean(means)) if np.isfinite(means).any() else 0.0
        filled = np.where(np.isfinite(means), means, level)
        raw = TYPICAL + SLOPE * (filled - level) + rng.normal(0, noise_sd, size=checkins)
    else:
        raw = rng.normal(TYPICAL, ref.sd, size=checkins)
    records = tuple(
        CheckinRecord(day, CBI.key, {SCALE: _grid(float(score), items)})
        for day, score in zip(checkin_days, raw, strict=True)
    )
    return CheckinHistory(sessions, records)


def fatigue_work_relation(history: CheckinHistory, *, seed: int = 0) -> Relation:
    """The tracking's relation between four-week fatigue and the work-related score."""
    tracking = track_checkins(history.sessions, history.records, tz=TZ, scales=(SCALE,), seed=seed)
    return next(r for r in tracking.relations if r.sign == SIGN and r.scale == SCALE)


@dataclass(frozen=True)
class Calibration:
    """Over `histories` seeds: claimed relations, intervals above 0, intervals covering 0."""

    histories: int
    claimed: int
    above_zero: int
    covers_zero: int
    too_few: int


def calibration(
    seeds: Iterable[int], *, related: bool, checkins: int = 12, noise_sems: float = NOISE_SEMS
) -> Calibration:
    """Count what the tracking says about fatigue and the work-related score over `seeds`."""
    claimed = above = covers = few = total = 0
    for seed in seeds:
        history = checkin_history(seed, related=related, checkins=checkins, noise_sems=noise_sems)
        relation = fatigue_work_relation(history)
        total += 1
        if relation.status is Status.TOO_FEW:
            few += 1
            continue
        claimed += relation.status in (Status.TOGETHER, Status.OPPOSITE)
        above += bool(relation.low > 0)
        covers += bool(relation.low <= 0 <= relation.high)
    return Calibration(total, claimed, above, covers, few)
