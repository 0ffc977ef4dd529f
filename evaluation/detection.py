"""Detection-quality experiments: how the warning levels behave on synthetic therapists.

Three scenarios on seeded one-year histories from core.synthetic (weekends off, leave and
holidays, 3–7 sessions a day, autocorrelated days, client-to-client differences):

* in control: no planted effect; a `chronic` level anywhere in the year is a false alarm;
* rise: one sign (rotating with the seed) rises by +2.5 points from a known day to the end;
  the delays until `watch` and `chronic` are measured in calendar days from that day, and the
  other two signs must stay below `chronic` all year;
* terrible week: +4 on every sign for seven days in an otherwise in-control year; it must
  never reach `chronic`.

Used by tests/evaluation/test_detection.py (fixed seeds) and scripts/detection_quality.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from core.schema import SIGNS
from core.settings import Thresholds
from core.synthetic import Effect, History, Latent, latent_sessions, realise
from core.warnings import assess

START = date(2025, 1, 6)
DAYS = 365
CHANGE_DAY = 210  # day of the year the rise or the terrible week begins (a Monday + 210 days)


@dataclass(frozen=True)
class RiseResult:
    """When one history's risen sign reached watch and chronic, and what the others did."""

    sign: str
    watch_delay: int | None  # calendar days from the rise to the first watch day; None = never
    chronic_delay: int | None
    others_chronic: bool


def history(seed: int, effects: tuple[Effect, ...] = ()) -> History:
    """The one-year synthetic history used by every scenario."""
    return History(start=START, days=DAYS, seed=seed, effects=effects)


def _judge(latent: Latent, effects: tuple[Effect, ...], thresholds: Thresholds) -> pd.DataFrame:
    last = START + timedelta(days=DAYS - 1)
    sessions = realise(latent, effects)
    return assess(sessions, today=last, tz=history(0).tz, thresholds=thresholds).days


def _rise_effect(seed: int, delta: float) -> tuple[str, tuple[Effect, ...]]:
    sign = SIGNS[seed % len(SIGNS)]
    return sign, (Effect(delta, (sign,), start=START + timedelta(days=CHANGE_DAY)),)


def _week_effect() -> tuple[Effect, ...]:
    begin = START + timedelta(days=CHANGE_DAY)
    return (Effect(4.0, SIGNS, start=begin, end=begin + timedelta(days=6)),)


def _first_delay(days: pd.DataFrame, sign: str, levels: set[str], start: date) -> int | None:
    rows = days[(days["sign"] == sign) & (days["day"] >= pd.Timestamp(start))]
    hit = rows.loc[rows["level"].isin(levels), "day"]
    return None if hit.empty else int((hit.iloc[0] - pd.Timestamp(start)).days)


def _rise_result(days: pd.DataFrame, sign: str) -> RiseResult:
    begin = START + timedelta(days=CHANGE_DAY)
    others = days[days["sign"] != sign]
    return RiseResult(
        sign=sign,
        watch_delay=_first_delay(days, sign, {"watch", "chronic"}, begin),
        chronic_delay=_first_delay(days, sign, {"chronic"}, begin),
        others_chronic=bool((others["level"] == "chronic").any()),
    )


def chronic_anywhere(seed: int, thresholds: Thresholds | None = None) -> bool:
    """Whether an in-control year reaches chronic on any sign and any day."""
    days = _judge(latent_sessions(history(seed)), (), thresholds or Thresholds())
    return bool((days["level"] == "chronic").any())


def rise(seed: int, delta: float = 2.5, thresholds: Thresholds | None = None) -> RiseResult:
    """A sustained rise of one sign (rotating with the seed) from CHANGE_DAY to the year's end."""
    sign, effects = _rise_effect(seed, delta)
    days = _judge(latent_sessions(history(seed)), effects, thresholds or Thresholds())
    return _rise_result(days, sign)


def terrible_week_chronic(seed: int, thresholds: Thresholds | None = None) -> bool:
    """Whether one week of +4 on every sign brings any sign to chronic anywhere in the year."""
    days = _judge(latent_sessions(history(seed)), _week_effect(), thresholds or Thresholds())
    return bool((days["level"] == "chronic").any())


@dataclass(frozen=True)
class Rates:
    """The detection-quality figures over a set of seeds."""

    histories: int
    in_control_chronic: float
    in_control_watch_days: float
    rise_watch_21: float
    rise_chronic_42: float
    rise_others_below_chronic: float
    median_watch_delay: float
    median_chronic_delay: float
    terrible_week_chronic: int


def rates(seeds: range, thresholds: Thresholds | None = None) -> Rates:
    """Run all three scenarios on `seeds` and summarise them."""
    t = thresholds or Thresholds()
    chronic, watch, rises, weeks = [], [], [], []
    for seed in seeds:
        # Effects draw no random numbers: the three scenarios share one schedule and noise.
        latent = latent_sessions(history(seed))
        days = _judge(latent, (), t)
        chronic.append(bool((days["level"] == "chronic").any()))
        watch.append(float((days["level"] != "none").mean()))
        sign, effects = _rise_effect(seed, 2.5)
        rises.append(_rise_result(_judge(latent, effects, t), sign))
        weeks.append(bool((_judge(latent, _week_effect(), t)["level"] == "chronic").any()))
    watch_delays = np.array([r.watch_delay if r.watch_delay is not None else 9999 for r in rises])
    chronic_delays = np.array(
        [r.chronic_delay if r.chronic_delay is not None else 9999 for r in rises]
    )
    return Rates(
        histories=len(seeds),
        in_control_chronic=float(np.mean(chronic)),
        in_control_watch_days=float(np.mean(watch)),
        rise_watch_21=float(np.mean(watch_delays <= 21)),
        rise_chronic_42=float(np.mean(chronic_delays <= 42)),
        rise_others_below_chronic=float(np.mean([not r.others_chronic for r in rises])),
        median_watch_delay=float(np.median(watch_delays)),
        median_chronic_delay=float(np.median(chronic_delays)),
        terrible_week_chronic=int(np.sum(weeks)),
    )
