"""The practice view's counting: how many opted-in therapists are at each warning level.

Each member is judged exactly as their own Review page judges them (core.warnings.assess with
their own thresholds), and only counts leave: per week, how many are at none, watch and
chronic. Whether there are enough members to show anything at all is the database's decision
(the minimum group, migration 0008); this module never sees who anyone is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd

from core.levels import LEVELS, Level
from core.settings import Thresholds
from core.warnings import assess

WEEKS: Final = 12
"""How many past weeks the practice view counts, besides this one."""
WEEK_END: Final = "week_end"
COUNT_COLUMNS: Final = (WEEK_END, *LEVELS)


def member_levels(
    sessions: pd.DataFrame,
    *,
    thresholds: Thresholds,
    today: date,
    tz: str | ZoneInfo,
    days: list[date],
) -> list[Level]:
    """One member's overall level (the highest of the three signs) on each of `days`.

    A day before their first entry counts as none: nothing suggests a warning then.
    """
    judged = assess(sessions, today=today, tz=tz, thresholds=thresholds).days
    if judged.empty:
        return [Level.NONE for _ in days]
    ranks = judged["level"].map(lambda level: Level(level).rank).astype("int64")
    highest = ranks.groupby(judged["day"].dt.date).max()
    return [Level.from_rank(int(highest.get(day, 0))) for day in days]


def level_counts(
    members: Sequence[tuple[pd.DataFrame, Thresholds]],
    *,
    today: date,
    tz: str | ZoneInfo,
    weeks: int = WEEKS,
) -> pd.DataFrame:
    """Per week (its last day), how many members were at none, watch and chronic.

    One row for today ("this week") and one for each of the `weeks` weeks before it, oldest
    first; the levels are each member's on that day. Columns: week_end, none, watch, chronic.
    """
    days = [today - timedelta(days=7 * back) for back in range(weeks, -1, -1)]
    tallies = [dict.fromkeys(LEVELS, 0) for _ in days]
    for sessions, thresholds in members:
        levels = member_levels(sessions, thresholds=thresholds, today=today, tz=tz, days=days)
        for tally, level in zip(tallies, levels, strict=True):
            tally[level.value] += 1
    counts = pd.DataFrame(tallies, columns=list(LEVELS), dtype="int64")
    counts.insert(0, WEEK_END, days)
    return counts


def weeks_after(counts: pd.DataFrame, changed: date | None) -> pd.DataFrame:
    """The weeks of `counts` that ended after `changed`, the day someone last joined or left.

    A week counted before a change and again after it differs by exactly the person who joined
    or left: a lead comparing the two views could read that person's level in every such week.
    So no week ending on or before that day is shown (on the day itself, none at all).
    """
    if changed is None:
        return counts
    return counts[counts[WEEK_END] > changed].reset_index(drop=True)


def this_week(counts: pd.DataFrame) -> dict[Level, int]:
    """The counts of the newest week, by level (all zero for an empty table)."""
    if counts.empty:
        return dict.fromkeys((Level(level) for level in LEVELS), 0)
    last = counts.iloc[-1]
    return {Level(level): int(last[level]) for level in LEVELS}
