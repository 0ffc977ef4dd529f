"""Packet summaries: week by week, change between periods, grounding and scenarios."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from core.schema import as_sessions, empty_sessions
from core.supervision import (
    Period,
    compare_periods,
    grounding_summary,
    in_period,
    period_means,
    scenario_table,
    weekly_table,
)

BERLIN = ZoneInfo("Europe/Berlin")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return as_sessions(pd.DataFrame(rows))


def _row(day: date, rating: int, *, hour: int = 10, grounding: bool = False, tags=()) -> dict:
    return {
        "started_at": _at(day, hour),
        "client_code": "C-01",
        "dread": rating,
        "detachment": rating,
        "fatigue": rating,
        "grounding_done": grounding,
        "scenarios": list(tags),
    }


def test_period_before_has_the_same_length_and_touches() -> None:
    period = Period(date(2026, 11, 1), date(2026, 11, 28))
    before = period.before()
    assert before == Period(date(2026, 10, 4), date(2026, 10, 31))
    assert before.days == period.days == 28


def test_in_period_uses_local_days() -> None:
    # 00:30 on 1 Dec in Berlin is 30 Nov in UTC: it belongs to December locally.
    frame = _frame([_row(date(2026, 12, 1), 5, hour=0)])
    assert len(in_period(frame, Period(date(2026, 12, 1), date(2026, 12, 7)), BERLIN)) == 1
    assert in_period(frame, Period(date(2026, 11, 1), date(2026, 11, 30)), BERLIN).empty


def test_weekly_table_averages_day_values_not_sessions() -> None:
    # Monday: six sessions rated 8; Tuesday: one rated 2. Day values 8 and 2 -> week mean 5.
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    rows = [_row(monday, 8, hour=8 + i, grounding=i < 3) for i in range(6)]
    rows.append(_row(tuesday, 2))
    table = weekly_table(_frame(rows), Period(monday, date(2026, 11, 29)), BERLIN)
    assert table["week"].tolist() == [monday]
    assert table["dread"].tolist() == [5.0]
    assert table["sessions"].tolist() == [7]
    assert table["days_logged"].tolist() == [2]
    assert table["grounding_share"].tolist() == [pytest.approx(3 / 7)]


def test_weekly_table_skips_weeks_without_entries_and_keeps_columns_when_empty() -> None:
    rows = [_row(date(2026, 11, 2), 3), _row(date(2026, 11, 23), 5)]
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    table = weekly_table(_frame(rows), period, BERLIN)
    assert table["week"].tolist() == [date(2026, 11, 2), date(2026, 11, 23)]
    empty = weekly_table(_frame(rows).iloc[:0], period, BERLIN)
    assert empty.empty and list(empty.columns) == list(table.columns)


@pytest.mark.parametrize(
    ("before", "now", "words"),
    [
        ([3], [3], "about the same"),
        ([3], [5], "up 2.0 points"),
        ([5], [3], "down 2.0 points"),
        ([3, 3], [3, 3, 4], "about the same"),
        ([3, 3], [3, 4], "up 0.5 points"),
    ],
)
def test_change_sentences(before: list[int], now: list[int], words: str) -> None:
    early, late = date(2026, 10, 5), date(2026, 11, 2)
    rows = [_row(early, r, hour=8 + i) for i, r in enumerate(before)]
    rows += [_row(late, r, hour=8 + i) for i, r in enumerate(now)]
    changes = compare_periods(
        _frame(rows), Period(late, late), Period(early, early), BERLIN, label="the last packet"
    )
    dread = changes[0]
    assert dread.sign == "dread"
    assert words in dread.sentence
    assert dread.delta == pytest.approx(sum(now) / len(now) - sum(before) / len(before))


def test_change_without_entries_says_so() -> None:
    frame = _frame([_row(date(2026, 11, 2), 4)])
    changes = compare_periods(
        frame,
        Period(date(2026, 11, 2), date(2026, 11, 8)),
        Period(date(2026, 10, 26), date(2026, 11, 1)),
        BERLIN,
        label="the 7 days before",
    )
    assert "nothing was logged in the 7 days before" in changes[0].sentence
    assert changes[0].delta is None
    assert period_means(frame.iloc[:0], Period(date(2026, 1, 1), date(2026, 1, 2)), BERLIN) == {
        "dread": None,
        "detachment": None,
        "fatigue": None,
    }


def test_grounding_summary_counts_tough_sessions() -> None:
    day = date(2026, 11, 23)
    rows = [
        _row(day, 7, hour=9, grounding=True),
        _row(day, 6, hour=10, grounding=False),
        _row(day, 2, hour=11, grounding=True),
        _row(day, 1, hour=12, grounding=False),
    ]
    summary = grounding_summary(_frame(rows), Period(day, day), BERLIN)
    assert (summary.sessions, summary.grounded, summary.tough, summary.tough_grounded) == (
        4,
        2,
        2,
        1,
    )
    assert "2 of 4 sessions (50%)" in summary.sentence
    assert "2 tough sessions" in summary.sentence


def test_grounding_summary_on_an_empty_period() -> None:
    period = Period(date(2026, 1, 1), date(2026, 1, 7))
    summary = grounding_summary(empty_sessions(), period, BERLIN)
    assert summary.sessions == 0
    assert "No sessions" in summary.sentence


def test_scenario_table_counts_each_tag_of_a_session() -> None:
    day = date(2026, 11, 23)
    rows = [
        _row(day, 8, hour=9, tags=("boundary pushing", "countertransference")),
        _row(day, 4, hour=10, tags=("boundary pushing",)),
        _row(day, 1, hour=11),
    ]
    table = scenario_table(_frame(rows), Period(day, day), BERLIN)
    assert table["tag"].tolist() == ["boundary pushing", "countertransference"]
    assert table["sessions"].tolist() == [2, 1]
    assert table["dread"].tolist() == [6.0, 8.0]
    untagged = scenario_table(_frame(rows[2:]), Period(day, day), BERLIN)
    assert untagged.empty and "tag" in untagged.columns


def test_period_bounds_are_local_midnights_across_a_clock_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 29 Mar 2026 has 23 hours in Berlin (clocks go forward).
    first, after = Period(date(2026, 3, 28), date(2026, 3, 29)).bounds(berlin)
    assert first == datetime(2026, 3, 28, 0, 0, tzinfo=berlin)
    assert after == datetime(2026, 3, 30, 0, 0, tzinfo=berlin)
    assert after.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=47)
