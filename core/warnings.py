"""Warning levels per sign per day (none / watch / chronic), each explained in one sentence.

Public API (pure: frames in, small typed values out; `today` and the timezone are passed in)::

    assess(sessions, *, today, tz, thresholds=Thresholds()) -> Assessment
        Assessment.as_of     the day judged (`today`)
        Assessment.signs     {sign: SignStatus(level, explanation, rolling_7d, rolling_28d,
                              baseline, spread, cut, elevated_days, logged_days, ...)}
        Assessment.overall   Overall(level, explanation, actions)
        Assessment.days      the per-day frame the charts shade (long: one row per day and sign)
        Assessment.weeks     this week against the previous four (core.daily.compare_weeks)
    ewma_chart(values, *, mean, sd, lam, L, exact=False) -> EwmaChart(statistic, signal, ...)
    LEVELS = ("none", "watch", "chronic"); level_rank(level) orders them.

The rules, for one sign on day `d` (defaults in brackets; see core.settings.Thresholds):

* **Elevated day**: a logged day whose value is at or above the absolute threshold [6], or
  clearly above the personal baseline (core.baseline): at least baseline + max(margin points
  [1.75], margin spreads [1.75] x spread). So a day is elevated when value >= cut, where
  cut = min(absolute threshold, baseline + margin).
* **Watch window** = the last `watch_window_days` [14] calendar days ending on `d`;
  **chronic window** = the last `chronic_window_days` [28]. Gaps count for nothing.
* **watch** when either
  (a) elevated on most logged days of the watch window: at least `most_days_share` [0.6] of them
      and at least `min_elevated_days_watch` [4] days; or
  (b) the EWMA detector signals a sustained shift above the baseline on the latest logged day
      and the watch window holds at least `min_elevated_days_trend` [2] elevated days (so one
      extreme day cannot raise a watch on its own).
* **chronic** when the whole chronic window holds at least `min_elevated_days_chronic` [8]
  elevated days, and both of its parts were elevated on most of their logged days: the watch
  window (the last two weeks; trivially true when nothing was logged, e.g. during leave) and the
  weeks before it (which must hold at least one logged day). "Most" is `most_days_share`. So
  the elevation has persisted about four weeks, and one terrible week cannot fill them alone.
  Chronic implies watch.

The EWMA runs over logged days only, on standardised day values z = (value - baseline) / spread,
with weight `ewma_lambda` [0.2] and the upper asymptotic limit `ewma_limit` [2.962] standard
errors above zero. Both rules only ever count elevated days and logged days, so adding a day
rated all zero inside the judged weeks never raises a level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.signal import lfilter

from core.baseline import NONE as NO_BASELINE
from core.baseline import PERSONAL, PROVISIONAL, baseline_arrays
from core.daily import (
    as_zone,
    compare_weeks,
    day_values,
    min_logged_days,
    rolling_mean,
    sign_matrix,
)
from core.levels import LEVELS, Level, level_rank
from core.schema import GUIDE_ACTIONS, SIGNS
from core.settings import Thresholds

NOT_A_DIAGNOSIS: Final = (
    "This is a prompt for reflection, not a diagnosis: you and your supervisor know your "
    "situation best."
)

DAY_COLUMNS: Final = (
    "day",
    "sign",
    "value",
    "sessions",
    "rolling_7d",
    "rolling_28d",
    "baseline",
    "spread",
    "baseline_source",
    "cut",
    "elevated",
    "logged_watch",
    "elevated_watch",
    "logged_chronic",
    "elevated_chronic",
    "ewma",
    "ewma_upper",
    "ewma_signal",
    "level",
)
"""Columns of Assessment.days, one row per calendar day and sign."""


class EwmaChart(NamedTuple):
    """An EWMA control chart: the statistic, its limits and a two-sided signal per point."""

    statistic: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    signal: npt.NDArray[np.bool_]

    @property
    def upper_signal(self) -> npt.NDArray[np.bool_]:
        """Points above the upper limit only (the side a rise in a warning sign shows on)."""
        return self.statistic > self.upper


def ewma_chart(
    values: npt.ArrayLike, *, mean: float, sd: float, lam: float, L: float, exact: bool = False
) -> EwmaChart:
    """The standard two-sided EWMA chart of `values` (time on the last axis).

    z_0 = mean, z_t = lam * x_t + (1 - lam) * z_(t-1). The limits are
    mean +/- L * sd * sqrt(lam / (2 - lam)) (asymptotic, the form Lucas & Saccucci tabulate), or
    with `exact` the time-varying mean +/- L * sd * sqrt(lam / (2 - lam) * (1 - (1 - lam)^(2t))).
    A point signals when its statistic lies strictly outside the limits. A 2-D input is many
    independent series, one per row.
    """
    if not 0 < lam <= 1:
        raise ValueError("lam must be in (0, 1]")
    if not sd > 0:
        raise ValueError("sd must be positive")
    x = np.asarray(values, dtype="float64")
    n = x.shape[-1]
    initial = np.full((*x.shape[:-1], 1), (1 - lam) * mean)
    statistic, _ = lfilter([lam], [1.0, -(1.0 - lam)], x, axis=-1, zi=initial)
    variance = lam / (2 - lam)
    if exact:
        t = np.arange(1, n + 1)
        width = L * sd * np.sqrt(variance * (1 - (1 - lam) ** (2 * t)))
    else:
        width = np.full(n, L * sd * np.sqrt(variance))
    upper = mean + width
    lower = mean - width
    signal = (statistic > upper) | (statistic < lower)
    return EwmaChart(
        statistic, np.broadcast_to(upper, x.shape), np.broadcast_to(lower, x.shape), signal
    )


@dataclass(frozen=True)
class SignStatus:
    """One sign's level on the day judged, with the numbers its explanation quotes."""

    sign: str
    level: str
    explanation: str
    rolling_7d: float | None
    rolling_28d: float | None
    baseline: float | None
    spread: float | None
    cut: float
    baseline_source: str
    elevated_days: int
    logged_days: int
    elevated_days_chronic: int
    logged_days_chronic: int
    ewma_signal: bool


@dataclass(frozen=True)
class Overall:
    """The three signs combined: the highest level, what it means, and the guide's actions."""

    level: str
    explanation: str
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """Everything the Review page, the status command and the packet show about warning signs."""

    as_of: date
    signs: dict[str, SignStatus]
    overall: Overall
    days: pd.DataFrame = field(repr=False)
    weeks: pd.DataFrame = field(repr=False)

    @property
    def has_data(self) -> bool:
        """Whether any session up to `as_of` was logged."""
        return not self.days.empty


def _count(flags: npt.NDArray[np.float64], window: int) -> npt.NDArray[np.float64]:
    """Rolling sum over the last `window` rows (fewer at the start), column by column."""
    total = np.concatenate((np.zeros((1, flags.shape[1])), np.cumsum(flags, axis=0)))
    idx = np.arange(1, flags.shape[0] + 1)
    return total[idx] - total[np.maximum(idx - window, 0)]


def _ffill_limited(values: npt.NDArray[np.float64], limit: int) -> npt.NDArray[np.float64]:
    filled = pd.DataFrame(values).ffill(limit=limit).to_numpy(dtype="float64", na_value=np.nan)
    return np.asarray(filled, dtype=np.float64)


def judge_days(days: pd.DataFrame, thresholds: Thresholds) -> dict[str, npt.NDArray[Any]]:
    """Every per-day quantity of the rules, as 2-D arrays (calendar days x signs).

    `days` is core.daily.day_values output. Keys are the per-sign columns of DAY_COLUMNS.
    """
    t = thresholds
    v = sign_matrix(days)
    # Integer column labels: selecting by a list of names builds a string Index (slow).
    values = pd.DataFrame(v, index=days.index)
    logged = ~np.isnan(v)
    b, s, source = baseline_arrays(values, t)
    margin = np.fmax(t.baseline_margin_points, t.baseline_margin_spreads * s)
    cut = np.where(np.isnan(b), t.absolute_threshold, np.fmin(t.absolute_threshold, b + margin))
    # A tiny tolerance so a mean like (5 + 6 + 7) / 3 counts as "at the threshold".
    with np.errstate(invalid="ignore"):
        elevated = logged & (v >= cut - 1e-9)

    w, c = t.watch_window_days, t.chronic_window_days
    logged_w = _count(logged.astype("float64"), w)
    elevated_w = _count(elevated.astype("float64"), w)
    logged_c = _count(logged.astype("float64"), c)
    elevated_c = _count(elevated.astype("float64"), c)
    share = t.most_days_share - 1e-9
    most_recent = elevated_w >= share * logged_w
    rule_watch = most_recent & (elevated_w >= t.min_elevated_days_watch)
    # Chronic: the earlier part of the chronic window (before the watch window) was elevated on
    # most of its logged days too, so one terrible week cannot fill four weeks on its own.
    logged_early, elevated_early = logged_c - logged_w, elevated_c - elevated_w
    most_early = (logged_early > 0) & (elevated_early >= share * logged_early)
    chronic = most_early & most_recent & (elevated_c >= t.min_elevated_days_chronic)

    # EWMA over logged days that have a baseline; gaps are skipped, never treated as zeros.
    ewma = np.full(v.shape, np.nan)
    upper = np.full(v.shape, np.nan)
    sig = np.full(v.shape, np.nan)
    judged = logged & ~np.isnan(b)
    for j in range(v.shape[1]):
        rows = judged[:, j]
        if rows.any():
            z = (v[rows, j] - b[rows, j]) / s[rows, j]
            chart = ewma_chart(z, mean=0.0, sd=1.0, lam=t.ewma_lambda, L=t.ewma_limit)
            ewma[rows, j] = chart.statistic
            upper[rows, j] = chart.upper
            sig[rows, j] = chart.upper_signal
    # A gap day carries the last logged day's signal, but only within the watch window.
    ewma_signal = _ffill_limited(sig, w - 1) == 1.0
    trend_watch = ewma_signal & (elevated_w >= t.min_elevated_days_trend)

    watch = rule_watch | trend_watch | chronic
    level = np.where(chronic, 2, np.where(watch, 1, 0))
    return {
        "value": v,
        "rolling_7d": rolling_mean(values, 7, t.min_coverage_share).to_numpy(
            dtype="float64", na_value=np.nan
        ),
        "rolling_28d": rolling_mean(values, 28, t.min_coverage_share).to_numpy(
            dtype="float64", na_value=np.nan
        ),
        "baseline": b,
        "spread": s,
        "baseline_source": source,
        "cut": cut,
        "elevated": elevated,
        "logged_watch": logged_w.astype("int64"),
        "elevated_watch": elevated_w.astype("int64"),
        "logged_chronic": logged_c.astype("int64"),
        "elevated_chronic": elevated_c.astype("int64"),
        "ewma": ewma,
        "ewma_upper": upper,
        "ewma_signal": ewma_signal,
        "level": level,
    }


_SIGN_DTYPE: Final = pd.CategoricalDtype(list(SIGNS))
_LEVEL_DTYPE: Final = pd.CategoricalDtype(list(LEVELS))
_SOURCES: Final = (PERSONAL, PROVISIONAL, NO_BASELINE)
_SOURCE_DTYPE: Final = pd.CategoricalDtype(list(_SOURCES))


def _long(days: pd.DataFrame, judged: dict[str, npt.NDArray[Any]]) -> pd.DataFrame:
    """Stack the 2-D arrays into the long per-day frame (all days of dread, then detachment...)."""
    n = len(days)
    # Categoricals from integer codes with prebuilt dtypes: building string arrays is slow.
    source = judged["baseline_source"].ravel(order="F")
    source_codes = np.select([source == name for name in _SOURCES], [0, 1, 2], default=2)
    stacked: dict[str, Any] = {
        "day": np.tile(days.index.to_numpy(), len(SIGNS)),
        "sign": pd.Categorical.from_codes(np.repeat(np.arange(len(SIGNS)), n), dtype=_SIGN_DTYPE),
        "sessions": np.tile(days["sessions"].to_numpy(), len(SIGNS)),
        "baseline_source": pd.Categorical.from_codes(source_codes, dtype=_SOURCE_DTYPE),
        "level": pd.Categorical.from_codes(judged["level"].ravel(order="F"), dtype=_LEVEL_DTYPE),
    }
    columns = {
        name: stacked[name] if name in stacked else judged[name].ravel(order="F")
        for name in DAY_COLUMNS
    }
    return pd.DataFrame(columns)


def _empty_days() -> pd.DataFrame:
    frame = pd.DataFrame({c: [] for c in DAY_COLUMNS})
    frame["day"] = frame["day"].astype("datetime64[us]")
    return frame


def _period(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return "week" if weeks == 1 else f"{weeks} weeks"
    return f"{days} days"


def _num(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f}"


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def _cut_text(cut: float, t: Thresholds) -> str:
    if cut >= t.absolute_threshold - 1e-9:
        return f"{t.absolute_threshold:g} or more"
    return f"{cut:.1f} or more, clearly above your usual level"


def _usual(status_baseline: float | None, source: str, t: Thresholds) -> str:
    if status_baseline is None:
        return (
            "your usual level is still being learned "
            f"(it needs about {t.fallback_min_days} logged days)"
        )
    provisional = " (provisional: history is still short)" if source == PROVISIONAL else ""
    return f"your usual level {status_baseline:.1f}{provisional}"


def _average(window: int, value: float | None, t: Thresholds) -> str:
    if value is None:
        needed = min_logged_days(window, t.min_coverage_share)
        return f"your {window}-day average needs at least {needed} logged days"
    return f"your {window}-day average is {value:.1f}"


def explain(sign: str, row: Mapping[str, Any], t: Thresholds) -> str:
    """One sentence a tired person understands: why this sign has its level today."""
    name = sign.capitalize()
    level = str(row["level"])
    base = _optional(float(row["baseline"]))
    usual = _usual(base, str(row["baseline_source"]), t)
    cut = _cut_text(float(row["cut"]), t)
    r7 = _average(7, _optional(float(row["rolling_7d"])), t)
    r28 = _average(28, _optional(float(row["rolling_28d"])), t)
    ew, lw = int(row["elevated_watch"]), int(row["logged_watch"])
    ec, lc = int(row["elevated_chronic"]), int(row["logged_chronic"])
    watch_period, chronic_period = _period(t.watch_window_days), _period(t.chronic_window_days)
    if level == "chronic":
        return (
            f"{name} has been elevated ({cut}) on {ec} of the {lc} days you logged in the last "
            f"{chronic_period}; {r28}, {usual}."
        )
    if level == "watch":
        share = t.most_days_share - 1e-9
        if ew >= share * lw and ew >= t.min_elevated_days_watch:
            return (
                f"{name} was elevated ({cut}) on {ew} of the {lw} days you logged in the last "
                f"{watch_period}; {r7}, {usual}."
            )
        return (
            f"{name} has shifted above {usual} for several logged days in a row "
            f"(the trend detector), with {ew} elevated days of the {lw} you logged in the last "
            f"{watch_period}; {r7}."
        )
    if lw == 0:
        return f"No {sign} ratings in the last {watch_period}, so there is nothing to judge yet."
    days = "day" if lw == 1 else "days"
    if ew == 0:
        return (
            f"{name} was not elevated on any of the {lw} {days} you logged in the last "
            f"{watch_period} (elevated means {cut}); {r7}, {usual}."
        )
    if ew >= (t.most_days_share - 1e-9) * lw:
        return (
            f"{name} was elevated ({cut}) on {ew} of the {lw} {days} you logged in the last "
            f"{watch_period}: too few days to call a trend (at least "
            f"{t.min_elevated_days_watch} elevated days are needed); {r7}, {usual}."
        )
    return (
        f"{name} was elevated ({cut}) on {ew} of the {lw} {days} you logged in the last "
        f"{watch_period}, not on most of them; {r7}, {usual}."
    )


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def overall_status(signs: dict[str, SignStatus], *, has_data: bool) -> Overall:
    """The highest level of the three signs, explained, with the guide's actions at chronic."""
    if not has_data:
        return Overall("none", "No sessions logged yet, so there is nothing to judge.")
    level = max((s.level for s in signs.values()), key=level_rank)
    named = [s.sign for s in signs.values() if s.level == level]
    subject = _join(named).capitalize()
    plural = len(named) > 1
    if level == "chronic":
        actions = ", ".join(GUIDE_ACTIONS[:-1]) + ", or " + GUIDE_ACTIONS[-1]
        text = (
            f"{subject} {'have' if plural else 'has'} been elevated on most days for about four "
            f"weeks: that is what the guide calls chronic. Its advice: {actions}. "
            f"{NOT_A_DIAGNOSIS}"
        )
        return Overall(level, text, tuple(GUIDE_ACTIONS))
    if level == "watch":
        text = (
            f"{subject} {'are' if plural else 'is'} worth watching: elevated on most of the days "
            "you logged recently. A good moment for post-session rituals, an emotional debrief "
            f"with a trusted colleague, or raising it in supervision. {NOT_A_DIAGNOSIS}"
        )
        return Overall(level, text)
    return Overall(level, "No warning sign has been elevated on most of your recent days.")


def assess(
    sessions: pd.DataFrame,
    *,
    today: date,
    tz: str | ZoneInfo,
    thresholds: Thresholds | None = None,
) -> Assessment:
    """Judge every sign on `today` from a session frame (core.schema columns) in timezone `tz`."""
    t = thresholds or Thresholds()
    zone = as_zone(tz)
    days = day_values(sessions, tz=zone, today=today)
    weeks = compare_weeks(days, today)
    if days.empty:
        statuses = {
            sign: SignStatus(
                sign=sign,
                level="none",
                explanation=f"No {sign} ratings logged yet.",
                rolling_7d=None,
                rolling_28d=None,
                baseline=None,
                spread=None,
                cut=t.absolute_threshold,
                baseline_source=NO_BASELINE,
                elevated_days=0,
                logged_days=0,
                elevated_days_chronic=0,
                logged_days_chronic=0,
                ewma_signal=False,
            )
            for sign in SIGNS
        }
        overall = overall_status(statuses, has_data=False)
        return Assessment(today, statuses, overall, _empty_days(), weeks)

    judged = judge_days(days, t)
    statuses = {}
    for j, sign in enumerate(SIGNS):
        last = {name: array[-1, j] for name, array in judged.items()}
        last["level"] = Level.from_rank(int(last["level"]))
        statuses[sign] = SignStatus(
            sign=sign,
            level=str(last["level"]),
            explanation=explain(sign, last, t),
            rolling_7d=_optional(float(last["rolling_7d"])),
            rolling_28d=_optional(float(last["rolling_28d"])),
            baseline=_optional(float(last["baseline"])),
            spread=_optional(float(last["spread"])),
            cut=round(float(last["cut"]), 2),
            baseline_source=str(last["baseline_source"]),
            elevated_days=int(last["elevated_watch"]),
            logged_days=int(last["logged_watch"]),
            elevated_days_chronic=int(last["elevated_chronic"]),
            logged_days_chronic=int(last["logged_chronic"]),
            ewma_signal=bool(last["ewma_signal"]),
        )
    long = _long(days, judged)
    overall = overall_status(statuses, has_data=True)
    return Assessment(today, statuses, overall, long, weeks)
