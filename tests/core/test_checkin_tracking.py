"""Whether the session ratings track the check-ins: four-week means, rho, its honesty, clients."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import numpy as np
import pytest

from core.checkin.record import CheckinRecord
from core.checkin.tracking import (
    MIN_CHECKINS,
    Status,
    flagged_clients,
    permutation_p,
    relate,
    sign_means_before,
    spearman_interval,
    track_checkins,
)
from core.schema import SIGNS
from core.synthetic import demo_history, make_sessions
from tests.factories import rated_sessions, sessions_frame

TZ = "Europe/Berlin"


def test_the_four_week_mean_is_a_mean_of_day_values_with_the_coverage_rule() -> None:
    # Seven logged days in the 28 ending 2026-03-28 (the coverage rule's minimum): fatigue 2 on
    # six days, and one day with six sessions at 9. Day values: (6 * 2 + 9) / 7 = 3, not the
    # session mean (12 + 54) / 12 = 5.5.
    rows = [(f"2026-03-{d:02d} 09:00", 1, 1, 2) for d in (2, 5, 9, 12, 16, 19)]
    rows += [(f"2026-03-23 {h:02d}:00", 1, 1, 9) for h in range(9, 15)]
    rows += [("2026-02-20 09:00", 1, 1, 10)]  # 36 days before: outside the window
    sessions = rated_sessions(rows, TZ)
    means = sign_means_before(sessions, [date(2026, 3, 28), date(2026, 3, 22)], tz=TZ)
    assert means.loc["2026-03-28", "fatigue"] == pytest.approx(3.0)
    assert means.loc["2026-03-28", "logged_days"] == 7
    # Six days before 2026-03-22 (the February day is outside its window too): no mean.
    assert np.isnan(means["fatigue"].iloc[1])
    assert means.loc["2026-03-22", "logged_days"] == 6
    assert list(means.columns) == [*SIGNS, "logged_days"]


def test_no_check_ins_or_no_sessions_give_empty_or_missing_means() -> None:
    assert sign_means_before(rated_sessions([]), [], tz=TZ).empty
    means = sign_means_before(rated_sessions([]), [date(2026, 3, 1)], tz=TZ)
    assert np.isnan(means["dread"].iloc[0]) and means["logged_days"].iloc[0] == 0


def test_spearman_and_its_interval_on_a_perfect_order_and_a_seed() -> None:
    rho, low, high = spearman_interval([1, 2, 3, 4, 5, 6], [10, 20, 25, 40, 41, 60], seed=1)
    assert (rho, low, high) == (1.0, 1.0, 1.0)
    x, y = [3.1, 2.0, 4.5, 3.3, 5.0, 1.2, 2.8], [40, 35, 50, 30, 55, 20, 45]
    assert spearman_interval(x, y, seed=3) == spearman_interval(x, y, seed=3)
    rho, low, high = spearman_interval(x, y, seed=3)
    assert low <= rho <= high


@pytest.mark.parametrize(("n", "expected"), [(4, 2 / 24), (5, 2 / 120), (6, 2 / 720)])
def test_the_exact_permutation_p_of_a_perfect_order(n: int, expected: float) -> None:
    # Only the perfect order and its reverse are as extreme: 2 of n! orderings.
    assert permutation_p(list(range(n)), list(range(n)), seed=0) == pytest.approx(expected)


def test_below_four_check_ins_nothing_is_computed_and_the_sentence_says_when() -> None:
    relation = relate("fatigue", "work", [1, 2, 3], [10, 20, 30], scale_title="Work", seed=0)
    assert relation.status is Status.TOO_FEW and relation.n == 3
    assert math.isnan(relation.rho)
    assert f"from {MIN_CHECKINS} on" in relation.sentence
    assert relation.sentence.startswith("Only 3 check-ins")


def test_four_points_in_perfect_order_are_not_claimed() -> None:
    # The bootstrap interval is [1, 1], but 4 points in order happen by chance 1 time in 12.
    relation = relate("fatigue", "work", [1, 2, 3, 4], [5, 6, 7, 8], scale_title="Work", seed=0)
    assert (relation.low, relation.high) == (1.0, 1.0)
    assert relation.status is Status.UNCLEAR
    assert "no clear link" in relation.sentence and "very few" in relation.sentence


def test_a_clear_rise_together_and_a_clear_opposite_are_named() -> None:
    x = [2.0, 2.5, 3.0, 3.2, 4.0, 4.4, 5.0, 5.5, 6.0, 6.3]
    up = [20, 22, 30, 28, 40, 45, 47, 60, 58, 70]
    together = relate("fatigue", "work", x, up, scale_title="Work-related burnout", seed=0)
    assert together.status is Status.TOGETHER and together.low > 0
    assert "rose and fell together" in together.sentence
    assert "still few" in together.sentence
    opposite = relate("fatigue", "work", x, [100 - v for v in up], scale_title="Work", seed=0)
    assert opposite.status is Status.OPPOSITE and opposite.high < 0


def test_a_score_that_never_varies_is_said_plainly() -> None:
    relation = relate("dread", "client", [1, 2, 3, 4, 5], [50] * 5, scale_title="Client", seed=0)
    assert relation.status is Status.UNCLEAR
    assert "did not vary" in relation.sentence


def monthly_records(first: date, months: int, scores: list[float]) -> list[CheckinRecord]:
    """CBI check-ins every 28 days from `first` with the given work and client scores."""
    return [
        CheckinRecord(first + timedelta(days=28 * k), "cbi", {"work": s, "client": s / 2})
        for k, s in zip(range(months), scores, strict=True)
    ]


def test_track_checkins_relates_every_sign_to_both_scales_in_any_record_order() -> None:
    sessions = sessions_frame(seed=5, days=200)
    records = monthly_records(date(2025, 2, 2), 6, [30, 45, 40, 60, 35, 50])
    records.append(CheckinRecord(date(2025, 3, 1), "proqol", {"burnout": 30}))  # ignored
    tracking = track_checkins(sessions, records, tz=TZ, seed=7)
    assert [(r.sign, r.scale) for r in tracking.relations] == [
        (sign, scale) for sign in SIGNS for scale in ("work", "client")
    ]
    assert len(tracking.means) == 6
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    again = track_checkins(sessions, shuffled, tz=TZ, seed=7)
    assert again.relations == tracking.relations
    assert all(r.sentence for r in tracking.relations)


def test_months_without_enough_logged_days_are_left_out() -> None:
    sessions = sessions_frame(seed=5, days=60)  # sessions end in early March 2025
    records = monthly_records(date(2025, 2, 2), 6, [30, 45, 40, 60, 35, 50])
    tracking = track_checkins(sessions, records, tz=TZ)
    assert int(np.isfinite(tracking.means["fatigue"]).sum()) == 2
    assert {r.status for r in tracking.relations} == {Status.TOO_FEW}
    assert tracking.relations[0].n == 2


def test_the_flagged_clients_beside_each_check_in() -> None:
    today = date(2026, 11, 26)
    history = demo_history(today)
    sessions = make_sessions(history)
    days = [history.start + timedelta(days=27 + 28 * k) for k in range(6)]
    records = [CheckinRecord(d, "cbi", {"client": 40.0 + k}) for k, d in enumerate(days)]
    rows = flagged_clients(sessions, records, tz=history.tz)
    assert [r.day for r in rows] == days
    assert [r.client_score for r in rows] == [40.0 + k for k in range(6)]
    # C-42 (planted +2.5 dread) is flagged once enough of its sessions have recurred.
    assert rows[0].flagged == ()  # four weeks of history: patterns are not judged yet
    assert "C-42" in rows[-1].flagged
    assert all(0 <= r.flagged_sessions <= r.sessions for r in rows)
    assert rows[-1].flagged_sessions >= 3


def test_no_sessions_give_no_flagged_clients() -> None:
    records = [CheckinRecord(date(2026, 3, 1), "cbi", {"client": 30.0})]
    (row,) = flagged_clients(rated_sessions([]), records, tz=TZ)
    assert (row.flagged, row.flagged_sessions, row.sessions, row.client_score) == ((), 0, 0, 30.0)


def test_session_row_order_never_changes_the_tracking() -> None:
    sessions = sessions_frame(seed=8, days=150)
    records = monthly_records(date(2025, 2, 2), 5, [30, 45, 40, 60, 35])
    shuffled = sessions.sample(frac=1.0, random_state=4).reset_index(drop=True)
    first = track_checkins(sessions, records, tz=TZ, seed=2)
    second = track_checkins(shuffled, records, tz=TZ, seed=2)
    assert first.relations == second.relations
    assert first.means.equals(second.means)
