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

Spread: the interquartile range divided by 1.349 (the robust equivalent of a standard
deviation for normal data, like the scaled MAD but computable as a rolling window), never
below `min_spread`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.settings import Thresholds

IQR_TO_SD = 1.349

PERSONAL = "personal"
PROVISIONAL = "provisional"
NONE = "none"


def _stats(window: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    median = window.median()
    spread = (window.quantile(0.75) - window.quantile(0.25)) / IQR_TO_SD
    return median, spread


def baseline_arrays(
    values: pd.DataFrame, thresholds: Thresholds
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.str_]]:
    """Baseline, spread and source per calendar day (rows) and sign (columns), as 2-D arrays.

    `values` holds day values indexed by every calendar day (gaps NaN), one column per sign.
    Source is 'personal' (the calibration window), 'provisional' (the short-history fallback)
    or 'none' (too little history: only the fixed threshold applies).
    """
    t = thresholds
    primary = values.rolling(t.baseline_window_days, min_periods=t.baseline_min_days)
    median, spread = (
        frame.shift(t.baseline_exclude_days).to_numpy(dtype="float64", na_value=np.nan)
        for frame in _stats(primary)
    )
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


def rolling_baseline(values: pd.Series, thresholds: Thresholds) -> pd.DataFrame:
    """Baseline, spread and baseline_source for every calendar day of one sign's day values."""
    baseline, spread, source = baseline_arrays(values.to_frame(), thresholds)
    return pd.DataFrame(
        {"baseline": baseline[:, 0], "spread": spread[:, 0], "baseline_source": source[:, 0]},
        index=values.index,
    )


def robust_level(values: np.ndarray, min_spread: float = 0.0) -> tuple[float, float]:
    """Median and IQR-based spread of a set of day values (NaN ignored); NaNs when empty."""
    clean = values[~np.isnan(values)]
    if clean.size == 0:
        return float("nan"), float("nan")
    q25, q50, q75 = np.quantile(clean, [0.25, 0.5, 0.75])
    return float(q50), max(float(q75 - q25) / IQR_TO_SD, min_spread)
