"""The oracle detector of evaluation/frontier.py with its knowledge replaced by estimates.

The frontier's detector knows each person's level, spread and day-to-day correlation and runs
on Gaussian twins. Here the same likelihood-ratio detector, guarded against one raised week,
runs on the grid's own day values (evaluation.histories: clipped to 0-10, rounded, client
effects and all) and knows only what it can estimate from the first six months of each sign
(`FIT_DAYS`): the median as the level, the standard deviation of day values as the spread, and
the lag-1 correlation from logged days one calendar day apart (or the k-th root of the
correlation at the shortest lag with enough pairs). It judges the second half of the year only,
so its false-alarm allowance is the issue's 5% a year pro rata (`PLUGIN_FALSE_ALARMS`).

How far this falls short of the frontier is what estimating the parameters from one's own data
costs; how far it stands above the warning levels is what the rule's design could still gain.
Its thresholds are set on calm years of the same cell (cell_limits), which no rule knows;
common_limits gives every cell the same ones, as one rule for everyone would have them, and
`uncertain_level` lets the filter carry the estimated level's own uncertainty
(filter_with_level).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt

from core.schema import SIGNS
from evaluation.frontier import (
    DETECTORS,
    FALSE_ALARMS,
    JUDGE_FROM,
    WEEK,
    Detector,
    Filter,
    Frontier,
    Twin,
    filter_innovations,
    likelihood_path,
    onset_responses,
    scenario_alarms,
    summarise,
    week_path,
    week_shape,
)
from evaluation.histories import DAYS, Cell, day_frame, latent

Array = npt.NDArray[np.float64]

FIT_DAYS = 182  # the parameters come from the first six months; the rest of the year is judged
PLUGIN_FALSE_ALARMS = FALSE_ALARMS * (DAYS - FIT_DAYS) / (DAYS - JUDGE_FROM)
MIN_PAIRS = 10
JUDGED = slice(FIT_DAYS, DAYS)


def correlation(values: Array, logged: npt.NDArray[np.bool_]) -> float:
    """Lag-1 correlation on calendar days, from the shortest lag with MIN_PAIRS logged pairs."""
    for lag in range(1, 8):
        both = logged[:-lag] & logged[lag:]
        if both.sum() >= MIN_PAIRS:
            r = float(np.corrcoef(values[:-lag][both], values[lag:][both])[0, 1])
            return float(np.clip(np.sign(r) * abs(r) ** (1 / lag), 0.05, 0.95))
    return 0.7


def level_variance(twin: Twin, fitted_on: npt.NDArray[np.bool_]) -> float:
    """The variance of a median of the `fitted_on` days as an estimate of their level: the
    variance of their mean under the twin's correlation (every pair of days), times pi / 2."""
    days = np.flatnonzero(fitted_on)
    lag = np.abs(days[:, None] - days[None, :])
    mean_variance = twin.spread**2 * float(np.sum(twin.correlation**lag)) / len(days) ** 2
    return float(np.pi / 2 * mean_variance)


def filter_with_level(twin: Twin, values: Array, level_var: float) -> tuple[Array, Array]:
    """filter_innovations with the level uncertain too: `values` (days, k) are the day effect,
    plus one offset for the whole year (prior variance `level_var`, the estimated level's), plus
    noise. The state is (day effect, offset); the offset is learnt from every logged day, so a
    change shows in the innovations only as far as it is not mistaken for a level misjudged.
    With `level_var` 0 it is filter_innovations. Linear in `values`, as that is."""
    rho, sd = twin.correlation, twin.spread
    q = sd**2 * (1 - rho**2)
    values = np.atleast_2d(values.T).T
    estimate = np.zeros((2, values.shape[1]))
    cov = np.array([[sd**2, 0.0], [0.0, level_var]])
    observe = np.array([1.0, 1.0])  # a day's value: its effect plus the offset
    innovation = np.zeros_like(values)
    variances = np.full(DAYS, np.inf)
    for day in range(DAYS):
        if day:
            estimate[0] *= rho  # the effect fades towards the level; the offset stays
            cov = cov * np.array([[rho**2, rho], [rho, 1.0]])
            cov[0, 0] += q
        if not twin.logged[day]:
            continue
        seen = cov @ observe  # covariance of the state with the day's value
        total = float(observe @ seen) + twin.noise_var[day]
        gain = seen / total
        innovation[day] = values[day] - observe @ estimate
        estimate = estimate + np.outer(gain, innovation[day])
        cov = cov - np.outer(gain, seen)
        variances[day] = total
    return innovation, variances


def _filter(level_var: float) -> Filter:
    """The filter for a level known (the plain one) or uncertain by `level_var`."""
    return partial(filter_with_level, level_var=level_var) if level_var else filter_innovations


@dataclass(frozen=True)
class Fitted:
    """One sign's estimated model and its detectors' onset responses."""

    twin: Twin
    level: float
    responses: dict[str, Array]
    level_var: float = 0.0  # > 0: the level is uncertain by the median's variance

    @classmethod
    def of(
        cls, values: Array, logged: npt.NDArray[np.bool_], uncertain_level: bool = False
    ) -> Fitted:
        """Fit level, spread and correlation on the first FIT_DAYS days of `values`;
        `uncertain_level`: the level's own uncertainty is carried by the filter."""
        early = logged.copy()
        early[FIT_DAYS:] = False
        fit = values[early]
        twin = Twin(
            logged,
            np.where(logged, 0.0, np.inf),
            max(float(np.std(fit, ddof=1)), 0.3),
            correlation(np.where(early, values, 0.0), early),
        )
        level_var = level_variance(twin, early) if uncertain_level else 0.0
        innovations_of = _filter(level_var)
        responses = {d.name: onset_responses(twin, d.shape, innovations_of) for d in DETECTORS}
        responses[WEEK] = onset_responses(twin, week_shape, innovations_of)
        return cls(twin, float(np.median(fit)), responses, level_var)

    def path(self, detector: Detector, values: Array) -> Array:
        """(days,): the guarded statistic of `detector` on every day (judged from FIT_DAYS)."""
        centred = np.where(self.twin.logged, values - self.level, 0.0)
        innovation, variances = _filter(self.level_var)(self.twin, centred[:, None])
        ratio = likelihood_path(self.responses[detector.name], innovation[:, 0], variances)
        return ratio - week_path(self.responses[WEEK], innovation[:, 0], variances)


def _values(
    cell: Cell, seed: int, shift: Array | None = None
) -> tuple[Array, npt.NDArray[np.bool_]]:
    frame = day_frame(latent(cell, seed), shift)
    values = frame[list(SIGNS)].to_numpy(dtype=float)
    return np.nan_to_num(values), ~np.isnan(values[:, 0])


def _peaks(cell: Cell, seed: int, uncertain_level: bool = False) -> dict[str, float]:
    """Each detector's largest statistic over the judged days and every sign of a control year."""
    values, logged = _values(cell, seed)
    fits = [Fitted.of(values[:, j], logged, uncertain_level) for j in range(len(SIGNS))]
    return {
        d.name: max(float(f.path(d, values[:, j])[FIT_DAYS:].max()) for j, f in enumerate(fits))
        for d in DETECTORS
    }


def joint_limits(peaks: list[dict[str, float]], budget: float) -> dict[str, float]:
    """Thresholds at one common quantile of each detector's peaks: the lowest quantile at which
    the control years alarming on any detector stay within `budget`."""
    table = np.array([[p[d.name] for d in DETECTORS] for p in peaks])
    low, high = 1 - budget, 1.0
    for _ in range(40):
        middle = (low + high) / 2
        cut = np.quantile(table, middle, axis=0)
        if np.mean((table >= cut).any(axis=1)) <= budget:
            high = middle
        else:
            low = middle
    cut = np.quantile(table, high, axis=0)
    return {d.name: float(c) for d, c in zip(DETECTORS, cut, strict=True)}


def cell_limits(
    cell: Cell, calibration: int, combined: bool = True, uncertain_level: bool = False
) -> dict[str, float]:
    """The thresholds of `cell`, set on `calibration` control years of its own (seeds from
    10,000): together (`combined`, one rule) or each detector alone."""
    peaks = [_peaks(cell, 10_000 + seed, uncertain_level) for seed in range(calibration)]
    if combined:
        return joint_limits(peaks, PLUGIN_FALSE_ALARMS)
    return {
        d.name: float(np.quantile([p[d.name] for p in peaks], 1 - PLUGIN_FALSE_ALARMS))
        for d in DETECTORS
    }


def common_limits(limits: Iterable[dict[str, float]]) -> dict[str, float]:
    """One set of thresholds for everyone: each detector's the largest of the cells' own.

    A rule does not know which cell a person is in, so it cannot use a cell's own thresholds;
    raising a threshold only removes alarms, so no cell's control years alarm more often than
    its own thresholds allow.
    """
    chosen = list(limits)
    return {d.name: max(limit[d.name] for limit in chosen) for d in DETECTORS}


def plugin_frontier(
    cell: Cell,
    seeds: Iterable[int],
    calibration: int = 200,
    combined: bool = False,
    limits: dict[str, float] | None = None,
    uncertain_level: bool = False,
) -> Frontier:
    """The guarded detector with estimated parameters on the grid's histories of `cell`.

    Each scenario is judged by the detector built for it, its threshold set alone; `combined`,
    by all three at once (an alarm when any reaches its threshold), with thresholds set together
    so that control years alarming on any of them stay within the allowance: one rule. The
    thresholds are the cell's own (cell_limits) unless `limits` are given (common_limits: the
    same for every cell, as a rule's would be). `uncertain_level`: the filter carries the
    uncertainty of the estimated level (Fitted.of).
    """
    limit = cell_limits(cell, calibration, combined, uncertain_level) if limits is None else limits
    used = DETECTORS if combined else None
    outcomes = [
        scenario_alarms(
            seed, partial(_fitted_alarms, cell, seed, limit, used, uncertain_level), JUDGED
        )
        for seed in seeds
    ]
    return summarise(cell, outcomes)


def _fitted_alarms(
    cell: Cell,
    seed: int,
    limit: dict[str, float],
    used: tuple[Detector, ...] | None,
    uncertain_level: bool,
    detector: Detector,
    shift: Array,
    days: slice,
    signs: Iterable[int],
) -> bool:
    """Fit each sign of the planted history, then ask `used` (or `detector` alone) for alarms."""
    values, logged = _values(cell, seed, shift)
    for j in signs:
        fitted = Fitted.of(values[:, j], logged, uncertain_level)
        for d in used or (detector,):
            if (fitted.path(d, values[:, j])[days] >= limit[d.name]).any():
                return True
    return False
