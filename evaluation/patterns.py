"""Seeded scenarios that measure the pattern analysis: planted effects it must find or ignore.

Three scenarios, each a six-month synthetic history (`core.synthetic`) per seed:

- `planted_client`: client C-90 is seen weekly for four months and raises dread by +2 points;
  the analysis should flag C-90 as recurring for dread, and not for fatigue (nothing planted).
- `bad_month`: client C-91 is seen twice a week only during one month in which *every* session
  is +2.5 points on every sign; C-91 is neutral and must not be flagged for any sign. Twice a
  week gives C-91 about 8 sessions, past the 5 a recurring pattern needs, so it is the local
  baseline, not the session count, that keeps C-91 clear. For contrast the rates also say how
  often a whole-history baseline (the median of all day values) would put C-91 at least
  `pattern_min_effect` above usual on some sign.
- `nothing_planted`: no planted effect at all; any recurring finding is a false alarm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from core.patterns import PatternReport, find_patterns
from core.schema import SIGNS
from core.settings import Thresholds
from core.synthetic import ClientSpec, Effect, History, make_sessions

START = date(2025, 1, 6)  # a Monday
DAYS = 183
TODAY = START + timedelta(days=DAYS - 1)
TZ = "Europe/Berlin"
PLANTED = "C-90"
NEUTRAL = "C-91"
# Hour 12 is outside the generator's own caseload slots, so the planted clients never collide.
_PLANTED_SPEC = ClientSpec(
    code=PLANTED,
    weekday=2,
    hour=12,
    start=START + timedelta(days=30),
    end=START + timedelta(days=30 + 121),
)
_BAD_START = START + timedelta(days=77)
_BAD_END = _BAD_START + timedelta(days=29)
_NEUTRAL_SPECS = (
    ClientSpec(code=NEUTRAL, weekday=1, hour=12, start=_BAD_START, end=_BAD_END),
    ClientSpec(code=NEUTRAL, weekday=3, hour=12, start=_BAD_START, end=_BAD_END),
)


def planted_client_history(seed: int) -> History:
    """Six months; C-90 weekly for four months at +2 dread."""
    return History(
        start=START,
        days=DAYS,
        seed=seed,
        extra_clients=(_PLANTED_SPEC,),
        effects=(Effect(2.0, ("dread",), client=PLANTED),),
    )


def bad_month_history(seed: int) -> History:
    """Six months; one month +2.5 on every sign for everyone; neutral C-91 seen only then."""
    return History(
        start=START,
        days=DAYS,
        seed=seed,
        extra_clients=_NEUTRAL_SPECS,
        effects=(Effect(2.5, SIGNS, start=_BAD_START, end=_BAD_END),),
    )


def plain_history(seed: int) -> History:
    """Six months with nothing planted."""
    return History(start=START, days=DAYS, seed=seed)


@dataclass(frozen=True)
class QualityRates:
    """Share of seeds meeting each scenario's expectation."""

    seeds: int
    planted_dread_flagged: float
    planted_fatigue_not_flagged: float
    bad_month_client_not_flagged: float
    nothing_planted_any_flag: float
    bad_month_blamed_by_global_baseline: float  # contrast: what a non-local baseline would do


def _recurring(history: History, settings: Thresholds) -> set[tuple[str, str, str]]:
    return _flagged(find_patterns(make_sessions(history), today=TODAY, tz=TZ, settings=settings))


def _flagged(report: PatternReport) -> set[tuple[str, str, str]]:
    flagged = report.comparisons[report.comparisons["recurring"]]
    return set(zip(flagged["kind"], flagged["key"], flagged["sign"], strict=True))


def _blamed_by_global_baseline(report: PatternReport, settings: Thresholds) -> bool:
    """Whether C-91 sits `pattern_min_effect` above the whole history's median day value."""
    sessions = report.sessions
    days = sessions.groupby("day")[list(SIGNS)].mean()
    neutral = sessions.loc[sessions["client_code"] == NEUTRAL, list(SIGNS)]
    return bool(((neutral.mean() - days.median()) >= settings.pattern_min_effect).any())


def measure(seeds: Iterable[int], settings: Thresholds | None = None) -> QualityRates:
    """Run the three scenarios over `seeds` and return the rates."""
    settings = settings or Thresholds()
    seeds = list(seeds)
    dread = fatigue_clear = neutral_clear = any_flag = blamed = 0
    for seed in seeds:
        planted = _recurring(planted_client_history(seed), settings)
        dread += ("client", PLANTED, "dread") in planted
        fatigue_clear += ("client", PLANTED, "fatigue") not in planted
        report = find_patterns(
            make_sessions(bad_month_history(seed)), today=TODAY, tz=TZ, settings=settings
        )
        bad = _flagged(report)
        neutral_clear += not any(kind == "client" and key == NEUTRAL for kind, key, _ in bad)
        blamed += _blamed_by_global_baseline(report, settings)
        any_flag += bool(_recurring(plain_history(seed), settings))
    total = len(seeds)
    return QualityRates(
        seeds=total,
        planted_dread_flagged=dread / total,
        planted_fatigue_not_flagged=fatigue_clear / total,
        bad_month_client_not_flagged=neutral_clear / total,
        nothing_planted_any_flag=any_flag / total,
        bad_month_blamed_by_global_baseline=blamed / total,
    )
