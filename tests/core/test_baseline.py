"""The personal baseline: robust, excludes the weeks being judged, falls back while short."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.baseline import IQR_TO_SD, baseline_arrays, robust_level, rolling_baseline
from core.settings import Thresholds

T = Thresholds()


def series(values: list[float], start: str = "2025-01-01") -> pd.Series:
    """Day values on consecutive calendar days."""
    return pd.Series(values, index=pd.date_range(start, periods=len(values), name="day"))


def test_no_baseline_before_the_fallback_has_enough_days() -> None:
    base = rolling_baseline(series([3.0] * 20), T)
    # The fallback needs 10 logged days, then leaves out the last 14 days: day 24 at the earliest.
    assert (base["baseline_source"] == "none").all()
    assert base["baseline"].isna().all()


def test_the_fallback_gives_a_provisional_baseline_for_a_new_user() -> None:
    base = rolling_baseline(series([3.0] * 30), T)
    assert base["baseline_source"].iloc[-1] == "provisional"
    assert base["baseline"].iloc[-1] == 3.0
    # Its spread never drops below the floor, even for perfectly steady ratings.
    assert base["spread"].iloc[-1] == T.min_spread


def test_the_personal_baseline_excludes_the_recent_weeks() -> None:
    values = [3.0] * 100 + [8.0] * 28
    base = rolling_baseline(series(values), T)
    last = base.iloc[-1]
    assert last["baseline_source"] == "personal"
    assert last["baseline"] == 3.0  # the 28 days at 8 are the weeks being judged


def test_the_baseline_follows_real_change_after_the_window() -> None:
    values = [3.0] * 200 + [5.0] * 200
    assert rolling_baseline(series(values), T)["baseline"].iloc[-1] == 5.0


def test_the_baseline_is_robust_to_a_few_extreme_days() -> None:
    values = [3.0, 4.0] * 30 + [10.0] * 5 + [3.5] * 30
    base = rolling_baseline(series(values), T)
    assert base["baseline"].iloc[-1] == pytest.approx(3.5, abs=0.5)


def test_gaps_are_skipped_not_zeros() -> None:
    values = [4.0, np.nan, np.nan] * 60
    base = rolling_baseline(series(values), T)
    assert base["baseline"].iloc[-1] == 4.0


def test_the_spread_is_the_iqr_over_1349() -> None:
    rng = np.random.default_rng(1)
    values = list(rng.normal(4.0, 1.0, size=220))
    t = Thresholds(baseline_exclude_days=7)
    spread = rolling_baseline(series(values), t)["spread"].iloc[-1]
    window = np.array(values[-7 - 182 : -7])
    q75, q25 = np.quantile(window, [0.75, 0.25])
    assert spread == pytest.approx((q75 - q25) / IQR_TO_SD)
    assert spread == pytest.approx(1.0, abs=0.2)


def test_all_signs_at_once_match_one_at_a_time() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        rng.normal(4, 1, size=(300, 3)),
        columns=["a", "b", "c"],
        index=pd.date_range("2025-01-01", periods=300),
    )
    frame.iloc[::4] = np.nan
    baseline, spread, _ = baseline_arrays(frame, T)
    for j, column in enumerate(frame.columns):
        one = rolling_baseline(frame[column], T)
        np.testing.assert_allclose(baseline[:, j], one["baseline"].to_numpy(), equal_nan=True)
        np.testing.assert_allclose(spread[:, j], one["spread"].to_numpy(), equal_nan=True)


def test_robust_level_of_a_set() -> None:
    assert robust_level(np.array([1.0, 2.0, 3.0, np.nan, 100.0])) == pytest.approx(
        (2.5, (27.25 - 1.75) / IQR_TO_SD)
    )
    median, spread = robust_level(np.array([np.nan]))
    assert np.isnan(median) and np.isnan(spread)
