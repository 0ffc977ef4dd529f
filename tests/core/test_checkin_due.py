"""Whether a check-in is due: one table per rule."""

from __future__ import annotations

from datetime import date

import pytest

from core.checkin.due import checkin_due
from core.settings import Thresholds

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("days", "due", "since", "next_on", "overdue"),
    [
        ([], True, None, None, 0),
        ([date(2026, 11, 30)], False, None, date(2026, 12, 28), 0),
        ([date(2026, 11, 3)], False, None, date(2026, 12, 1), 0),
        ([date(2026, 11, 2)], True, date(2026, 11, 30), date(2026, 11, 30), 0),
        ([date(2026, 10, 1)], True, date(2026, 10, 29), date(2026, 10, 29), 32),
        # The latest check-in counts, whatever the order.
        ([date(2026, 11, 20), date(2026, 9, 1)], False, None, date(2026, 12, 18), 0),
        # A check-in dated after today (a clock moved back) is ignored.
        ([date(2026, 12, 5)], True, None, None, 0),
    ],
)
def test_due_every_28_days_after_the_last(
    days: list[date], due: bool, since: date | None, next_on: date | None, overdue: int
) -> None:
    state = checkin_due(days, today=TODAY, every_days=28)
    assert (state.due, state.since, state.next_on, state.days_overdue) == (
        due,
        since,
        next_on,
        overdue,
    )


def test_the_messages_are_plain_words() -> None:
    assert "no questionnaire yet" in checkin_due([], today=TODAY, every_days=28).message
    assert checkin_due([date(2026, 11, 2)], today=TODAY, every_days=28).message == (
        "A check-in is due today: the last one was 28 days ago, on 2 November 2026 (one every 28 "
        "days)."
    )
    assert "(in 1 day)" in checkin_due([date(2026, 11, 3)], today=TODAY, every_days=28).message
    assert (
        "since 29 October 2026"
        in checkin_due([date(2026, 10, 1)], today=TODAY, every_days=28).message
    )


def test_the_interval_is_a_setting_with_a_reason() -> None:
    assert Thresholds().checkin_every_days == 28
    assert Thresholds().proqol_enabled is False
    every = Thresholds(checkin_every_days=14).checkin_every_days
    assert checkin_due([date(2026, 11, 16)], today=TODAY, every_days=every).due


def test_an_interval_below_one_day_is_refused() -> None:
    with pytest.raises(ValueError):
        checkin_due([], today=TODAY, every_days=0)
