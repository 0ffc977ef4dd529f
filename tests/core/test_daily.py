"""Day values per local day and rolling calendar means with the coverage rule."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from core.daily import (
    compare_weeks,
    day_values,
    local_days,
    min_logged_days,
    rolling_mean,
)
from core.schema import SIGNS, empty_sessions
from tests.factories import rated_sessions, sessions_frame

TZ = "Europe/Berlin"


def test_a_day_value_is_the_mean_of_that_days_sessions() -> None:
    frame = rated_sessions([("2025-03-03 09:00", 2, 4, 6), ("2025-03-03 15:00", 4, 4, 8)])
    days = day_values(frame, tz=TZ, today=date(2025, 3, 3))
    assert days.loc["2025-03-03", ["dread", "detachment", "fatigue"]].to_numpy().tolist() == [
        3,
        4,
        7,
    ]
    assert days.loc["2025-03-03", "sessions"] == 2


def test_days_without_sessions_are_gaps_not_zeros() -> None:
    frame = rated_sessions([("2025-03-03 09:00", 5, 5, 5), ("2025-03-06 09:00", 5, 5, 5)])
    days = day_values(frame, tz=TZ, today=date(2025, 3, 8))
    assert len(days) == 6  # every calendar day from the first logged day to today
    assert days["fatigue"].isna().tolist() == [False, True, True, False, True, True]
    assert days["sessions"].tolist() == [1, 0, 0, 1, 0, 0]


def test_sessions_after_today_are_ignored() -> None:
    frame = rated_sessions([("2025-03-03 09:00", 1, 1, 1), ("2025-03-05 09:00", 9, 9, 9)])
    days = day_values(frame, tz=TZ, today=date(2025, 3, 4))
    assert days.index.max() == pd.Timestamp("2025-03-04")
    assert days["dread"].max() == 1


def test_only_future_sessions_give_an_empty_frame() -> None:
    frame = rated_sessions([("2025-03-05 09:00", 9, 9, 9)])
    assert day_values(frame, tz=TZ, today=date(2025, 3, 4)).empty


def test_an_empty_history_keeps_its_columns() -> None:
    days = day_values(empty_sessions(), tz=TZ, today=date(2025, 3, 4))
    assert days.empty
    assert list(days.columns) == ["dread", "detachment", "fatigue", "sessions"]


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2025-03-30 00:30", "2025-03-30"),  # the night clocks go forward
        ("2025-03-30 23:30", "2025-03-30"),
        ("2025-10-26 00:30", "2025-10-26"),  # the night clocks go back
        ("2025-10-26 23:59", "2025-10-26"),
        ("2025-10-25 23:59", "2025-10-25"),
    ],
)
def test_local_day_across_a_dst_change(local: str, expected: str) -> None:
    frame = rated_sessions([(local, 1, 1, 1)])
    assert local_days(frame["started_at"], TZ).iloc[0] == pd.Timestamp(expected)


def test_a_window_across_the_dst_change_counts_calendar_days() -> None:
    rows = [(f"2025-03-{d:02d} 23:30", 4, 4, 4) for d in range(27, 32)]
    days = day_values(rated_sessions(rows), tz=TZ, today=date(2025, 3, 31))
    assert days.index.tolist() == list(pd.date_range("2025-03-27", "2025-03-31"))
    assert days["sessions"].tolist() == [1, 1, 1, 1, 1]


def test_the_same_instant_is_a_different_day_in_another_timezone() -> None:
    frame = rated_sessions([("2025-03-03 23:30", 1, 1, 1)])  # Berlin
    assert local_days(frame["started_at"], "America/New_York").iloc[0] == pd.Timestamp("2025-03-03")
    assert local_days(frame["started_at"], "Asia/Tokyo").iloc[0] == pd.Timestamp("2025-03-04")


def test_one_session_and_six_sessions_weigh_the_same_in_a_rolling_mean() -> None:
    # Day values, not entries: a day with 6 sessions must not outvote a day with 1.
    rows = [("2025-03-03 09:00", 0, 0, 9)]
    rows += [(f"2025-03-04 {h:02d}:00", 0, 0, 1) for h in range(9, 15)]
    days = day_values(rated_sessions(rows), tz=TZ, today=date(2025, 3, 4))
    assert rolling_mean(days["fatigue"], 7, 0.25).iloc[-1] == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("window", "share", "needed"), [(7, 0.25, 2), (28, 0.25, 7), (14, 0.25, 4), (7, 1.0, 7)]
)
def test_coverage_rule(window: int, share: float, needed: int) -> None:
    assert min_logged_days(window, share) == needed


def test_a_single_day_gives_no_rolling_mean() -> None:
    days = day_values(
        rated_sessions([("2025-03-03 09:00", 7, 7, 7)]), tz=TZ, today=date(2025, 3, 3)
    )
    for window in (7, 28):
        assert rolling_mean(days[list(SIGNS)], window, 0.25).isna().all().all()


def test_weekend_only_logging_still_gives_rolling_means() -> None:
    weekends = pd.date_range("2025-03-01", "2025-03-30")
    rows = [(f"{d.date()} 10:00", 3, 3, 3) for d in weekends if d.weekday() >= 5]
    days = day_values(rated_sessions(rows), tz=TZ, today=date(2025, 3, 30))
    assert rolling_mean(days["dread"], 7, 0.25).iloc[-1] == 3
    assert rolling_mean(days["dread"], 28, 0.25).iloc[-1] == 3  # 8 logged days of 28 >= 7


def test_a_gap_does_not_pull_the_rolling_mean_down() -> None:
    rows = [("2025-03-03 09:00", 6, 6, 6), ("2025-03-07 09:00", 8, 8, 8)]
    days = day_values(rated_sessions(rows), tz=TZ, today=date(2025, 3, 9))
    assert rolling_mean(days["dread"], 7, 0.25).iloc[-1] == 7


def test_compare_weeks() -> None:
    rows = [("2025-03-20 09:00", 2, 2, 2), ("2025-03-31 09:00", 5, 3, 4)]
    days = day_values(rated_sessions(rows), tz=TZ, today=date(2025, 4, 2))
    weeks = compare_weeks(days, date(2025, 4, 2))
    assert weeks.loc["dread", "this_week"] == 5
    assert weeks.loc["dread", "previous_four"] == 2
    assert weeks.loc["dread", "change"] == 3
    assert weeks.loc["fatigue", "days_this_week"] == 1
    assert weeks.loc["fatigue", "days_previous_four"] == 1


def test_compare_weeks_without_a_previous_month() -> None:
    days = day_values(
        rated_sessions([("2025-03-31 09:00", 5, 3, 4)]), tz=TZ, today=date(2025, 4, 2)
    )
    weeks = compare_weeks(days, date(2025, 4, 2))
    assert pd.isna(weeks["previous_four"].loc["dread"])
    assert pd.isna(weeks["change"].loc["dread"])


def test_compare_weeks_on_an_empty_history() -> None:
    weeks = compare_weeks(
        day_values(empty_sessions(), tz=TZ, today=date(2025, 4, 2)), date(2025, 4, 2)
    )
    assert weeks["this_week"].isna().all()
    assert (weeks["days_this_week"] == 0).all()


def test_a_synthetic_history_has_about_four_sessions_per_working_day() -> None:
    frame = sessions_frame(seed=3)
    days = day_values(frame, tz=TZ, today=date(2025, 7, 6))
    worked = days[days["sessions"] > 0]
    assert 3 <= worked["sessions"].mean() <= 7
    assert pd.DatetimeIndex(worked.index).day_of_week.max() <= 4  # weekends off
