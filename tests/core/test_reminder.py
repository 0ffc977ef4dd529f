"""core.reminder: a gentle note when logging lapses, measured against the person's usual days."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.reminder import LoggingLapse, ReminderRule, logging_lapse, working_weekdays

TODAY = date(2026, 11, 25)  # a Wednesday
MON_FRI = frozenset(range(5))


def days_on(weekdays: frozenset[int], start: date, end: date) -> set[date]:
    """Every date from `start` to `end` inclusive that falls on one of `weekdays`."""
    span = (end - start).days + 1
    return {
        start + timedelta(n) for n in range(span) if (start + timedelta(n)).weekday() in weekdays
    }


def weeks_ago(weeks: int) -> date:
    return TODAY - timedelta(weeks=weeks)


STEADY = days_on(MON_FRI, weeks_ago(8), TODAY)
# Mon-Fri until Friday 13 Nov; of the last six working days (Tue 17 to Tue 24 Nov, today not
# yet logged) only Wednesday 18 and Tuesday 24.
LAPSING = days_on(MON_FRI, weeks_ago(8), date(2026, 11, 13)) | {
    date(2026, 11, 18),
    date(2026, 11, 24),
}


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        pytest.param(STEADY, None, id="steady: nothing to say"),
        pytest.param(LAPSING, LoggingLapse(2, 6), id="2 of the last 6 working days"),
        pytest.param(LAPSING | {TODAY}, LoggingLapse(3, 6), id="today counts once logged"),
        pytest.param(
            LAPSING | {date(2026, 11, 19), date(2026, 11, 23)},
            None,
            id="4 of 6 is no lapse",
        ),
        pytest.param(
            LAPSING | {date(2026, 11, 21), date(2026, 11, 22)},
            LoggingLapse(2, 6),
            id="a weekend entry does not hide the lapse",
        ),
        pytest.param(
            days_on(MON_FRI, TODAY - timedelta(days=9), date(2026, 11, 18)),
            None,
            id="new user: too short a history",
        ),
        pytest.param(
            days_on(MON_FRI, weeks_ago(20), weeks_ago(9)),
            None,
            id="back after a long break: no usual days left to count",
        ),
        pytest.param(set(), None, id="nothing logged ever"),
    ],
)
def test_the_reminder_appears_only_when_logging_lapses(
    logged: set[date], expected: LoggingLapse | None
) -> None:
    assert logging_lapse(logged, today=TODAY) == expected


def test_working_days_are_the_weekdays_a_person_usually_logs_on() -> None:
    tue_sat = frozenset({1, 2, 3, 4, 5})
    logged = days_on(tue_sat, weeks_ago(8), TODAY - timedelta(days=1)) | {weeks_ago(3)}
    assert (
        working_weekdays(logged, today=TODAY) == tue_sat
    )  # one odd Wednesday-week changes nothing
    # Mondays never count, so a lapse is measured over Tuesday to Saturday only.
    lapse = logging_lapse(
        days_on(tue_sat, weeks_ago(8), weeks_ago(2)) | {TODAY - timedelta(days=1)}, today=TODAY
    )
    assert lapse == LoggingLapse(1, 6)


def test_the_sentence_is_one_plain_line() -> None:
    assert LoggingLapse(2, 6).sentence() == (
        "You logged 2 of your last 6 working days (the weekdays you usually log on)."
    )


def test_the_rule_can_be_tightened() -> None:
    logged = LAPSING | {date(2026, 11, 19), date(2026, 11, 23)}
    assert logging_lapse(logged, today=TODAY, rule=ReminderRule(lapse_at_most=4)) == LoggingLapse(
        4, 6
    )


@given(
    st.sets(st.integers(min_value=0, max_value=120), max_size=90),
    st.randoms(use_true_random=False),
)
def test_order_never_matters_and_counts_stay_in_range(
    offsets: set[int], rng: random.Random
) -> None:
    logged = [TODAY - timedelta(days=n) for n in offsets]
    shuffled = list(logged)
    rng.shuffle(shuffled)
    result = logging_lapse(logged, today=TODAY)
    assert logging_lapse(shuffled, today=TODAY) == result
    if result is not None:
        assert 0 <= result.logged <= ReminderRule().lapse_at_most < result.working_days == 6
