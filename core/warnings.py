"""Warning levels per sign per day (none / watch / chronic), each explained in one sentence.

Public API (pure: frames in, small typed values out; `today` and the timezone are passed in)::

    assess(sessions, *, today, tz, thresholds=Thresholds()) -> Assessment
        Assessment.as_of     the day judged (`today`)
        Assessment.signs     {sign: SignStatus(level, comparison, explanation, rolling_7d, ...)}
        Assessment.overall   Overall(level, explanation, actions)
        Assessment.days      the per-day frame the charts shade (long: one row per day and sign)
        Assessment.weeks     this week against the previous four (core.daily.compare_weeks)
    ewma_chart(values, *, mean, sd, lam, L, exact=False) -> EwmaChart(statistic, signal, ...)
    Level (core.levels): none < watch < chronic.

The rules rest on the evidence in a window, not on a vote of single days. For one sign on day
`d` (defaults in brackets; every number is a field of core.settings.Thresholds):

* **Comparisons.** Each logged day is compared with three levels, and a level fires when any
  comparison supports it (the explanation names the one that did):
  - *usual*: your usual level (core.baseline: the median of about six months that end six weeks
    before `d`, so the weeks being judged are left out);
  - *earlier*: your level in the six months before those, so a rise that creeps for months
    cannot hide by lifting its own yardstick;
  - *fixed*: the fixed line [6] whatever your usual level, compared as the line less the
    smallest rise (so the window must average at or above the line, and clearly above 5).
* **A window's evidence.** Over the logged days of a window, the average distance above the
  comparison level, each day clipped to `day_clip_spreads` [2.5] spreads either side, is the
  *rise*; its standard error allows for the number of logged days, their calendar positions
  and the day-to-day correlation (core.baseline.pair_weight), plus the uncertainty of the
  comparison level itself. *Evidence* = rise / standard error. The correlation is your own,
  measured from the months behind your usual level (core.baseline.day_correlation), plus a
  margin, at least `min_day_correlation` [0.4] and never above the assumed `day_correlation`
  [0.7], which alone applies while the usual level is provisional.
  A logged day is *raised* when it is at least `day_margin_points` [0.5] above the level.
* **watch** (window: the last `watch_window_days` [14]): the rise is at least `rise_points` [1],
  the evidence at least `watch_evidence` [2.1], at least half the logged days raised and at
  least `min_raised_days_watch` [3] of them. Watch also holds when one of chronic's windows
  (below) as a whole has the rise, evidence at least `chronic_evidence` and most of its logged
  days raised (at least `min_raised_days_watch`), though its parts do not each make chronic's
  case, while its last watch window still averages at least `day_margin_points` [0.5] above:
  a slow creep or a part-time history is clear over eight weeks before any fortnight of it
  is, and a spell that has ended stops counting. The sentence then names that window ("over
  the last 8 weeks taken together").
* **chronic** (window: the last `chronic_window_days` [28], in two parts: the watch window and
  the weeks before it): the whole window's rise is at least `rise_points` with evidence at least
  `chronic_evidence` [3], at least `min_raised_days_chronic` [4] raised days, and *each part*
  raised on at least half its logged days (the earlier part must hold a logged day; the recent
  part may be empty, e.g. during leave: nothing says it got better), each part's evidence at
  least `part_evidence` [2.5]; and the rise outlasts its worst week: with any
  `left_out_days` [7] days in a row left out, the other days still average at least
  `rise_points` with evidence at least `chronic_evidence`. So the elevation has persisted about
  four weeks, and one terrible week cannot fill both parts alone, nor carry a window that is
  otherwise only slightly raised.
  The same test runs over longer windows too, a watch window longer each time up to
  `long_window_days` [56]: 42 and 56 days, each split into a recent part and the weeks before
  it. A rise that has lasted longer shows more clearly over more days (a small rise, a noisy
  person, a part-time week, a creep); chronic holds when any window holds, and the window with
  the strongest evidence is the one the sentence names ("about eight weeks"). The recent part
  is the watch window, reaching back a week at a time up to half the window until your usual
  logging (in the months behind the usual level, never the weeks judged) would put
  `min_part_days` [8] logged days in it: someone who works two days a week is judged on the
  last four weeks of eight and the four before, not on four days against twelve.
  Chronic implies watch.
* **Held.** Once chronic, a sign stays chronic while it is at watch or above (by any window
  and comparison), and drops with its first day at none (`hold_chronic`): a rise that goes on
  does not flicker between watch and chronic as one fortnight's evidence dips. A held day is
  explained by the window behind watch and says since when the sign has been chronic. Only
  days at watch are lifted, so no false alarm and no terrible week is added: every chronic
  spell still begins on a day the chronic rules hold, and a sign clears to none as before.

Days without sessions count for nothing. A day rated below the comparison level lowers the rise,
adds to the logged days but not to the raised ones, and its added certainty is at most what its
lower value takes away, so adding a day rated all zero inside the judged weeks never raises a
level. The EWMA columns of the per-day frame are a trend line for charts, not a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Final, NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.baseline import (
    BEFORE_BREAK,
    PROVISIONAL,
    SOURCES,
    lag_totals,
    pair_weight,
    references,
    shift_days,
    window_lag_counts,
)
from core.baseline import NONE as NO_BASELINE
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

__all__ = [
    "COMPARISONS",
    "DAY_COLUMNS",
    "LEVELS",
    "NOT_A_DIAGNOSIS",
    "Assessment",
    "EwmaChart",
    "Level",
    "Overall",
    "SignStatus",
    "assess",
    "chronic_windows",
    "ewma_chart",
    "explain",
    "hold_chronic",
    "how_levels_work",
    "judge_days",
    "level_rank",
    "overall_status",
    "recent_parts",
]

NOT_A_DIAGNOSIS: Final = (
    "This is a prompt for reflection, not a diagnosis: you and your supervisor know your "
    "situation best."
)

USUAL: Final = "usual"
EARLIER: Final = "earlier"
FIXED: Final = "fixed"
COMPARISONS: Final = (USUAL, EARLIER, FIXED)
"""The levels a window is compared with, in the order they are named when several fire."""

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
    "earlier",
    "comparison",
    "mean_watch",
    "mean_chronic",
    "rise_watch",
    "evidence_watch",
    "logged_watch",
    "raised_watch",
    "days_watch",
    "rise_chronic",
    "evidence_chronic",
    "logged_chronic",
    "raised_chronic",
    "window_chronic",
    "recent_chronic",
    "window_watch",
    "chronic_days",
    "held",
    "ewma",
    "ewma_upper",
    "level",
)
"""Columns of Assessment.days, one row per calendar day and sign.

`comparison` is the comparison behind the level (the strongest when several fire; at none,
the usual level when there is one); mean is each window's plain average of logged days;
rise, evidence, logged and raised days are that comparison's, for each window.
"""


class EwmaChart(NamedTuple):
    """An EWMA control chart: the statistic, its limits and a two-sided signal per point."""

    statistic: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    signal: npt.NDArray[np.bool_]


def _smooth(x: npt.NDArray[np.float64], *, lam: float, start: float) -> npt.NDArray[np.float64]:
    """z_t = lam * x_t + (1 - lam) * z_(t-1) from z_0 = start, along the last axis (no gaps).

    pandas' recursive EWMA (adjust=False) on the series with `start` put in front: the same
    filter as scipy.signal.lfilter, without importing scipy.signal (some 50 MiB in the server).
    """
    rows = x.reshape(-1, x.shape[-1])
    padded = np.column_stack([np.full(len(rows), start), rows])
    smoothed = pd.DataFrame(padded.T).ewm(alpha=lam, adjust=False).mean().to_numpy()
    return np.asarray(smoothed[1:].T.reshape(x.shape), dtype=np.float64)


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
    statistic = _smooth(x, lam=lam, start=mean)
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
    level: Level
    comparison: str | None  # the comparison behind a watch or chronic level (COMPARISONS)
    explanation: str
    rolling_7d: float | None
    rolling_28d: float | None
    baseline: float | None
    spread: float | None
    baseline_source: str
    earlier: float | None  # the earlier level (core.baseline), when there is one
    rise: float | None  # points above the comparison level, over the window behind the level
    evidence: float | None  # that rise in standard errors
    raised_days: int  # in the window behind watch (`watch_window`; the watch window at none)
    logged_days: int
    raised_days_chronic: int  # in the chronic window
    logged_days_chronic: int
    last_before_break: date | None = None  # when the usual level comes from before a break
    chronic_window: int | None = None  # at chronic, the days of the window that showed it
    watch_window: int | None = None  # at watch, the same (a longer one when only it was clear)
    chronic_since: date | None = None  # at chronic, the first day of this spell at chronic
    held: bool = False  # chronic held at watch: the sign reached chronic and is still high


@dataclass(frozen=True)
class Overall:
    """The three signs combined: the highest level, what it means, and the guide's actions."""

    level: Level
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


Array = npt.NDArray[Any]


def _running_total(x: Array) -> Array:
    """Cumulative sums of `x` along its rows, with a row of zeros in front."""
    return np.concatenate((np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)))


def _window_of(total: Array, window: int) -> Array:
    """Rolling sums over the last `window` rows (fewer at the start) from a _running_total."""
    idx = np.arange(1, total.shape[0])
    return np.asarray(total[idx] - total[np.maximum(idx - window, 0)])


def _window_sum(x: Array, window: int) -> Array:
    """Rolling sum over the last `window` rows (fewer at the start), column by column."""
    return _window_of(_running_total(x), window)


@dataclass(frozen=True)
class _Window:
    """One comparison's figures for the window ending on each day."""

    rise: Array
    evidence: Array
    logged: Array
    raised: Array
    pairs: Array  # the pair weight of the window's logged days (core.baseline.pair_weight)


class _Shown(NamedTuple):
    """What one comparison shows for each day: the windows behind watch and chronic."""

    watch: _Window  # the watch window, or the longer window that alone showed watch
    whole: _Window  # the chronic window behind chronic (the shortest when none holds)
    length: Array  # that chronic window's days
    recent: Array  # the days of its recent part
    watch_length: Array  # the days of the window behind watch


def _where(mask: Array, chosen: _Window, other: _Window) -> _Window:
    """`chosen`'s figures where `mask` holds, `other`'s elsewhere."""
    return _Window(
        *(np.where(mask, getattr(chosen, f.name), getattr(other, f.name)) for f in fields(_Window))
    )


@dataclass
class _Evidence:
    """One comparison's day deviations, and its windows' figures worked out once per length."""

    deviation: Array
    raised: Array
    scale: Array
    level_se: Array
    correlation: Array
    _windows: dict[int, _Window] = field(default_factory=dict)

    @cached_property
    def _judged(self) -> Array:
        return ~np.isnan(self.deviation)

    @cached_property
    def _pair_totals(self) -> Array:
        """The judged days' running pair counts (core.baseline.lag_totals), shared by windows."""
        return lag_totals(self._judged)

    @cached_property
    def _totals(self) -> tuple[Array, Array, Array, Array]:
        """Running totals of the judged days, their deviations and raised days (every window's
        sums are differences of these) and the level's squared standard error (0 when none)."""
        level_variance = np.where(np.isnan(self.level_se), 0.0, self.level_se) ** 2
        return (
            _running_total(self._judged.astype("float64")),
            _running_total(np.nan_to_num(self.deviation)),
            _running_total(self.raised.astype("float64")),
            level_variance,
        )

    def __call__(self, window: int) -> _Window:
        """The clipped average rise, its evidence, and the logged and raised days per window."""
        if window not in self._windows:
            judged, deviation, raised_days, level_variance = self._totals
            logged = _window_of(judged, window)
            total = _window_of(deviation, window)
            pairs = pair_weight(window_lag_counts(self._pair_totals, window), self.correlation)
            with np.errstate(invalid="ignore", divide="ignore"):
                rise = total / logged
                error = np.sqrt(self.scale**2 * pairs / logged**2 + level_variance)
                evidence = rise / error
            raised = _window_of(raised_days, window)
            self._windows[window] = _Window(rise, evidence, logged, raised, pairs)
        return self._windows[window]


def _outlasts_worst_block(evidence: _Evidence, whole: _Window, window: int, t: Thresholds) -> Array:
    """Whether the chronic window's rise holds with its worst `left_out_days` in a row left out.

    The worst block is the one whose leaving out lowers the rest's average most against
    `rise_points` (the largest S - rise * n, with S and n its summed deviation and logged
    days). The rest must hold a logged day, average at least `rise_points` and stand
    `chronic_evidence` standard errors clear (it must make the whole window's case without its
    worst week), its pair weight taken as the window's per day.
    """
    judged, deviation, _, level_variance = evidence._totals
    block = t.left_out_days
    # Blocks ending in the window's last `positions` days lie inside it.
    worst_sum, worst_logged = _running_worst(
        _window_of(deviation, block), _window_of(judged, block), t.rise_points, window - block + 1
    )
    rest = whole.logged - worst_logged
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (whole.rise * whole.logged - worst_sum) / rest
        per_day = whole.pairs / whole.logged
        error = np.sqrt(evidence.scale**2 * per_day / rest + level_variance)
        return np.asarray(
            (rest > 0) & (mean >= t.rise_points - 1e-9) & (mean >= t.chronic_evidence * error)
        )


def _running_worst(total: Array, logged: Array, rise: float, width: int) -> tuple[Array, Array]:
    """Of the last `width` rows ending at each row, the one with the largest total - rise * logged.

    Returns that row's total and logged days (doubling: after each step the pair holds the
    worst of the last `span` rows).
    """
    total, logged = total.copy(), logged.copy()
    span = 1
    while span < width:
        step = min(span, width - span)
        earlier_total, earlier_logged = total[:-step].copy(), logged[:-step].copy()
        worse = earlier_total - rise * earlier_logged > total[step:] - rise * logged[step:]
        total[step:] = np.where(worse, earlier_total, total[step:])
        logged[step:] = np.where(worse, earlier_logged, logged[step:])
        span += step
    return total, logged


def chronic_windows(t: Thresholds) -> tuple[int, ...]:
    """The windows chronic looks at: the chronic window, then longer by a watch window at a
    time up to `long_window_days` (28, 42 and 56 days by default)."""
    longest = max(t.chronic_window_days, t.long_window_days)
    steps = range(t.chronic_window_days, longest + 1, t.watch_window_days)
    return tuple(sorted({*steps, longest}))


def recent_parts(days: int, t: Thresholds) -> tuple[int, ...]:
    """The lengths the recent part of a `days`-long chronic window may take: the watch window,
    then a week longer at a time up to half the window (14 days, or 14, 21 and 28 for 56)."""
    w = t.watch_window_days
    return (w, *range(w + 7, days // 2 + 1, 7))


def _logging_rate(logged: Array, usual_logged: Array, t: Thresholds) -> Array:
    """Logged days per calendar day in the months behind the usual level, per day and sign.

    `usual_logged` counts them over the usual level's window (References.usual_logged: never
    the weeks being judged), here divided by that window's days from the first logged day on;
    infinite (the watch window is the recent part) until those span four weeks
    (`chronic_window_days`): a few days say little about how often someone logs.
    """
    first = np.argmax(logged, axis=0)
    # The window ends `baseline_exclude_days` back and includes that day and the first one.
    span = np.arange(len(logged))[:, None] - t.baseline_exclude_days - first[None, :] + 1
    span = np.clip(span, 0, t.baseline_window_days)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(span >= t.chronic_window_days, usual_logged / span, np.inf))


def _chronic(
    evidence: _Evidence, days: int, rate: Array, t: Thresholds
) -> tuple[Array, _Window, Array]:
    """Whether the chronic rule holds over the last `days` (a recent part and the weeks before
    it), that window's figures, and the recent part's length.

    The recent part is the watch window, reaching back a week at a time (recent_parts) until
    your usual logging (`rate`, logged days per calendar day) would put `min_part_days` in it.
    """
    tol = 1e-9
    whole = evidence(days)
    parts = recent_parts(days, t)
    recent_days = np.full(whole.rise.shape, parts[-1])
    for length in reversed(parts[:-1]):
        recent_days = np.where(rate * length >= t.min_part_days - tol, length, recent_days)

    # Only the lengths some day uses are worked out: full-time logging needs the watch window's.
    used = [length for length in parts[1:] if (recent_days == length).any()]

    def part(figure: Callable[[int], Array]) -> Array:
        out = figure(parts[0])
        for length in used:
            out = np.where(recent_days == length, figure(length), out)
        return np.asarray(out)

    recent_logged = part(lambda n: evidence(n).logged)
    recent_raised = part(lambda n: evidence(n).raised)
    recent_evidence = part(lambda n: evidence(n).evidence)
    # The weeks before the recent part must show the rise on their own too.
    early_evidence = part(lambda n: shift_days(evidence(days - n).evidence, n))
    # And the rise must outlast its worst week: one terrible week cannot carry four.
    outlasts = (
        _outlasts_worst_block(evidence, whole, days, t)
        if t.left_out_days > 0
        else np.ones(whole.rise.shape, dtype=bool)
    )
    early_logged = whole.logged - recent_logged
    early_raised = whole.raised - recent_raised
    with np.errstate(invalid="ignore"):
        holds = np.asarray(
            (whole.rise >= t.rise_points - tol)
            & (whole.evidence >= t.chronic_evidence)
            & (whole.raised >= t.min_raised_days_chronic)
            & (early_logged > 0)
            & (early_evidence >= t.part_evidence)
            & ((recent_logged == 0) | (recent_evidence >= t.part_evidence))
            & _most(early_raised, early_logged)
            & _most(recent_raised, recent_logged)
            & outlasts
        )
    return holds, whole, recent_days


def _wide_watch(window: _Window, watch: _Window, t: Thresholds) -> Array:
    """Whether a chronic window as a whole is clearly raised: watch, even where its parts are
    not each clear enough for chronic.

    The window's rise is at least `rise_points` with evidence `chronic_evidence`, most of its
    logged days (and at least `min_raised_days_watch`) are raised, and its last watch window
    still averages at least `day_margin_points` above (or holds no logged day): once a spell
    has ended, its weeks no longer keep watch up.
    """
    tol = 1e-9
    with np.errstate(invalid="ignore"):
        return np.asarray(
            (window.rise >= t.rise_points - tol)
            & (window.evidence >= t.chronic_evidence)
            & (window.raised >= t.min_raised_days_watch)
            & _most(window.raised, window.logged)
            & ((watch.logged == 0) | (watch.rise >= t.day_margin_points - tol))
        )


def hold_chronic(level: Array) -> tuple[Array, Array, Array]:
    """Chronic held through the days at watch that follow it, per column of `level` (ranks).

    A sign that has reached chronic stays chronic while it is at watch or above, and drops
    with its first day at none: a rise that goes on does not flicker between watch and
    chronic as one fortnight's evidence dips and recovers. Returns the held level, the days
    at chronic so far including each day (0 below chronic), and the last day (row) on which
    chronic's own rule held (-1 before any).
    """
    days = np.arange(level.shape[0]).reshape((-1,) + (1,) * (level.ndim - 1))
    count = np.cumsum(level == 2, axis=0)
    # The count of chronic days up to the latest day at none: chronic since then holds.
    before = np.maximum.accumulate(np.where(level == 0, count, 0), axis=0)
    held = np.where((level >= 1) & (count > before), 2, level)
    previous = np.concatenate([np.zeros_like(held[:1]), held[:-1]])
    starts = (held == 2) & (previous != 2)
    began = np.maximum.accumulate(np.where(starts, days, -1), axis=0)
    chronic_days = np.where(held == 2, days - began + 1, 0)
    last_rule = np.maximum.accumulate(np.where(level == 2, days, -1), axis=0)
    return held, chronic_days, last_rule


def _most(raised: Array, logged: Array) -> Array:
    """At least half of the logged days raised (true when none were logged)."""
    return np.asarray(2 * raised >= logged)


def judge_days(days: pd.DataFrame, thresholds: Thresholds) -> dict[str, Array]:
    """Every per-day quantity of the rules, as 2-D arrays (calendar days x signs).

    `days` is core.daily.day_values output. Keys are the per-sign columns of DAY_COLUMNS;
    `comparison` holds indexes into COMPARISONS and `level` ranks.
    """
    t = thresholds
    v = sign_matrix(days)
    # Integer column labels: selecting by a list of names builds a string Index (slow).
    values = pd.DataFrame(v, index=days.index)
    ref = references(values, t)
    spread = np.where(np.isnan(ref.spread), t.assumed_spread, ref.spread)
    fixed = np.full(v.shape, t.absolute_threshold - t.rise_points)
    levels = {USUAL: ref.usual, EARLIER: ref.earlier, FIXED: fixed}
    level_ses = {USUAL: ref.usual_se, EARLIER: ref.earlier_se, FIXED: np.zeros(v.shape)}
    spreads = {USUAL: spread, EARLIER: ref.earlier_spread, FIXED: spread}

    w, c = t.watch_window_days, t.chronic_window_days
    tol = 1e-9  # so a mean like (5 + 6 + 7) / 3 counts as "at" a line
    rate = _logging_rate(~np.isnan(v), ref.usual_logged, t)
    ranks: list[Array] = []
    windows: list[_Shown] = []
    for name in COMPARISONS:
        scale = spreads[name]
        with np.errstate(invalid="ignore"):
            gap = v - levels[name]
            deviation = np.clip(gap, -t.day_clip_spreads * scale, t.day_clip_spreads * scale)
            raised = gap >= t.day_margin_points - tol
        evidence = _Evidence(deviation, raised, scale, level_ses[name], ref.correlation)
        watch = evidence(w)
        with np.errstate(invalid="ignore"):
            rule_watch = (
                (watch.rise >= t.rise_points - tol)
                & (watch.evidence >= t.watch_evidence)
                & (watch.raised >= t.min_raised_days_watch)
                & _most(watch.raised, watch.logged)
            )
        # Chronic over each of its windows; the one that holds with the strongest evidence
        # speaks for the comparison (the shortest when none holds). Watch also holds where a
        # whole window is clearly raised though its parts are not each clear (a creep, a
        # part-time history); that window then speaks for watch, unless the watch window's
        # own rule holds or the level is chronic.
        rule_chronic = np.zeros(v.shape, dtype=bool)
        whole, length, recent = evidence(c), np.full(v.shape, c), np.full(v.shape, w)
        best = np.full(v.shape, -np.inf)
        wide, wide_length = watch, np.full(v.shape, w)
        wide_best = np.full(v.shape, -np.inf)
        for span in chronic_windows(t):
            holds, candidate, candidate_recent = _chronic(evidence, span, rate, t)
            strength = np.where(holds, np.nan_to_num(candidate.evidence, nan=-np.inf), -np.inf)
            better = holds & (strength > best)
            whole = _where(better, candidate, whole)
            length = np.where(better, span, length)
            recent = np.where(better, candidate_recent, recent)
            best = np.where(better, strength, best)
            rule_chronic |= holds
            clear = _wide_watch(candidate, watch, t)
            strength = np.where(clear, np.nan_to_num(candidate.evidence, nan=-np.inf), -np.inf)
            better = clear & (strength > wide_best)
            wide = _where(better, candidate, wide)
            wide_length = np.where(better, span, wide_length)
            wide_best = np.where(better, strength, wide_best)
        wide_only = (wide_best > -np.inf) & ~rule_watch & ~rule_chronic
        shown = _where(wide_only, wide, watch)
        ranks.append(np.where(rule_chronic, 2, np.where(rule_watch | wide_only, 1, 0)))
        windows.append(_Shown(shown, whole, length, recent, np.where(wide_only, wide_length, w)))

    rank = np.stack(ranks)  # (comparisons, days, signs)
    ruled = rank.max(axis=0)  # the rules' own level, before chronic is held
    # Of the comparisons that reach the level, the one with the strongest evidence for it; at
    # none, the usual level when there is one.
    strength = np.stack([np.where(ruled == 2, s.whole.evidence, s.watch.evidence) for s in windows])
    strength = np.where(rank == ruled, np.nan_to_num(strength, nan=-np.inf), -np.inf)
    firing = np.argmax(strength, axis=0)
    at_none = np.where(np.isnan(ref.usual), COMPARISONS.index(FIXED), COMPARISONS.index(USUAL))
    comparison = np.where(ruled > 0, firing, at_none)

    def chosen(pick: Callable[[_Shown], Array]) -> Array:
        stacked = np.stack([pick(window) for window in windows])
        return np.take_along_axis(stacked, comparison[None], axis=0)[0]

    # Chronic is held while the sign stays at watch; a held day keeps the window that last
    # showed chronic, and its comparison and figures are watch's.
    level, chronic_days, last_rule = hold_chronic(ruled)
    held = (level == 2) & (ruled < 2)

    # EWMA trend line over logged days that have a usual level; gaps are skipped, not zeros.
    ewma = np.full(v.shape, np.nan)
    upper = np.full(v.shape, np.nan)
    judged = ~np.isnan(v) & ~np.isnan(ref.usual)
    for j in range(v.shape[1]):
        rows = judged[:, j]
        if rows.any():
            z = (v[rows, j] - ref.usual[rows, j]) / ref.spread[rows, j]
            chart = ewma_chart(z, mean=0.0, sd=1.0, lam=t.ewma_lambda, L=t.ewma_limit)
            ewma[rows, j] = chart.statistic
            upper[rows, j] = chart.upper
    with np.errstate(invalid="ignore", divide="ignore"):
        logged = (~np.isnan(v)).astype("float64")
        plain = np.nan_to_num(v)
        # Over the windows behind the level: the watch window's unless a longer one alone
        # showed watch; the shortest chronic window at none and watch.
        window_watch = chosen(lambda s: s.watch_length)
        window_chronic = chosen(lambda s: s.length)
        shown_before = np.take_along_axis(window_chronic, np.maximum(last_rule, 0), axis=0)
        window_chronic = np.where(held, shown_before, window_chronic)
        days_watch = _window_sum(logged, w)  # every logged day, compared with a level or not
        mean_watch = _window_sum(plain, w) / days_watch
        mean_chronic = np.full(v.shape, np.nan)
        for span in chronic_windows(t):
            mean = _window_sum(plain, span) / _window_sum(logged, span)
            mean_watch = np.where(window_watch == span, mean, mean_watch)
            mean_chronic = np.where(window_chronic == span, mean, mean_chronic)
    return {
        "value": v,
        "rolling_7d": rolling_mean(values, 7, t.min_coverage_share).to_numpy(
            dtype="float64", na_value=np.nan
        ),
        "rolling_28d": rolling_mean(values, 28, t.min_coverage_share).to_numpy(
            dtype="float64", na_value=np.nan
        ),
        "baseline": ref.usual,
        "spread": ref.spread,
        "baseline_source": ref.source,
        "earlier": ref.earlier,
        "comparison": comparison,
        "mean_watch": mean_watch,
        "mean_chronic": mean_chronic,
        "rise_watch": chosen(lambda s: s.watch.rise),
        "evidence_watch": chosen(lambda s: s.watch.evidence),
        "logged_watch": chosen(lambda s: s.watch.logged).astype("int64"),
        "raised_watch": chosen(lambda s: s.watch.raised).astype("int64"),
        "days_watch": np.rint(days_watch).astype("int64"),
        "rise_chronic": chosen(lambda s: s.whole.rise),
        "evidence_chronic": chosen(lambda s: s.whole.evidence),
        "logged_chronic": chosen(lambda s: s.whole.logged).astype("int64"),
        "raised_chronic": chosen(lambda s: s.whole.raised).astype("int64"),
        "window_chronic": window_chronic.astype("int64"),
        "recent_chronic": chosen(lambda s: s.recent).astype("int64"),
        "window_watch": window_watch.astype("int64"),
        "chronic_days": chronic_days,
        "held": held,
        "ewma": ewma,
        "ewma_upper": upper,
        "level": level,
    }


_SIGN_DTYPE: Final = pd.CategoricalDtype(list(SIGNS))
_LEVEL_DTYPE: Final = pd.CategoricalDtype(list(LEVELS))
_SOURCE_DTYPE: Final = pd.CategoricalDtype(list(SOURCES))
_COMPARISON_DTYPE: Final = pd.CategoricalDtype(list(COMPARISONS))


def _long(days: pd.DataFrame, judged: dict[str, Array]) -> pd.DataFrame:
    """Stack the 2-D arrays into the long per-day frame (all days of dread, then detachment...)."""
    n = len(days)
    # Categoricals from integer codes with prebuilt dtypes: building string arrays is slow.
    source = judged["baseline_source"].ravel(order="F")
    source_codes = np.select(
        [source == name for name in SOURCES], list(range(len(SOURCES))), default=len(SOURCES) - 1
    )
    stacked: dict[str, Any] = {
        "day": np.tile(days.index.to_numpy(), len(SIGNS)),
        "sign": pd.Categorical.from_codes(np.repeat(np.arange(len(SIGNS)), n), dtype=_SIGN_DTYPE),
        "sessions": np.tile(days["sessions"].to_numpy(), len(SIGNS)),
        "baseline_source": pd.Categorical.from_codes(source_codes, dtype=_SOURCE_DTYPE),
        "comparison": pd.Categorical.from_codes(
            judged["comparison"].ravel(order="F"), dtype=_COMPARISON_DTYPE
        ),
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


def _months(days: int) -> str:
    """'six months' for 182 days, 'a year' for 364: how the levels' long windows are named."""
    months = round(days / 30.4)
    words = {1: "a month", 12: "a year", 24: "two years"}
    numbers = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
    numbers |= {9: "nine", 10: "ten", 11: "eleven"}
    return words.get(months) or f"{numbers.get(months, str(months))} months"


def _the(span: str) -> str:
    """'the six months', 'the year': a span named as the one before another."""
    return f"the {span[2:]}" if span.startswith("a ") else f"the {span}"


def _about(days: int) -> str:
    """'about four weeks' for 28 days: how the overall text names a window."""
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight"}
    if days % 7 == 0 and days // 7 in words:
        weeks = days // 7
        return f"about {words[weeks]} week{'s' if weeks > 1 else ''}"
    return f"about {days} days"


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _usual(
    baseline: float | None,
    source: str,
    t: Thresholds,
    last_before_break: date | None,
    *,
    sparse: bool = False,
) -> str:
    """The usual level as a phrase; `sparse`: a provisional level of a long but thin history."""
    if baseline is None:
        return (
            f"your usual level is still being learned (it needs {t.fallback_min_days} logged "
            f"days at least {_period(t.fallback_exclude_days)} old), so only the fixed line of "
            f"{t.absolute_threshold:g} applies"
        )
    if source == BEFORE_BREAK:
        since = f"; last entry before it {_day(last_before_break)}" if last_before_break else ""
        return f"your usual level {baseline:.1f} comes from before your break{since}"
    provisional = ""
    if source == PROVISIONAL:
        provisional = (
            f" (provisional: you logged fewer than {t.baseline_min_days} days in the "
            f"{_months(t.baseline_window_days)} it is taken from)"
            if sparse
            else " (provisional: history is still short)"
        )
    return f"your usual level {baseline:.1f}{provisional}"


def _average(window: int, value: float | None, t: Thresholds) -> str:
    if value is None:
        needed = min_logged_days(window, t.min_coverage_share)
        return f"your {window}-day average needs at least {needed} logged days"
    return f"your {window}-day average is {value:.1f}"


def _yardstick(comparison: str, row: Mapping[str, Any], t: Thresholds) -> str:
    """The level a window was compared with, as a phrase: 'your usual level (3.5)'."""
    if comparison == EARLIER:
        window = t.baseline_window_days
        return (
            f"your level of {_months(window)} to {_months(2 * window)} before "
            f"({float(row['earlier']):.1f})"
        )
    if comparison == FIXED:
        return f"the fixed line of {t.absolute_threshold:g}"
    return f"your usual level ({float(row['baseline']):.1f})"


def _points(rise: float) -> str:
    side = "above" if rise >= 0 else "below"
    return f"{abs(rise):.1f} points {side}"


def explain(
    sign: str,
    row: Mapping[str, Any],
    t: Thresholds,
    last_before_break: date | None = None,
    *,
    long_history: bool = False,
) -> str:
    """One sentence a tired person understands: why this sign has its level today.

    `long_history`: the first entry is older than the usual level's window reaches back, so a
    provisional level is one of sparse days, not of a short history.
    """
    name = sign.capitalize()
    level = Level(str(row["level"]))
    comparison = str(row["comparison"])
    base = _optional(float(row["baseline"]))
    usual = _usual(base, str(row["baseline_source"]), t, last_before_break, sparse=long_history)
    r7 = _average(7, _optional(float(row["rolling_7d"])), t)
    rw, lw = int(row["raised_watch"]), int(row["logged_watch"])
    rc, lc = int(row["raised_chronic"]), int(row["logged_chronic"])
    watch_period = _period(t.watch_window_days)
    yardstick = _yardstick(comparison, row, t)
    if level is not Level.NONE:
        held = bool(row.get("held", False))
        chronic = level is Level.CHRONIC and not held
        mean = float(row["mean_chronic" if chronic else "mean_watch"])
        raised, logged = (rc, lc) if chronic else (rw, lw)
        where = (
            f"at or above {yardstick}, whatever your usual level"
            if comparison == FIXED
            else f"clearly above {yardstick}"
        )
        crept = (
            f" {usual.capitalize()}, which has crept up with it." if comparison == EARLIER else ""
        )
        if chronic:
            window, recent = int(row["window_chronic"]), int(row["recent_chronic"])
            parts = (
                "in both halves"
                if window == 2 * recent
                else f"both in the last {_period(recent)} and in the weeks before"
            )
            return (
                f"{name} has stayed high for {_about(window)}: it averaged {mean:.1f} over the "
                f"last {_period(window)}, {where}, and was raised on {raised} of the {logged} "
                f"days you logged, {parts}.{crept}"
            )
        window = int(row["window_watch"])
        if held:
            since = row.get("chronic_since")
            over = (
                f"over the last {_period(window)} taken together"
                if window > t.watch_window_days
                else f"over the last {watch_period}"
            )
            return (
                f"{name} has been chronic since {_day(since) if since else 'recently'} and is "
                f"still high: it averaged {mean:.1f} {over}, {where}, raised on {raised} of the "
                f"{logged} days you logged. It stays chronic until it is no longer clearly "
                f"high.{crept}"
            )
        if window > t.watch_window_days:
            return (
                f"{name} has been high over the last {_period(window)} taken together: it "
                f"averaged {mean:.1f}, {where}, raised on {raised} of the {logged} days you "
                f"logged; not yet clear enough in every part of those weeks to call chronic."
                f"{crept}"
            )
        return (
            f"{name} has been high lately: it averaged {mean:.1f} over the last {watch_period}, "
            f"{where}, raised on {raised} of the {logged} days you logged.{crept}"
        )
    if lw == 0:
        return f"No {sign} ratings in the last {watch_period}, so there is nothing to judge yet."
    logged_all = int(row.get("days_watch", lw))
    if lw < t.min_raised_days_watch and logged_all > lw:
        # A usual level that began within the window: the days before it had none to compare.
        return (
            f"Your usual level is new: only {lw} of the {logged_all} days you logged in the last "
            f"{watch_period} came after it, too few to judge against it yet (at least "
            f"{t.min_raised_days_watch} are needed); {r7}, {usual}."
        )
    if lw < t.min_raised_days_watch:
        days = "day" if lw == 1 else "days"
        return (
            f"Only {lw} {days} logged in the last {watch_period}: too few to judge (at least "
            f"{t.min_raised_days_watch} are needed); {r7}, {usual}."
        )
    rise = float(row["rise_watch"])
    if np.isnan(rise):
        return f"{name} has {lw} logged days in the last {watch_period}; {r7}, {usual}."
    mean = float(row["mean_watch"])
    if comparison == FIXED and base is None and mean >= t.absolute_threshold - 1e-9:
        return (
            f"{name} averaged {mean:.1f} over the last {watch_period}, at "
            f"or above the fixed line of {t.absolute_threshold:g}, but not yet clearly enough "
            f"to call a trend (raised on {rw} of the {lw} days you logged); {r7}, {usual}."
        )
    if comparison == FIXED and base is None:
        return (
            f"{name} stayed below the fixed line of {t.absolute_threshold:g} over the last "
            f"{watch_period} ({lw} days logged); {r7}, {usual}."
        )
    compared = "" if logged_all == lw else " since your usual level began"
    if rise < t.rise_points:
        return (
            f"{name} stayed close to your usual level over the last {watch_period}: "
            f"{_points(rise)} it on average across the {lw} days you logged{compared}; {r7}, "
            f"{usual}."
        )
    return (
        f"{name} was {_points(rise)} your usual level on average over the last {watch_period}, "
        f"but not clearly enough to call a trend yet (raised on {rw} of the {lw} days you "
        f"logged{compared}); {r7}, {usual}."
    )


def _join(names: list[str], word: str = "and") -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {word} " + names[-1]


def _either(names: list[str]) -> str:
    return _join(names, "or")


def overall_status(
    signs: dict[str, SignStatus], *, has_data: bool, thresholds: Thresholds | None = None
) -> Overall:
    """The highest level of the three signs, explained, with the guide's actions at chronic."""
    t = thresholds or Thresholds()
    if not has_data:
        return Overall(Level.NONE, "No sessions logged yet, so there is nothing to judge.")
    level = max((Level(s.level) for s in signs.values()), key=level_rank)
    named = [s.sign for s in signs.values() if s.level == level]
    subject = _join(named).capitalize()
    plural = len(named) > 1
    if level is Level.CHRONIC:
        actions = ", ".join(GUIDE_ACTIONS[:-1]) + ", or " + GUIDE_ACTIONS[-1]
        # The shortest window among them, so the sentence is true of every sign it names.
        lasted = min(
            (s.chronic_window or t.chronic_window_days for s in signs.values() if s.level == level),
            default=t.chronic_window_days,
        )
        text = (
            f"{subject} {'have' if plural else 'has'} stayed high for "
            f"{_about(lasted)}: that is what the guide calls chronic. "
            f"Its advice: {actions}. {NOT_A_DIAGNOSIS}"
        )
        return Overall(level, text, tuple(GUIDE_ACTIONS))
    if level is Level.WATCH:
        # Over the last two weeks, or over longer when a sign was only clear over longer.
        longest = max(
            (s.watch_window or t.watch_window_days for s in signs.values() if s.level == level),
            default=t.watch_window_days,
        )
        recent = (
            f"over the last {_period(t.watch_window_days)}"
            if longest <= t.watch_window_days
            else "in your recent weeks"
        )
        text = (
            f"{subject} {'are' if plural else 'is'} worth watching: clearly high {recent}. "
            "A good moment for post-session rituals, an "
            "emotional debrief with a trusted colleague, or raising it in supervision. "
            f"{NOT_A_DIAGNOSIS}"
        )
        return Overall(level, text)
    return Overall(level, "No warning sign has stayed clearly high in your recent weeks.")


def how_levels_work(thresholds: Thresholds) -> str:
    """The rules in plain words (Markdown), reading the settings they describe."""
    t = thresholds
    watch, chronic = _period(t.watch_window_days), _about(t.chronic_window_days)
    worst = (
        f", in each half of it on its own, and still with the worst {_period(t.left_out_days)} "
        "left out"
        if t.left_out_days
        else " and in each half of it on its own"
    )
    windows = chronic_windows(t)
    longer = (
        f" The same tests also look back over {_join([_period(d) for d in windows[1:]])}: a "
        "rise that has lasted longer shows more clearly over more days, even when it is small "
        "or your days are noisy."
        if len(windows) > 1
        else ""
    )
    part_time = (
        f" In the longer windows the recent part reaches back a week at a time, up to half the "
        f"window, until the days you usually log would put {t.min_part_days} in it: someone who "
        "works two days a week is judged on the last four weeks of eight and the four before."
        if len(windows) > 1
        else ""
    )
    return (
        "Each sign's recent days are compared with three levels: **your usual level** (your "
        f"median over about {_months(t.baseline_window_days)}, leaving out the weeks being "
        f"judged), **your earlier level** ({_the(_months(t.baseline_window_days))} before that, "
        "so a slow creep cannot hide by lifting your "
        f"usual level with it) and **the fixed line of {t.absolute_threshold:g}**, whatever "
        "your usual level.\n\n"
        f"**Watch** means that over the last {watch} your ratings averaged at least "
        f"{t.rise_points:g} point{'s' if t.rise_points != 1 else ''} above your usual or "
        "earlier level, or at least the fixed line, clearly enough that it is unlikely to be "
        "an ordinary up and down, and on at "
        f"least half of the days you logged (and at least {t.min_raised_days_watch}). Watch "
        f"also shows when, over the last {_either([_period(d) for d in windows])} taken "
        "together, your ratings were as clearly raised as chronic asks, though not yet in "
        "every part of those weeks (a slow creep, or working only a day or two a week), and "
        "the last "
        f"{watch} still averaged at least {t.day_margin_points:g} "
        f"point{'s' if t.day_margin_points != 1 else ''} above. "
        f"**Chronic** means the rise has lasted {chronic}: clear over the whole "
        f"time{worst}, so one terrible week or a short bad spell is never enough.{longer}"
        f"{part_time} Once chronic, a sign stays chronic while it is still at watch, and "
        "drops when it is no longer clearly high: a rise that goes on does not flicker between "
        "the two as one fortnight looks a little better than the next.\n\n"
        "How clear is clear enough depends on how many days you logged and how they fall: "
        "moods run in spells, so ten days in a row say less than ten days spread over a "
        "month. How much your days run in spells is measured from your own months behind "
        "your usual level: if your days vary more independently than most people's, the same "
        "rise is clear sooner; if they run in long spells, the caution stays. Days without "
        "sessions never count either way, and someone who logs two days a week is judged on "
        "those days. Each sentence says which level it compared with. You can change every "
        "number on the Settings page."
    )


def last_entry_before_break(days: pd.DataFrame, thresholds: Thresholds) -> date | None:
    """The last logged day before the latest gap of at least `break_days`, if there was one."""
    logged = days.index[days["sessions"].to_numpy() > 0]
    if len(logged) < 2:
        return None
    gaps = np.diff(logged.to_numpy()).astype("timedelta64[D]").astype("int64")
    breaks = np.flatnonzero(gaps > thresholds.break_days)
    return None if breaks.size == 0 else logged[breaks[-1]].date()


def _no_data_status(sign: str, t: Thresholds) -> SignStatus:
    return SignStatus(
        sign=sign,
        level=Level.NONE,
        comparison=None,
        explanation=f"No {sign} ratings logged yet.",
        rolling_7d=None,
        rolling_28d=None,
        baseline=None,
        spread=None,
        baseline_source=NO_BASELINE,
        earlier=None,
        rise=None,
        evidence=None,
        raised_days=0,
        logged_days=0,
        raised_days_chronic=0,
        logged_days_chronic=0,
    )


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
        statuses = {sign: _no_data_status(sign, t) for sign in SIGNS}
        overall = overall_status(statuses, has_data=False, thresholds=t)
        return Assessment(today, statuses, overall, _empty_days(), weeks)

    judged = judge_days(days, t)
    before_break = last_entry_before_break(days, t)
    logged_days = days.index[days["sessions"].to_numpy() > 0]
    reach = timedelta(days=t.baseline_exclude_days + t.baseline_window_days)
    long_history = len(logged_days) > 0 and logged_days[0].date() <= today - reach
    statuses = {}
    for j, sign in enumerate(SIGNS):
        last = {name: array[-1, j] for name, array in judged.items()}
        level = Level.from_rank(int(last["level"]))
        last["level"] = level
        last["comparison"] = COMPARISONS[int(last["comparison"])]
        chronic_days = int(last["chronic_days"])
        since = today - timedelta(days=chronic_days - 1) if chronic_days else None
        last["chronic_since"] = since
        held = bool(last["held"])
        source = str(last["baseline_source"])
        window = "chronic" if level is Level.CHRONIC and not held else "watch"
        statuses[sign] = SignStatus(
            sign=sign,
            level=level,
            comparison=None if level is Level.NONE else last["comparison"],
            explanation=explain(sign, last, t, before_break, long_history=long_history),
            rolling_7d=_optional(float(last["rolling_7d"])),
            rolling_28d=_optional(float(last["rolling_28d"])),
            baseline=_optional(float(last["baseline"])),
            spread=_optional(float(last["spread"])),
            baseline_source=source,
            earlier=_optional(float(last["earlier"])),
            rise=_optional(float(last[f"rise_{window}"])),
            evidence=_optional(float(last[f"evidence_{window}"])),
            raised_days=int(last["raised_watch"]),
            logged_days=int(last["logged_watch"]),
            raised_days_chronic=int(last["raised_chronic"]),
            logged_days_chronic=int(last["logged_chronic"]),
            last_before_break=before_break if source == BEFORE_BREAK else None,
            chronic_window=int(last["window_chronic"]) if level is Level.CHRONIC else None,
            watch_window=int(last["window_watch"]) if level is Level.WATCH else None,
            chronic_since=since,
            held=held,
        )
    long = _long(days, judged)
    overall = overall_status(statuses, has_data=True, thresholds=t)
    return Assessment(today, statuses, overall, long, weeks)
