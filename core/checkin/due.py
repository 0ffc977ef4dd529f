"""Whether a check-in is due: every `checkin_every_days` days after the last one.

Check-ins dated after `today` are ignored (a clock that moved back must not silence the
reminder). Before the first check-in, one is due at once: the first gives the baseline the
later ones are compared with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Due:
    """The check-in reminder: whether one is due, since when, and when the next one falls due.

    `since` and `next_on` are None before the first check-in; `days_overdue` counts from
    `since` (0 on the day it falls due).
    """

    due: bool
    last: date | None
    next_on: date | None
    since: date | None
    days_overdue: int
    message: str


def _day(value: date) -> str:
    """'2 November 2026': how the check-in pages write a date."""
    return f"{value.day} {value:%B %Y}"


def checkin_due(checkin_days: Iterable[date], *, today: date, every_days: int) -> Due:
    """The reminder state on `today`, given the days of every completed check-in."""
    if every_days < 1:
        raise ValueError("a check-in interval must be at least one day")
    past = [day for day in checkin_days if day <= today]
    if not past:
        return Due(
            due=True,
            last=None,
            next_on=None,
            since=None,
            days_overdue=0,
            message=(
                "A check-in is due: no questionnaire yet. The first one gives the baseline the "
                "later ones are compared with."
            ),
        )
    last = max(past)
    next_on = last + timedelta(days=every_days)
    if today < next_on:
        days_left = (next_on - today).days
        return Due(
            due=False,
            last=last,
            next_on=next_on,
            since=None,
            days_overdue=0,
            message=(
                f"Next check-in on {_day(next_on)} "
                f"(in {days_left} day{'s' if days_left != 1 else ''}); "
                f"the last one was on {_day(last)}."
            ),
        )
    overdue = (today - next_on).days
    when = "today" if overdue == 0 else f"since {_day(next_on)}"
    return Due(
        due=True,
        last=last,
        next_on=next_on,
        since=next_on,
        days_overdue=overdue,
        message=(
            f"A check-in is due {when}: the last one was {(today - last).days} days ago, "
            f"on {_day(last)} (one every {every_days} days)."
        ),
    )
