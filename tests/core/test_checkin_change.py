"""Reliable change (Jacobson & Truax 1991) against hand-computed cases, and its words."""

from __future__ import annotations

import math
from datetime import date

import pytest

from core.checkin.change import (
    RC_CRITICAL,
    Verdict,
    change_sentence,
    judge_change,
    reliable_change_index,
    score_history,
    smallest_reliable_difference,
    standard_error_of_difference,
)
from core.checkin.instruments import CBI, PROQOL
from core.checkin.record import CheckinRecord


def test_the_arithmetic_on_a_hand_computed_case() -> None:
    # SD 10, reliability .75: SE = 10 * sqrt(.25) = 5, S_diff = 5 * sqrt(2) = 7.0711.
    assert standard_error_of_difference(10, 0.75) == pytest.approx(7.0710678)
    # A rise of 15 points: RC = 15 / 7.0711 = 2.1213.
    assert reliable_change_index(40, 55, sd=10, reliability=0.75) == pytest.approx(2.1213203)
    assert reliable_change_index(55, 40, sd=10, reliability=0.75) == pytest.approx(-2.1213203)


def test_a_cbi_work_related_rise_of_25_points_is_reliably_worse() -> None:
    # Work-related burnout: SD 19, alpha .88 -> S_diff = sqrt(2) * 19 * sqrt(.12) = 9.3081.
    change = judge_change(CBI.scale("work"), 25, 50)
    assert change.rci == pytest.approx(25 / (math.sqrt(2) * 19 * math.sqrt(0.12)))
    assert change.rci == pytest.approx(2.686, abs=1e-3)
    assert change.verdict is Verdict.WORSE
    assert judge_change(CBI.scale("work"), 50, 25).verdict is Verdict.BETTER


def test_a_cbi_change_of_one_answer_step_is_no_reliable_change() -> None:
    # One item of seven moving one step changes the mean by 25 / 7 = 3.6 points.
    assert judge_change(CBI.scale("work"), 50, 50 + 25 / 7).verdict is Verdict.NONE


def test_for_compassion_satisfaction_a_fall_is_worse() -> None:
    # S_diff = sqrt(2) * 6.5 * sqrt(.12) = 3.1843; 40 -> 30 gives RC = -3.14.
    change = judge_change(PROQOL.scale("compassion_satisfaction"), 40, 30)
    assert change.rci == pytest.approx(-10 / (math.sqrt(2) * 6.5 * math.sqrt(0.12)))
    assert change.verdict is Verdict.WORSE
    assert judge_change(PROQOL.scale("compassion_satisfaction"), 30, 40).verdict is Verdict.BETTER


def test_proqol_burnout_22_to_20_is_no_reliable_change() -> None:
    # S_diff = sqrt(2) * 5.4 * sqrt(.25) = 3.8184; RC = -0.52.
    change = judge_change(PROQOL.scale("burnout"), 22, 20)
    assert change.rci == pytest.approx(-0.5238, abs=1e-4)
    assert change.verdict is Verdict.NONE


def test_exactly_at_the_critical_value_is_not_yet_reliable() -> None:
    scale = CBI.scale("personal")
    step = smallest_reliable_difference(scale)
    assert judge_change(scale, 30, 30 + step).verdict is Verdict.NONE
    assert judge_change(scale, 30, 30 + step + 0.01).verdict is Verdict.WORSE
    assert step == pytest.approx(RC_CRITICAL * math.sqrt(2) * 17 * math.sqrt(0.11))


def test_the_sentences_say_the_verdict_in_words() -> None:
    scale = CBI.scale("work")
    worse = change_sentence(scale, judge_change(scale, 25, 50), since="the last check-in")
    assert worse == "Work-related burnout: 25 → 50 since the last check-in, reliably worse."
    none = change_sentence(scale, judge_change(scale, 25, 30), since="the first check-in")
    assert "no reliable change" in none and "about 18 points" in none


def test_bad_reference_values_are_refused() -> None:
    with pytest.raises(ValueError):
        standard_error_of_difference(0, 0.8)
    with pytest.raises(ValueError):
        standard_error_of_difference(10, 1.0)


def test_score_history_gives_changes_since_the_previous_and_the_first_check_in() -> None:
    records = [
        CheckinRecord(date(2026, 3, 1), "cbi", {"personal": 40, "work": 60, "client": 30}),
        CheckinRecord(date(2026, 1, 4), "cbi", {"personal": 30, "work": 25, "client": 30}),
        CheckinRecord(date(2026, 2, 1), "cbi", {"personal": 35, "work": 50, "client": 30}),
        CheckinRecord(date(2026, 2, 15), "proqol", {"burnout": 30}),  # another instrument
    ]
    steps = score_history(CBI, records)
    assert [(s.day.month, s.scale) for s in steps][:3] == [
        (1, "personal"),
        (1, "work"),
        (1, "client"),
    ]
    work = [s for s in steps if s.scale == "work"]
    assert work[0].since_previous is None and work[0].since_first is None
    assert work[1].since_previous is not None and work[1].since_previous.verdict is Verdict.WORSE
    last = work[2]
    assert last.since_previous is not None and last.since_previous.verdict is Verdict.NONE
    assert last.since_first is not None and last.since_first.difference == 35
    assert last.since_first.verdict is Verdict.WORSE
