"""Detection quality on seeded synthetic therapists (evaluation/detection.py), default thresholds.

200 one-year histories per scenario, seeds 0–199; scripts/detection_quality.py prints the same
figures. Targets from issue 3: chronic anywhere in an in-control year in at most 5% of
histories; a sustained +2.5 rise of one sign reaches watch within 21 days and chronic within
42 days in at least 90%, the other two signs stay below chronic in at least 95%; one terrible
week (+4 on every sign) never reaches chronic.
"""

from __future__ import annotations

import pytest

from evaluation.detection import Rates, rates, rise

pytestmark = pytest.mark.slow

HISTORIES = 200


@pytest.fixture(scope="module")
def measured() -> Rates:
    """All three scenarios on the fixed seeds, computed once for the module."""
    return rates(range(HISTORIES))


def test_in_control_histories_rarely_reach_chronic(measured: Rates) -> None:
    assert measured.histories == HISTORIES
    assert measured.in_control_chronic <= 0.05


def test_a_sustained_rise_reaches_watch_within_three_weeks(measured: Rates) -> None:
    assert measured.rise_watch_21 >= 0.90


def test_a_sustained_rise_reaches_chronic_within_six_weeks(measured: Rates) -> None:
    assert measured.rise_chronic_42 >= 0.90


def test_the_other_signs_stay_below_chronic_during_a_rise(measured: Rates) -> None:
    assert measured.rise_others_below_chronic >= 0.95


def test_one_terrible_week_never_reaches_chronic(measured: Rates) -> None:
    assert measured.terrible_week_chronic == 0


def test_the_rise_rotates_over_the_signs() -> None:
    # Seeds 0, 1, 2 raise dread, detachment, fatigue: the rates cover every sign.
    assert [rise(seed).sign for seed in range(3)] == ["dread", "detachment", "fatigue"]
