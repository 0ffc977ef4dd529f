"""The personal baseline: a robust 'usual level' and day-to-day spread of each sign, per day.

Calibration window: the baseline that judges day `d` is the median of the logged day values in
the `baseline_window_days` (default 182) calendar days that end `baseline_exclude_days`
(default 42) days before `d`. The recent weeks are left out because they are the weeks being
judged (the four-week chronic window, and chronic can take up to six weeks to show): a rise
must not hide itself by raising its own yardstick. At least `baseline_min_days`
(default 20) logged days are needed.

Fallback while history is short: when that window holds too few logged days, the baseline is
the median of *every* logged day up to `fallback_exclude_days` (default 14, the watch window)
before `d`, provided there are at least `fallback_min_days` (default 10). With even fewer there
is no personal baseline and only the fixed threshold applies.

Spread: the distance from the median to the upper quartile divided by 0.6745 (the robust
equivalent of a standard deviation for normal data, computable as a rolling window; the upper
half, because rises are what is judged and ratings near 0 bunch the lower half). A spread from
a short or strongly correlated history is too small (a few spells are all it has seen), so it
is pooled with `assumed_spread` as if that were `spread_prior_days` effective days of history
(`references`). Never below `min_spread`.

A fallback level is called *before a break* rather than provisional when the history behind it
is not short at all (at least `baseline_min_days` logged days) but lies before a gap of more
than `break_days` that reaches into the usual level's window: the therapist came back after
months away. A long history whose window is thin without such a gap is only sparse, and stays
provisional.

The earlier level: the median of the `baseline_window_days` that end where the usual level's
window begins (so six months to a year before the judged weeks). A rise that creeps for months
lifts the usual level with it; the earlier level still remembers where it started. Days judged
against it are scaled by that window's own spread (pooled the same way): the creep's climb
widens the usual window's spread and would otherwise hide itself a second time.

Standard errors: day values are correlated from one calendar day to the next, so a level from
n logged days knows less than n independent days would. With a correlation `phi` between days
k calendar days apart of phi**k, the variance of a mean of logged days t_1..t_n is
spread**2 * Q / n**2, where Q = sum over pairs (i, j) of phi**|t_i - t_j| (`pair_weight`). A
median's is larger by MEDIAN_EFFICIENCY squared.

The correlation: your own, measured from the usual level's window (`measured_correlation`:
how much more alike logged days 1 to 7 calendar days apart are than days two to four weeks
apart, the three signs together), pooled with the assumed `day_correlation` (0.7) as if that
were `correlation_prior_pairs` pairs of days, plus `correlation_margin`, at least
`min_day_correlation` and never above `day_correlation` (`day_correlation`): independent days
get the power they give, days that run in spells keep the caution. While the usual level is
provisional the assumed correlation alone applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.settings import Thresholds

IQR_TO_SD = 1.349
UPPER_IQR_TO_SD = IQR_TO_SD / 2

PERSONAL = "personal"
PROVISIONAL = "provisional"
BEFORE_BREAK = "before a break"
NONE = "none"
SOURCES = (PERSONAL, PROVISIONAL, BEFORE_BREAK, NONE)
"""Where a day's usual level comes from, for the explanation."""

MEDIAN_EFFICIENCY = 1.2533
"""The standard error of a median of normal data is about this many times that of the mean."""


def _stats(window: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    median = window.median()
    # The upper half's spread: ratings pile up near 0 for someone usually calm, so the full
    # IQR understates how far an ordinary good-or-bad spell reaches upwards.
    spread = (window.quantile(0.75) - median) / UPPER_IQR_TO_SD
    return median, spread


def _window_stats(
    values: pd.DataFrame, t: Thresholds
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Median and spread of the `baseline_window_days` ending on each day (not yet shifted):
    the usual level's window is these shifted by `baseline_exclude_days`, the earlier level's
    by a window more."""
    window = values.rolling(t.baseline_window_days, min_periods=t.baseline_min_days)
    median, spread = (frame.to_numpy(dtype="float64", na_value=np.nan) for frame in _stats(window))
    return median, spread


def baseline_arrays(
    values: pd.DataFrame,
    thresholds: Thresholds,
    window_stats: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.str_]]:
    """Baseline, spread and source per calendar day (rows) and sign (columns), as 2-D arrays.

    `values` holds day values indexed by every calendar day (gaps NaN), one column per sign.
    Source is 'personal' (the calibration window), 'provisional' (the short-history fallback)
    or 'none' (too little history: only the fixed threshold applies). `window_stats`: the
    _window_stats of `values`, when the caller has them.
    """
    t = thresholds
    stats = window_stats if window_stats is not None else _window_stats(values, t)
    median, spread = (shift_days(frame, t.baseline_exclude_days) for frame in stats)
    fallback = values.expanding(min_periods=t.fallback_min_days)
    f_median, f_spread = (
        frame.shift(t.fallback_exclude_days).to_numpy(dtype="float64", na_value=np.nan)
        for frame in _stats(fallback)
    )
    has_primary = ~np.isnan(median)
    has_fallback = ~np.isnan(f_median)
    baseline = np.where(has_primary, median, f_median)
    spread = np.where(has_primary, spread, f_spread)
    spread = np.where(np.isnan(baseline), np.nan, np.fmax(spread, t.min_spread))
    source = np.where(has_primary, PERSONAL, np.where(has_fallback, PROVISIONAL, NONE))
    return baseline, spread, source


MAX_LAG = 40
"""Pairs of days further apart than this add nothing measurable (0.7**40 < 1e-6)."""


def lag_totals(logged: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Running totals of pairs of logged days k calendar days apart (k = 0..MAX_LAG), per day.

    Shape (lags, days, signs), pairs indexed by their later day; lag 0 counts the logged days
    themselves. Every window's `lag_counts` is a difference of these (`window_lag_counts`), so
    windows of one mask share them.
    """
    n_days = logged.shape[0]
    flags = logged.astype("float64")
    totals = np.zeros((MAX_LAG + 1, *flags.shape))
    for k in range(min(MAX_LAG, n_days - 1) + 1):
        pairs = np.zeros_like(flags)
        pairs[k:] = flags[k:] * flags[: n_days - k]
        totals[k] = np.cumsum(pairs, axis=0)
    return totals


def window_lag_counts(
    totals: npt.NDArray[np.float64], window: int | None
) -> npt.NDArray[np.float64]:
    """`lag_counts` of the window ending each day, from the mask's `lag_totals`."""
    lags = MAX_LAG if window is None else min(MAX_LAG, window - 1)
    counts = totals[: lags + 1].copy()
    if window is not None:
        n_days = counts.shape[1]
        for k in range(lags + 1):
            length = window - k  # both days of a pair k apart lie in the window
            if length < n_days:
                counts[k, length:] -= totals[k, :-length]
    return counts


def lag_counts(logged: npt.NDArray[np.bool_], window: int | None) -> npt.NDArray[np.float64]:
    """Pairs of logged days k calendar days apart (k = 0..MAX_LAG) in the window ending each day.

    Shape (lags, days, signs). The window is the last `window` calendar days, or everything up
    to the day when `window` is None. Lag 0 counts the logged days themselves.
    """
    return window_lag_counts(lag_totals(logged), window)


def pair_weight(counts: npt.NDArray[np.float64], phi: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Q: the sum of phi**|t_i - t_j| over all ordered pairs of logged days, from `lag_counts`.

    `phi` is one correlation or one per day and sign. With phi = 0 it is the number of days.
    """
    rate = np.broadcast_to(np.asarray(phi, dtype="float64"), counts.shape[1:])
    q = counts[0].copy()
    power = np.ones_like(q)
    for k in range(1, counts.shape[0]):
        power = power * rate
        q += 2 * power * counts[k]
    return q


FIT_LAGS = 7
"""Your correlation is fitted to pairs of logged days 1 to this many calendar days apart (a week
holds pairs for anyone who logs twice a week)."""

FAR_LAGS = range(15, 29)
"""Pairs of logged days this far apart (two to four weeks) are taken as unrelated: how much
they differ is how much two days differ when one says nothing about the other."""

MAX_CORRELATION = 0.95
_PHI_GRID = np.linspace(0.0, MAX_CORRELATION, 20)  # steps of 0.05, refined by a parabola


def _trailing_sum(x: npt.NDArray[np.float64], length: int) -> npt.NDArray[np.float64]:
    """Sum over the last `length` rows ending at each row (fewer at the start), per column."""
    total = np.cumsum(x, axis=0)
    if length < len(x):
        total[length:] -= total[:-length].copy()
    return total


def measured_correlation(
    values: pd.DataFrame, thresholds: Thresholds
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Your own lag-1 day-to-day correlation per day, and the pairs of days it rests on.

    From the logged days of the usual level's window (so only days before the judged weeks),
    the three signs together (how much your days run in spells). For pairs of logged days k
    calendar days apart, g_k is half their mean squared difference (the variogram); pairs
    FAR_LAGS apart give g_far, and 1 - g_k / g_far estimates the correlation at lag k. A
    differences-based estimate: a slow creep or one step in the window barely moves it, where
    deviations from the window's median would read a trend as a long spell. The phi whose
    phi**k fits lags 1..FIT_LAGS best (least squares weighted by pairs; phi on a grid from 0
    to 0.95 in steps of 0.05, refined by a parabola) is the estimate; NaN where no pair was
    logged or the days never varied. Shape (days, signs), equal across signs; pairs are per
    sign.
    """
    t = thresholds
    x = values.to_numpy(dtype="float64", na_value=np.nan)
    flags = (~np.isnan(x)).astype("float64")
    filled = np.nan_to_num(x)
    window = t.baseline_window_days

    def variogram(k: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Summed half squared differences and pairs at lag k, all signs, per window end."""
        both = np.zeros_like(flags)
        both[k:] = flags[k:] * flags[:-k]  # indexed by the later day of the pair
        half_square = np.zeros_like(flags)
        half_square[k:] = both[k:] * (filled[k:] - filled[:-k]) ** 2 / 2
        length = max(window - k, 1)
        return (
            _trailing_sum(half_square.sum(axis=1), length),
            _trailing_sum(both.sum(axis=1), length),
        )

    far_sum = np.zeros(len(x))
    far_pairs = np.zeros(len(x))
    for k in FAR_LAGS:
        total, pairs = variogram(k)
        far_sum += total
        far_pairs += pairs
    with np.errstate(invalid="ignore", divide="ignore"):
        far = far_sum / far_pairs
    # Least squares over the grid: sum over k of n_k (r_k - phi**k)**2, less the part that
    # does not depend on phi, accumulated lag by lag.
    loss = np.zeros((len(_PHI_GRID), len(x)))
    pairs_fitted = np.zeros(len(x))
    for k in range(1, FIT_LAGS + 1):
        total, pairs = variogram(k)
        with np.errstate(invalid="ignore", divide="ignore"):
            r_k = 1 - (total / pairs) / far
        weighted = np.where((pairs > 0) & np.isfinite(r_k), pairs * r_k, 0.0)
        power = _PHI_GRID[:, None] ** k
        loss += power * (power * pairs - 2 * weighted)
        pairs_fitted += pairs
    # The grid's best point, refined by the parabola through it and its neighbours.
    best = np.clip(np.argmin(loss, axis=0), 1, len(_PHI_GRID) - 2)
    below, at, above = (np.take_along_axis(loss, (best + d)[None], axis=0)[0] for d in (-1, 0, 1))
    curvature = above - 2 * at + below
    step = _PHI_GRID[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        offset = np.where(curvature > 0, (below - above) / (2 * curvature), 0.0)
    phi = np.clip(_PHI_GRID[best] + step * np.clip(offset, -1, 1), 0.0, MAX_CORRELATION)
    pairs = pairs_fitted / x.shape[1]
    # Days that never varied say nothing about how alike neighbours are.
    phi = np.where((pairs > 0) & (far > 0), phi, np.nan)
    shape = (len(x), x.shape[1])
    phi = shift_days(np.broadcast_to(phi[:, None], shape), t.baseline_exclude_days)
    pairs = shift_days(np.broadcast_to(pairs[:, None], shape), t.baseline_exclude_days)
    return phi, np.nan_to_num(pairs)


def day_correlation(
    values: pd.DataFrame, source: npt.NDArray[np.str_], thresholds: Thresholds
) -> npt.NDArray[np.float64]:
    """The lag-1 correlation the standard errors use, per day and sign (References.correlation).

    Your measured correlation (`measured_correlation`) pooled with the assumed
    `day_correlation` as if that were `correlation_prior_pairs` pairs of days, plus
    `correlation_margin`, at least `min_day_correlation` and at most the assumed one: a
    measurement from a few months errs either way, and erring low would raise false alarms,
    so it may lower the assumed correlation for days that vary independently but never raise
    it. The assumed one alone while the usual level is not personal (a short history).
    """
    t = thresholds
    measured, pairs = measured_correlation(values, t)
    prior = t.correlation_prior_pairs
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (np.nan_to_num(measured) * pairs + t.day_correlation * prior) / (pairs + prior)
    pooled = np.where(np.isnan(measured) | (pairs + prior <= 0), t.day_correlation, pooled)
    chosen = np.clip(pooled + t.correlation_margin, t.min_day_correlation, t.day_correlation)
    return np.asarray(np.where(source == PERSONAL, chosen, t.day_correlation), dtype=np.float64)


@dataclass(frozen=True)
class References:
    """The levels a day is compared with, per calendar day (rows) and sign (columns)."""

    usual: npt.NDArray[np.float64]
    spread: npt.NDArray[np.float64]
    source: npt.NDArray[np.str_]
    usual_se: npt.NDArray[np.float64]
    earlier: npt.NDArray[np.float64]
    earlier_se: npt.NDArray[np.float64]
    earlier_spread: npt.NDArray[np.float64]  # the earlier window's own spread, pooled
    correlation: npt.NDArray[np.float64]  # the lag-1 correlation the standard errors assume
    usual_logged: npt.NDArray[np.float64]  # logged days in the usual level's window (0: none)


def _median_se(
    spread: npt.NDArray[np.float64], q: npt.NDArray[np.float64], n: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    with np.errstate(invalid="ignore", divide="ignore"):
        se = MEDIAN_EFFICIENCY * spread * np.sqrt(q) / n
    return np.asarray(np.where(n > 0, se, np.nan), dtype=np.float64)


def _pooled(
    spread: npt.NDArray[np.float64],
    q: npt.NDArray[np.float64],
    n: npt.NDArray[np.float64],
    t: Thresholds,
) -> npt.NDArray[np.float64]:
    """A measured spread pooled with the assumed one by effective days (n**2 / Q)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        effective = np.where(q > 0, n**2 / q, 0.0)
    prior = t.spread_prior_days
    pooled = np.sqrt((effective * spread**2 + prior * t.assumed_spread**2) / (effective + prior))
    return np.asarray(np.where(np.isnan(spread), np.nan, np.fmax(pooled, t.min_spread)))


def shift_days(x: npt.NDArray[np.float64], days: int) -> npt.NDArray[np.float64]:
    """`x` moved `days` later along its day axis (the value of `days` days before), NaN at first.

    The day axis is the first of (days, signs) and the second of `lag_counts`' (lags, days, signs).
    """
    axis = 1 if x.ndim == 3 else 0
    out = np.full(x.shape, np.nan)
    n = x.shape[axis]
    if days < n:
        if axis == 0:
            out[days:] = x[: n - days]
        else:
            out[:, days:] = x[:, : n - days]
    return out


def _after_break(logged: npt.NDArray[np.bool_], t: Thresholds) -> npt.NDArray[np.bool_]:
    """Per day and sign: whether a gap of more than `break_days` between logged days ended
    after the usual level's window began, or goes on that day."""
    day = np.arange(len(logged))[:, None]
    last = np.maximum.accumulate(np.where(logged, day, -1), axis=0)  # last logged day so far
    before = np.vstack([np.full((1, logged.shape[1]), -1), last[:-1]])
    ends = logged & (before >= 0) & (day - before > t.break_days)  # the first day after one
    ended = np.maximum.accumulate(np.where(ends, day, -(10**9)), axis=0)
    going_on = (last >= 0) & (day - last > t.break_days)
    reach = t.baseline_exclude_days + t.baseline_window_days
    return np.asarray((ended > day - reach) | going_on)


def references(values: pd.DataFrame, thresholds: Thresholds) -> References:
    """The usual level (with its source), its spread, the earlier level and both standard errors.

    `values` holds day values indexed by every calendar day (gaps NaN), one column per sign.
    """
    t = thresholds
    stats = _window_stats(values, t)
    usual, spread, source = baseline_arrays(values, t, stats)
    logged = values.notna().to_numpy()
    phi = day_correlation(values, source, t)
    n_all = np.cumsum(logged, axis=0).astype("float64")

    # Which windows the usual level came from, and how many days and pairs it rests on.
    totals = lag_totals(logged)
    window_counts = shift_days(
        window_lag_counts(totals, t.baseline_window_days), t.baseline_exclude_days
    )
    window_q = pair_weight(np.nan_to_num(window_counts), phi)
    window_n = shift_days(
        values.notna().rolling(t.baseline_window_days, min_periods=1).sum().to_numpy("float64"),
        t.baseline_exclude_days,
    )
    fallback_q = pair_weight(
        np.nan_to_num(shift_days(window_lag_counts(totals, None), t.fallback_exclude_days)), phi
    )
    fallback_n = shift_days(n_all, t.fallback_exclude_days)
    personal = source == PERSONAL
    q = np.where(personal, window_q, fallback_q)
    n = np.where(personal, np.nan_to_num(window_n), fallback_n)
    spread = _pooled(spread, q, n, t)
    usual_se = np.where(np.isnan(usual), np.nan, _median_se(spread, q, n))
    # A fallback resting on plenty of days, some older than the usual level's window, is no
    # short history: the window is thin because of a break, when a gap of `break_days` reaches
    # into it (or goes on still). Without one the days are only sparse: still provisional.
    first = np.argmax(logged, axis=0)
    older = (
        np.arange(len(values))[:, None] - first[None, :]
        >= t.baseline_exclude_days + t.baseline_window_days
    )
    source = np.where(
        (source == PROVISIONAL)
        & (fallback_n >= t.baseline_min_days)
        & older
        & _after_break(logged, t),
        BEFORE_BREAK,
        source,
    )

    # The earlier level: the window before the usual level's window.
    reach = t.baseline_exclude_days + t.baseline_window_days
    earlier_median, earlier_spread = (shift_days(frame, reach) for frame in stats)
    earlier_n = shift_days(np.nan_to_num(window_n), t.baseline_window_days)
    earlier_q = pair_weight(np.nan_to_num(shift_days(window_counts, t.baseline_window_days)), phi)
    earlier = np.where(personal, earlier_median, np.nan)
    # Judged against the earlier level, days vary as they did then: a creep since has widened
    # the usual window's spread with its own climb.
    earlier_spread = np.where(
        np.isnan(earlier), np.nan, _pooled(earlier_spread, earlier_q, earlier_n, t)
    )
    earlier_se = np.where(
        np.isnan(earlier), np.nan, _median_se(earlier_spread, earlier_q, earlier_n)
    )
    return References(
        usual,
        spread,
        source,
        usual_se,
        earlier,
        earlier_se,
        earlier_spread,
        phi,
        np.nan_to_num(window_n),
    )
