"""The oracle detector of evaluation/frontier.py: its filter and likelihood ratios are exact.

The frontier is only a reference if its detector is what it claims: the Gaussian likelihood
ratio of a planted change against none, under the twin's own model. These tests compare the
Kalman filter's innovations and ratios with the multivariate normal density over every logged
day of a year (scipy), and check that the statistic is calibrated on fresh control twins.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from evaluation.frontier import (
    CREEP,
    DETECTORS,
    JUDGE_FROM,
    LOOKBACK,
    STEP_25,
    Detector,
    Twin,
    filter_innovations,
    history,
    likelihood_path,
    limits,
    onset_responses,
    week_path,
    week_shape,
)
from evaluation.histories import DAYS, Cell
from evaluation.plugin import (
    common_limits,
    correlation,
    filter_with_level,
    joint_limits,
    level_variance,
)

PART_TIME = Cell(1.3, 0.7, 2)
FULL_TIME = Cell(1.0, 0.3, 5)


def _covariance(twin: Twin) -> np.ndarray:
    days = np.flatnonzero(twin.logged)
    lag = np.abs(days[:, None] - days[None, :])
    return twin.spread**2 * twin.correlation**lag + np.diag(twin.noise_var[days])


@pytest.mark.parametrize("cell", [PART_TIME, FULL_TIME], ids=lambda c: c.name)
def test_the_filter_factorises_the_years_density(cell: Cell) -> None:
    twin = Twin.of(cell, 3)
    values = twin.draw(np.random.default_rng(1), signs=1)[:, 0]
    innovation, variances = filter_innovations(twin, np.nan_to_num(values)[:, None])
    logged = twin.logged
    by_filter = -0.5 * np.sum(
        np.log(2 * np.pi * variances[logged]) + innovation[logged, 0] ** 2 / variances[logged]
    )
    direct = multivariate_normal(np.zeros(logged.sum()), _covariance(twin)).logpdf(values[logged])
    assert by_filter == pytest.approx(direct, abs=1e-6)


@pytest.mark.parametrize("cell", [PART_TIME, FULL_TIME], ids=lambda c: c.name)
def test_with_an_uncertain_level_the_filter_factorises_its_density(cell: Cell) -> None:
    twin = Twin.of(cell, 4)
    level_var = 0.09  # the level known to about 0.3 points
    values = twin.draw(np.random.default_rng(6), signs=1)[:, 0] + 0.4  # the level misjudged
    innovation, variances = filter_with_level(twin, np.nan_to_num(values)[:, None], level_var)
    logged = twin.logged
    by_filter = -0.5 * np.sum(
        np.log(2 * np.pi * variances[logged]) + innovation[logged, 0] ** 2 / variances[logged]
    )
    covariance = _covariance(twin) + level_var  # one offset shared by every day
    direct = multivariate_normal(np.zeros(logged.sum()), covariance).logpdf(values[logged])
    assert by_filter == pytest.approx(direct, abs=1e-6)
    # With the level known it is the plain filter.
    plain, plain_variances = filter_innovations(twin, np.nan_to_num(values)[:, None])
    known, known_variances = filter_with_level(twin, np.nan_to_num(values)[:, None], 0.0)
    assert np.allclose(known, plain) and np.allclose(known_variances, plain_variances)


def test_the_level_variance_is_the_medians_under_the_correlation() -> None:
    twin = Twin.of(FULL_TIME, 2)
    days = np.zeros(DAYS, dtype=bool)
    days[:4] = True
    independent = Twin(twin.logged, twin.noise_var, 1.0, 0.0)
    assert level_variance(independent, days) == pytest.approx(np.pi / 2 / 4)
    together = Twin(twin.logged, twin.noise_var, 1.0, 0.999)  # four days as one
    assert level_variance(together, days) == pytest.approx(np.pi / 2, rel=0.01)


@pytest.mark.parametrize("detector", [STEP_25, CREEP], ids=lambda d: d.name)
def test_the_ratio_for_one_onset_is_the_densities_ratio(detector: Detector) -> None:
    twin = Twin.of(PART_TIME, 5)
    values = twin.draw(np.random.default_rng(2), signs=1)[:, 0]
    innovation, variances = filter_innovations(twin, np.nan_to_num(values)[:, None])
    onset = DAYS - 100
    response = onset_responses(twin, detector.shape)
    # Only this onset allowed: every other row far below.
    only = np.full_like(response, 0.0)
    only[onset] = response[onset]
    path = likelihood_path(only, innovation[:, 0], variances)
    logged = twin.logged
    change = detector.shape(onset)[logged]
    covariance = _covariance(twin)
    direct = multivariate_normal(change, covariance).logpdf(values[logged]) - multivariate_normal(
        np.zeros(logged.sum()), covariance
    ).logpdf(values[logged])
    # The path takes the largest over onsets; the others' ratios are 0 here, this one's is exact.
    assert max(direct, 0.0) == pytest.approx(path[-1], abs=1e-6)
    assert onset > DAYS - 1 - LOOKBACK


def test_the_week_guard_fits_the_weeks_size_by_the_density() -> None:
    twin = Twin.of(FULL_TIME, 8)
    values = twin.draw(np.random.default_rng(4), signs=1)[:, 0]
    onset = DAYS - 30
    values[onset : onset + 7] += 3.0  # a raised week, so the fitted size is positive
    innovation, variances = filter_innovations(twin, np.nan_to_num(values)[:, None])
    response = onset_responses(twin, week_shape)
    only = np.zeros_like(response)
    only[onset] = response[onset]
    path = week_path(only, innovation[:, 0], variances)
    logged = twin.logged
    inverse = np.linalg.inv(_covariance(twin))
    week = week_shape(onset)[logged]
    fit, energy = week @ inverse @ values[logged], week @ inverse @ week
    assert fit > 0
    # The best size of the week, fit / energy, gives the ratio fit^2 / (2 energy).
    assert path[-1] == pytest.approx(fit**2 / (2 * energy), rel=1e-9)
    assert path[onset - 1] == 0.0  # before the week, no onset of it is looked at


@pytest.mark.parametrize("weekdays", [(0, 1, 2, 3, 4), (1, 3)], ids=["5 days", "2 days"])
def test_the_plugin_estimates_the_day_to_day_correlation(weekdays: tuple[int, ...]) -> None:
    rng = np.random.default_rng(9)
    days = 3000
    state, series = 0.0, np.empty(days)
    for day in range(days):
        state = 0.7 * state + rng.normal(0, np.sqrt(1 - 0.49))
        series[day] = state
    logged = np.isin(np.arange(days) % 7, weekdays)
    assert correlation(series, logged) == pytest.approx(0.7, abs=0.05)


def test_a_threshold_set_on_some_seeds_holds_on_others() -> None:
    cell = Cell(1.6, 0.7, 5)
    limit = limits(cell, 60)[STEP_25.name]
    peaks = [history(cell, seed).path(STEP_25)[JUDGE_FROM:].max() for seed in range(60)]
    alarms = np.mean(np.asarray(peaks) >= limit)
    assert alarms <= 0.15  # 5% by design; 60 seeds move it by about 3 points
    assert limit > 5.0  # far above one day's ratio: a year of days is judged


def test_thresholds_set_together_keep_the_alarms_of_any_within_the_allowance() -> None:
    rng = np.random.default_rng(3)
    shared = rng.normal(size=(2000, 1))  # three detectors that alarm on the same years in part
    table = shared + rng.normal(size=(2000, 3))
    peaks = [dict(zip((d.name for d in DETECTORS), row, strict=True)) for row in table]
    limit = joint_limits(peaks, 0.05)
    cut = np.array([limit[d.name] for d in DETECTORS])
    any_alarm = np.mean((table >= cut).any(axis=1))
    assert 0.045 <= any_alarm <= 0.05
    # Each alone alarms less often than the allowance: the three share it.
    assert all(np.mean(table[:, i] >= cut[i]) < 0.05 for i in range(3))


def test_the_script_prints_a_row_per_cell(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from scripts import detection_frontier

    argv = ["detection_frontier", "--seeds", "2", "--calibration", "5", "--cells", "0"]
    monkeypatch.setattr("sys.argv", [*argv, "--jobs", "1", "--plugin", "--combined"])
    detection_frontier.main()
    out = capsys.readouterr().out
    assert "all three detectors as one rule" in out
    assert out.count("| spread 0.7, r 0.3, 5 d/wk |") == 1


def test_one_threshold_for_everyone_is_each_detectors_largest() -> None:
    names = [d.name for d in DETECTORS]
    calm = dict(zip(names, (1.0, 5.0, 2.0), strict=True))
    noisy = dict(zip(names, (4.0, 3.0, 2.5), strict=True))
    assert common_limits([calm, noisy]) == dict(zip(names, (4.0, 5.0, 2.5), strict=True))


def test_the_script_sets_one_threshold_on_every_cell(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from scripts import detection_frontier

    argv = ["detection_frontier", "--seeds", "1", "--calibration", "2", "--cells", "0"]
    monkeypatch.setattr(
        "sys.argv", [*argv, "--jobs", "1", "--plugin", "--combined", "--one-threshold"]
    )
    detection_frontier.main()
    out = capsys.readouterr().out
    assert "the same thresholds in every cell" in out
    assert "Thresholds: " in out
    assert out.count("| spread 0.7, r 0.3, 5 d/wk |") == 1


def test_one_threshold_needs_the_combined_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    from scripts import detection_frontier

    monkeypatch.setattr("sys.argv", ["detection_frontier", "--plugin", "--one-threshold"])
    with pytest.raises(SystemExit) as refused:
        detection_frontier.main()
    assert refused.value.code == 2
