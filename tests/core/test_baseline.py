"""The personal baseline: robust, excludes the weeks being judged, falls back while short."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.baseline import (
    BEFORE_BREAK,
    PERSONAL,
    PROVISIONAL,
    UPPER_IQR_TO_SD,
    baseline_arrays,
    day_correlation,
    lag_counts,
    measured_correlation,
    pair_weight,
    references,
    shift_days,
)
from core.settings import Thresholds

T = Thresholds()


def rolling_baseline(values: pd.Series, thresholds: Thresholds) -> pd.DataFrame:
    """Baseline, spread and source for every calendar day of one sign's day values."""
    baseline, spread, source = baseline_arrays(values.to_frame(), thresholds)
    return pd.DataFrame(
        {"baseline": baseline[:, 0], "spread": spread[:, 0], "baseline_source": source[:, 0]},
        index=values.index,
    )


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


def test_the_spread_is_the_upper_half_of_the_iqr() -> None:
    rng = np.random.default_rng(1)
    values = list(rng.normal(4.0, 1.0, size=220))
    t = Thresholds(baseline_exclude_days=7)
    spread = rolling_baseline(series(values), t)["spread"].iloc[-1]
    window = np.array(values[-7 - 182 : -7])
    q75, q50 = np.quantile(window, [0.75, 0.5])
    assert spread == pytest.approx((q75 - q50) / UPPER_IQR_TO_SD)
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


def test_pair_weight_counts_days_when_days_are_independent() -> None:
    logged = np.array([[1], [0], [1], [1]], dtype=bool)
    np.testing.assert_allclose(pair_weight(lag_counts(logged, 3), 0.0)[:, 0], [1, 1, 2, 2])
    np.testing.assert_allclose(pair_weight(lag_counts(logged, None), 0.0)[:, 0], [1, 1, 2, 3])


def test_pair_weight_adds_every_pair_once_each_way() -> None:
    # Days 0, 2 and 3 logged: pairs at distances 2, 3 and 1.
    logged = np.array([[1], [0], [1], [1]], dtype=bool)
    phi = 0.5
    expected = 3 + 2 * (phi**2 + phi**3 + phi**1)
    assert pair_weight(lag_counts(logged, None), phi)[-1, 0] == pytest.approx(expected)
    # The window of the last 3 days holds days 2 and 3 only.
    assert pair_weight(lag_counts(logged, 3), phi)[-1, 0] == pytest.approx(2 + 2 * phi)


def frame_of(values: list[float], start: str = "2025-01-01") -> pd.DataFrame:
    return series(values, start).to_frame()


def test_a_steady_history_gives_a_personal_level_with_a_standard_error() -> None:
    rng = np.random.default_rng(3)
    ref = references(frame_of(list(rng.normal(4.0, 1.0, size=300))), T)
    assert ref.source[-1, 0] == PERSONAL
    # About 130 logged days, correlated as assumed: the median is known to a few tenths.
    assert 0.1 < ref.usual_se[-1, 0] < 0.5


def test_the_earlier_level_remembers_where_a_creep_began() -> None:
    values = [3.0] * 230 + list(np.linspace(3.0, 6.0, 182))
    ref = references(frame_of(values), T)
    assert ref.earlier[-1, 0] == pytest.approx(3.0)
    assert ref.usual[-1, 0] > 3.5  # the usual level crept up with the rise


def test_after_a_long_break_the_level_comes_from_before_it_not_a_short_history() -> None:
    values = [3.0] * 120 + [np.nan] * 300 + [4.0] * 30
    ref = references(frame_of(values), T)
    assert ref.source[-1, 0] == BEFORE_BREAK
    new_user = references(frame_of([3.0] * 40), T)
    assert new_user.source[-1, 0] == PROVISIONAL


def test_a_short_history_spread_is_pooled_with_the_assumed_spread() -> None:
    ref = references(frame_of([3.0] * 40), T)
    # Perfectly steady ratings for six weeks: the spread stays near the assumed one.
    assert T.min_spread < ref.spread[-1, 0] < T.assumed_spread


@pytest.mark.parametrize(
    ("shape", "axis"),
    [((5, 3), 0), ((4, 5, 3), 1)],  # (days, signs) and lag_counts' (lags, days, signs)
)
@pytest.mark.parametrize("days", [0, 2, 5, 9])
def test_shift_days_moves_the_day_axis_and_fills_nan(
    shape: tuple[int, ...], axis: int, days: int
) -> None:
    x = np.arange(np.prod(shape), dtype="float64").reshape(shape)
    moved = np.moveaxis(shift_days(x, days), axis, 0)
    before = np.moveaxis(x, axis, 0)
    assert np.isnan(moved[:days]).all()
    np.testing.assert_array_equal(moved[days:], before[: max(len(before) - days, 0)])


def ar1(phi: float, days: int, seed: int, signs: int = 3) -> pd.DataFrame:
    """Day values with lag-1 correlation `phi` on calendar days, weekdays logged only."""
    rng = np.random.default_rng(seed)
    effect = np.zeros((days, signs))
    state = rng.normal(size=signs)
    for i in range(days):
        state = phi * state + np.sqrt(1 - phi**2) * rng.normal(size=signs)
        effect[i] = state
    index = pd.date_range("2025-01-06", periods=days, name="day")  # a Monday
    effect[np.asarray(index.day_of_week) >= 5] = np.nan
    return pd.DataFrame(4.0 + effect, index=index)


@pytest.mark.parametrize("phi", [0.0, 0.3, 0.7, 0.9])
def test_the_measured_correlation_finds_how_alike_neighbouring_days_are(phi: float) -> None:
    results = [measured_correlation(ar1(phi, 400, seed=seed), T) for seed in range(6)]
    # Six people's months: right on average, each within a few hundredths to a tenth.
    assert np.mean([measured[-1, 0] for measured, _ in results]) == pytest.approx(phi, abs=0.07)
    measured, pairs = results[0]
    assert (measured[-1] == measured[-1, 0]).all()  # one correlation for the three signs
    assert pairs[-1, 0] > 300


def test_a_slow_creep_does_not_pass_for_days_that_run_in_spells() -> None:
    values = ar1(0.3, 400, seed=2)
    creeping = values + np.linspace(0.0, 4.0, len(values))[:, None]
    steady, _ = measured_correlation(values, T)
    crept, _ = measured_correlation(creeping, T)
    assert crept[-1, 0] == pytest.approx(steady[-1, 0], abs=0.05)


def test_the_measured_correlation_uses_only_days_before_the_judged_weeks() -> None:
    values = ar1(0.3, 400, seed=3)
    changed = values.copy()
    changed.iloc[-T.baseline_exclude_days :] = 9.0
    before, after = measured_correlation(values, T)[0], measured_correlation(changed, T)[0]
    assert np.array_equal(before, after, equal_nan=True)


def test_the_correlation_used_is_lowered_by_independent_days_never_raised() -> None:
    independent = ar1(0.0, 400, seed=4)
    spells = ar1(0.95, 400, seed=4)
    source = np.full(independent.shape, PERSONAL)
    low = day_correlation(independent, source, T)[-1, 0]
    assert T.min_day_correlation <= low < T.day_correlation
    assert day_correlation(spells, source, T)[-1, 0] == T.day_correlation
    # While the usual level is provisional, the assumed correlation alone.
    short = np.full(independent.shape, PROVISIONAL)
    assert (day_correlation(independent, short, T) == T.day_correlation).all()
