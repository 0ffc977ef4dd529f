"""The practice view's counts: each member judged as their own Review judges them."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from core.levels import Level
from core.practice import COUNT_COLUMNS, level_counts, member_levels, this_week, weeks_after
from core.schema import empty_sessions
from core.settings import Thresholds
from core.warnings import assess
from tests.factories import rated_sessions

TODAY = date(2026, 11, 26)
TZ = "Europe/Berlin"


def history(*, raised_days: int, high: int = 8, days: int = 240) -> pd.DataFrame:
    """A day a session at 2 on every sign, the last `raised_days` days at `high` instead."""
    rows = []
    for back in range(days, -1, -1):
        day = TODAY - timedelta(days=back)
        value = high if back < raised_days else 2 + (back % 3 == 0)
        rows.append((f"{day} 10:00", value, value, value))
    return rated_sessions(rows, TZ)


@pytest.mark.parametrize(
    ("raised_days", "level"),
    [(0, Level.NONE), (16, Level.WATCH), (40, Level.CHRONIC)],
)
def test_a_members_level_today_is_their_reviews_overall_level(
    raised_days: int, level: Level
) -> None:
    sessions = history(raised_days=raised_days)
    (today,) = member_levels(sessions, thresholds=Thresholds(), today=TODAY, tz=TZ, days=[TODAY])
    overall = assess(sessions, today=TODAY, tz=TZ).overall.level
    assert today == overall == level


def test_counts_per_week_add_up_to_the_members() -> None:
    members = [
        (history(raised_days=0), Thresholds()),
        (history(raised_days=16), Thresholds()),
        (history(raised_days=40), Thresholds()),
        (empty_sessions(), Thresholds()),
    ]
    counts = level_counts(members, today=TODAY, tz=TZ)
    assert tuple(counts.columns) == COUNT_COLUMNS
    assert len(counts) == 13 and counts["week_end"].iloc[-1] == TODAY
    assert counts["week_end"].iloc[0] == TODAY - timedelta(weeks=12)
    assert (counts[["none", "watch", "chronic"]].sum(axis=1) == 4).all()
    assert this_week(counts) == {Level.NONE: 2, Level.WATCH: 1, Level.CHRONIC: 1}
    # Twelve weeks ago everyone was at their usual level.
    assert counts.iloc[0][["none", "watch", "chronic"]].tolist() == [4, 0, 0]


def test_each_member_is_judged_with_their_own_thresholds() -> None:
    sessions = history(raised_days=40)
    lenient = Thresholds(absolute_threshold=9.0, rise_points=6.0)
    counts = level_counts([(sessions, lenient)], today=TODAY, tz=TZ, weeks=0)
    strict = level_counts([(sessions, Thresholds())], today=TODAY, tz=TZ, weeks=0)
    assert this_week(strict)[Level.CHRONIC] == 1
    assert this_week(counts)[Level.CHRONIC] == 0


def test_no_members_count_nothing() -> None:
    counts = level_counts([], today=TODAY, tz=TZ)
    assert len(counts) == 13 and counts[["none", "watch", "chronic"]].sum().sum() == 0
    assert this_week(counts.iloc[0:0]) == {Level.NONE: 0, Level.WATCH: 0, Level.CHRONIC: 0}


def test_only_weeks_ending_after_the_last_change_of_members_are_kept() -> None:
    today = date(2026, 11, 30)
    counts = level_counts([], today=today, tz="Europe/Copenhagen")
    assert weeks_after(counts, None).equals(counts)
    assert weeks_after(counts, today).empty  # changed today: nothing until tomorrow
    kept = weeks_after(counts, today - timedelta(days=8))
    assert list(kept["week_end"]) == [today - timedelta(days=7), today]
    assert len(weeks_after(counts, today - timedelta(days=7 * 13))) == 13
