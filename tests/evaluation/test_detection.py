"""Detection quality on a fixed-seed slice of the grid (evaluation/detection.py), default settings.

The full grid (16 cells, 200 seeds each) is `python -m scripts.detection_quality`, printed in
the README. This slice keeps the rules honest in CI: three cells that span the grid's noise
(calm and independent, correlated, part-time), 30 seeded therapists each, every scenario. The
bounds are the issue's targets where the slice meets them; where the full grid misses one,
the README says so and the test holds the measured level so that nothing slips further.
"""

from __future__ import annotations

import pytest

from core.settings import Thresholds
from evaluation.detection import CREEP_DAY, CellRates, cell_rates, levels, week_met
from evaluation.histories import Cell, creep, latent

pytestmark = pytest.mark.slow

SEEDS = range(30)
T = Thresholds()
CALM = Cell(0.7, 0.3, 5)
CORRELATED = Cell(1.0, 0.7, 5)
PART_TIME = Cell(1.0, 0.7, 2)


@pytest.fixture(scope="module")
def measured() -> dict[Cell, CellRates]:
    """Every scenario on the fixed seeds of the slice, computed once for the module."""
    return {cell: cell_rates(cell, SEEDS) for cell in (CALM, CORRELATED, PART_TIME)}


@pytest.mark.parametrize("cell", [CALM, CORRELATED, PART_TIME], ids=lambda c: c.name)
def test_in_control_years_rarely_reach_chronic_or_watch(
    measured: dict[Cell, CellRates], cell: Cell
) -> None:
    rates = measured[cell]
    assert rates.seeds == len(SEEDS)
    assert rates.rates["control_chronic"] <= 0.05
    assert rates.rates["control_watch_share"] <= 0.03


@pytest.mark.parametrize("cell", [CALM, CORRELATED, PART_TIME], ids=lambda c: c.name)
def test_one_terrible_week_is_no_more_chronic_than_control(
    measured: dict[Cell, CellRates], cell: Cell
) -> None:
    assert week_met(measured[cell])


@pytest.mark.parametrize("cell", [CALM, CORRELATED, PART_TIME], ids=lambda c: c.name)
def test_the_other_signs_stay_below_chronic_during_a_rise(
    measured: dict[Cell, CellRates], cell: Cell
) -> None:
    assert measured[cell].rates["rise_others_below_chronic"] >= 0.95


# (cell, rate, bound): the target, or the measured level where the grid misses it.
POWER = [
    (CALM, "rise_watch_21", 0.95),
    (CALM, "rise_chronic_42", 0.90),
    (CALM, "episode_chronic", 0.90),
    (CALM, "episode_cleared", 0.90),
    (CALM, "creep_watch", 0.90),
    (CALM, "creep_chronic", 0.60),
    (CORRELATED, "rise_watch_21", 0.90),
    (CORRELATED, "rise_chronic_42", 0.90),
    (CORRELATED, "rise_chronic_56", 0.80),
    (CORRELATED, "creep_watch", 0.90),
    (CORRELATED, "creep_chronic", 0.60),
    (CORRELATED, "episode_chronic", 0.90),
    (CORRELATED, "episode_cleared", 0.90),
    (PART_TIME, "rise_chronic_56", 0.80),
    (PART_TIME, "creep_watch", 0.90),
    (PART_TIME, "creep_chronic", 0.60),
    (PART_TIME, "episode_chronic", 0.90),
    (PART_TIME, "episode_cleared", 0.90),
]


@pytest.mark.parametrize(
    ("cell", "rate", "bound"), POWER, ids=[f"{c.name}: {r}" for c, r, _ in POWER]
)
def test_real_rises_are_found(
    measured: dict[Cell, CellRates], cell: Cell, rate: str, bound: float
) -> None:
    assert measured[cell].rates[rate] >= bound


def test_a_creep_reaches_watch_and_chronic_for_a_noisy_part_time_history() -> None:
    """Watch over a longer window taken together, and parts of about eight logged days: before
    them, the creep reached watch in 80% of these seeds and chronic in 50% (85.5% and 56.5% of
    200), against the targets' 90% and 60%."""
    cell = Cell(1.3, 0.7, 2)
    reached = [
        levels(latent(cell, seed), T, creep(CREEP_DAY, 3.0, seed % 3))[-1, seed % 3]
        for seed in SEEDS
    ]
    assert sum(level >= 1 for level in reached) / len(SEEDS) >= 0.90
    assert sum(level == 2 for level in reached) / len(SEEDS) >= 0.60


def test_a_creep_that_reached_chronic_stays_chronic_in_the_noisiest_full_time_cell() -> None:
    """Held chronic: a creep that reached chronic in its last weeks and is still at watch on its
    last day is chronic there. Without the hold, 36.7% of these seeds (45.5% of 200) were
    chronic on the last day; with it, 80% (72% of 200), against the target's 60%."""
    cell = Cell(1.6, 0.7, 5)
    reached = [
        levels(latent(cell, seed), T, creep(CREEP_DAY, 3.0, seed % 3))[-1, seed % 3]
        for seed in SEEDS
    ]
    assert sum(level == 2 for level in reached) / len(SEEDS) >= 0.60
