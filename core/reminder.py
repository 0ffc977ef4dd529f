"""A gentle reminder when logging lapses: how many of the last working days hold an entry.

*Working days* are the weekdays a person usually logs on, read from their own recent history
(a therapist who sees clients Tuesday to Saturday is never reminded about Mondays). The
reminder is shown only while logging lapses and never before there is a history to compare
with; it is one sentence, never a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ReminderRule:
    """When the reminder appears; each default with its reason."""

    history_days: int = 56
    """Eight weeks to learn the usual weekdays: enough to see a pattern, short enough to follow
    a changed timetable."""

    usual_share: float = 0.5
    """A weekday is a working day when at least half of its dates in that history were logged,
    so a two-week lapse (6 of 8 Mondays) does not hide the usual Mondays."""

    min_occurrences: int = 2
    """A weekday needs at least this many dates since the first entry to be judged at all."""

    recent_working_days: int = 6
    """The last this many working days are counted: a week and a bit for a five-day week."""

    lapse_at_most: int = 3
    """Shown when at most this many of them were logged: half or fewer, not one missed day."""


@dataclass(frozen=True)
class LoggingLapse:
    """Logging lapsed: `logged` of the last `working_days` working days hold an entry."""

    logged: int
    working_days: int

    def sentence(self) -> str:
        """The reminder in one plain sentence."""
        return (
            f"You logged {self.logged} of your last {self.working_days} working days "
            "(the weekdays you usually log on)."
        )


def working_weekdays(
    logged_days: Iterable[date], *, today: date, rule: ReminderRule = ReminderRule()
) -> frozenset[int]:
    """The weekdays (Monday = 0) logged on at least `usual_share` of their dates in the history.

    The history is the `history_days` days before `today`, from the first logged day on: days
    before someone started using the app say nothing about their week.
    """
    days = set(logged_days)
    if not days:
        return frozenset()
    first = max(min(days), today - timedelta(days=rule.history_days))
    dates = [first + timedelta(days=n) for n in range((today - first).days)]
    usual = set()
    for weekday in range(7):
        mine = [day for day in dates if day.weekday() == weekday]
        if len(mine) < rule.min_occurrences:
            continue
        if sum(day in days for day in mine) >= rule.usual_share * len(mine):
            usual.add(weekday)
    return frozenset(usual)


def logging_lapse(
    logged_days: Iterable[date], *, today: date, rule: ReminderRule = ReminderRule()
) -> LoggingLapse | None:
    """How many of the last working days were logged, when that is few enough to mention.

    Today counts once it holds an entry (before that, the day is not over). None when logging
    is steady, or when the history is too short to know the working days.
    """
    days = {day for day in logged_days if day <= today}
    usual = working_weekdays(days, today=today, rule=rule)
    if not usual:
        return None
    first = min(days)
    recent: list[date] = []
    day = today if today in days else today - timedelta(days=1)
    while len(recent) < rule.recent_working_days and day >= first:
        if day.weekday() in usual:
            recent.append(day)
        day -= timedelta(days=1)
    if len(recent) < rule.recent_working_days:
        return None
    logged = sum(day in days for day in recent)
    if logged > rule.lapse_at_most:
        return None
    return LoggingLapse(logged=logged, working_days=len(recent))
