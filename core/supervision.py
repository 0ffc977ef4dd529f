"""Summaries for the supervision packet: week by week, grounding rituals, change since last time.

Pure functions on session frames; the caller passes the period and the timezone. Every sign
figure is a mean of day values (the mean of each local day's sessions), so a day with six
sessions does not outvote a day with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from core.daily import day_values
from core.deidentify import week_start
from core.schema import SIGNS

SAME_BAND = 0.5
"""A change of a period mean smaller than half a point is reported as "about the same"."""

TOUGH_SESSION_RATING = 6
"""A session is tough for the grounding summary when any sign is rated this high or higher."""

WEEK_COLUMNS = ("week", "sessions", "days_logged", *SIGNS, "grounding_share")


@dataclass(frozen=True)
class Period:
    """An inclusive span of local days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.end - self.start).days + 1

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware instants [first local midnight, the midnight after the last day)."""
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    @classmethod
    def ending(cls, last: date, days: int) -> Period:
        """The `days` local days that end on `last` (included), e.g. the last four weeks."""
        return cls(last - timedelta(days=days - 1), last)

    def before(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        return Period.ending(self.start - timedelta(days=1), self.days)


@dataclass(frozen=True)
class SignChange:
    """How one sign's period mean moved against the earlier period."""

    sign: str
    now: float | None
    before: float | None
    sentence: str

    @property
    def delta(self) -> float | None:
        """The change in points, or None when either period has no entries."""
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


@dataclass(frozen=True)
class GroundingSummary:
    """How often the grounding ritual followed sessions, and tough sessions in particular."""

    sessions: int
    grounded: int
    tough: int
    tough_grounded: int
    sentence: str


def session_dates(sessions: pd.DataFrame, tz: ZoneInfo) -> pd.Series:
    """The local calendar day of each session."""
    return sessions["started_at"].dt.tz_convert(tz).dt.date


def in_period(sessions: pd.DataFrame, period: Period, tz: ZoneInfo) -> pd.DataFrame:
    """The sessions whose local day falls inside `period`."""
    if sessions.empty:
        return sessions
    days = session_dates(sessions, tz)
    return sessions[(days >= period.start) & (days <= period.end)]


def _day_values(sessions: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Logged days only (core.daily's gaps dropped), indexed by local date."""
    last = session_dates(sessions, tz).max()
    days = day_values(sessions, tz=tz, today=last)
    days = days[days["sessions"] > 0][list(SIGNS)]
    days.index = [d.date() for d in days.index]
    return days


def weekly_table(sessions: pd.DataFrame, period: Period, tz: ZoneInfo) -> pd.DataFrame:
    """One row per local week (Monday) of the period that holds entries: counts and sign means."""
    chosen = in_period(sessions, period, tz)
    if chosen.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in WEEK_COLUMNS})
    days = _day_values(chosen, tz)
    days["week"] = [week_start(d) for d in days.index]
    weeks = days.groupby("week", sort=True)[list(SIGNS)].mean()
    weeks["days_logged"] = days.groupby("week", sort=True).size()
    by_week = chosen.assign(week=[week_start(d) for d in session_dates(chosen, tz)])
    grouped = by_week.groupby("week", sort=True)
    weeks["sessions"] = grouped.size()
    weeks["grounding_share"] = grouped["grounding_done"].mean()
    return weeks.reset_index()[list(WEEK_COLUMNS)]


def period_means(sessions: pd.DataFrame, period: Period, tz: ZoneInfo) -> dict[str, float | None]:
    """Each sign's mean of day values over the period (None when nothing was logged)."""
    chosen = in_period(sessions, period, tz)
    if chosen.empty:
        return dict.fromkeys(SIGNS)
    means = _day_values(chosen, tz).mean()
    return {sign: float(means[sign]) for sign in SIGNS}


def _change_sentence(sign: str, now: float | None, before: float | None, label: str) -> str:
    name = sign.capitalize()
    if now is None:
        return f"{name}: nothing logged in this period."
    if before is None:
        return f"{name}: averaged {now:.1f}; nothing was logged in {label} to compare with."
    delta = now - before
    if abs(delta) < SAME_BAND:
        return f"{name}: about the same as {label} ({now:.1f}, was {before:.1f})."
    direction = "up" if delta > 0 else "down"
    return (
        f"{name}: {direction} {abs(delta):.1f} points since {label} ({now:.1f}, was {before:.1f})."
    )


def compare_periods(
    sessions: pd.DataFrame, current: Period, previous: Period, tz: ZoneInfo, *, label: str
) -> list[SignChange]:
    """Each sign's change of period mean from `previous` to `current`, with a sentence.

    `label` names the earlier period in the sentence, e.g. "the last packet".
    """
    now = period_means(sessions, current, tz)
    before = period_means(sessions, previous, tz)
    return [
        SignChange(
            sign, now[sign], before[sign], _change_sentence(sign, now[sign], before[sign], label)
        )
        for sign in SIGNS
    ]


def grounding_summary(
    sessions: pd.DataFrame,
    period: Period,
    tz: ZoneInfo,
    *,
    tough_rating: int = TOUGH_SESSION_RATING,
) -> GroundingSummary:
    """How often a grounding ritual was logged, overall and after tough sessions."""
    chosen = in_period(sessions, period, tz)
    total = len(chosen)
    grounded = int(chosen["grounding_done"].sum()) if total else 0
    tough_rows = chosen[(chosen[list(SIGNS)] >= tough_rating).any(axis=1)] if total else chosen
    tough = len(tough_rows)
    tough_grounded = int(tough_rows["grounding_done"].sum()) if tough else 0
    if not total:
        sentence = "No sessions were logged in this period."
    else:
        sentence = (
            f"A grounding ritual followed {grounded} of {total} sessions ({grounded / total:.0%})."
        )
        if tough:
            sentence += (
                f" After the {tough} tough sessions (any sign {tough_rating} or more) it followed"
                f" {tough_grounded} ({tough_grounded / tough:.0%})."
            )
        else:
            sentence += f" No session was rated {tough_rating} or more on any sign."
    return GroundingSummary(total, grounded, tough, tough_grounded, sentence)


SCENARIO_COLUMNS = ("tag", "sessions", *SIGNS)


def scenario_table(sessions: pd.DataFrame, period: Period, tz: ZoneInfo) -> pd.DataFrame:
    """Per scenario tag in the period: how many sessions carried it and their mean ratings.

    A session with two tags counts for both. Means are over sessions here, not days: a tag
    belongs to a session, and the question is what sessions with that tag cost.
    """
    chosen = in_period(sessions, period, tz)
    tagged = chosen[["scenarios", *SIGNS]].explode("scenarios").dropna(subset=["scenarios"])
    if tagged.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in SCENARIO_COLUMNS})
    tagged = tagged.rename(columns={"scenarios": "tag"})
    grouped = tagged.groupby("tag", sort=True)
    table = grouped[list(SIGNS)].mean().astype("float64")
    table["sessions"] = grouped.size()
    table = table.reset_index().sort_values(["sessions", "tag"], ascending=[False, True])
    return table[list(SCENARIO_COLUMNS)].reset_index(drop=True)
