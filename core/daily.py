"""Day values per sign and rolling calendar means.

A *day value* is a sign's mean over the sessions of one local day (in the therapist's timezone).
Days without sessions stay gaps (NaN), never zeros: a day off is not a good day.

Minimum-coverage rule for rolling means: a rolling mean over the last `w` calendar days (today
included) is given only when at least ``ceil(min_coverage_share * w)`` of those days were logged
(with the default 0.25: 2 of 7 days, 7 of 28 days); otherwise it is missing. Every logged day
weighs the same, however many sessions it held.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.schema import SIGNS

Frame = TypeVar("Frame", pd.Series, pd.DataFrame)

DAY = "day"
SESSIONS = "sessions"
SIGN_INDEX = pd.Index(SIGNS, name="sign")  # built once: a new string Index costs a millisecond


def as_zone(tz: str | ZoneInfo) -> ZoneInfo:
    """A ZoneInfo for a zone name or a ZoneInfo."""
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def local_days(started_at: pd.Series, tz: str | ZoneInfo) -> pd.Series:
    """The local calendar day of each aware start time, as naive midnight timestamps."""
    local = started_at.dt.tz_convert(as_zone(tz).key).dt.tz_localize(None)
    return local.dt.normalize().astype("datetime64[us]")


def calendar(first: date, last: date) -> pd.DatetimeIndex:
    """Every calendar day from `first` to `last` inclusive, named 'day'."""
    return pd.date_range(first, last, freq="D", name=DAY, unit="us")


def day_values(sessions: pd.DataFrame, *, tz: str | ZoneInfo, today: date) -> pd.DataFrame:
    """One row per calendar day from the first logged day to `today`: each sign's mean and a count.

    Sessions after `today` are ignored. Columns: the three signs (NaN on gaps) and 'sessions'
    (0 on gaps). An empty input gives an empty frame with the same columns.
    """
    columns = [*SIGNS, SESSIONS]
    end = pd.Timestamp(today)
    days = local_days(sessions["started_at"], tz) if not sessions.empty else None
    keep = None if days is None else (days <= end).to_numpy()
    if days is None or keep is None or not keep.any():
        return pd.DataFrame(
            {c: pd.Series([], dtype="float64" if c in SIGNS else "int64") for c in columns},
            index=pd.DatetimeIndex([], name=DAY, dtype="datetime64[us]"),
        )
    # Day numbers and bincount instead of a groupby: this runs on every page view.
    stamps = days.to_numpy()[keep].astype("datetime64[D]").astype("int64")
    first = int(stamps.min())
    index = calendar(date.fromordinal(date(1970, 1, 1).toordinal() + first), today)
    position = stamps - first
    counts = np.bincount(position, minlength=len(index))
    means: dict[str, npt.NDArray[Any]] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for sign in SIGNS:
            ratings = sessions[sign].to_numpy(dtype="float64")[keep]
            means[sign] = np.bincount(position, weights=ratings, minlength=len(index)) / counts
    return pd.DataFrame({**means, SESSIONS: counts.astype("int64")}, index=index)


def min_logged_days(window: int, min_coverage_share: float) -> int:
    """How many logged days a rolling window of `window` days needs before it gives a mean."""
    return max(1, math.ceil(min_coverage_share * window - 1e-9))


def rolling_mean(values: Frame, window: int, min_coverage_share: float) -> Frame:
    """Mean of the logged day values in the last `window` calendar days, under the coverage rule.

    `values` must be indexed by every calendar day (as `day_values` gives it), gaps as NaN.
    """
    needed = min_logged_days(window, min_coverage_share)
    return values.rolling(window, min_periods=needed).mean()


def compare_weeks(days: pd.DataFrame, today: date) -> pd.DataFrame:
    """This week (the 7 days ending `today`) against the 28 days before it, per sign.

    Index: the signs. Columns: this_week and previous_four (means of day values, NaN when no day
    was logged), change (this_week - previous_four), days_this_week and days_previous_four.
    """
    rows = []
    values = sign_matrix(days)
    if len(days):
        # The index is every calendar day, so positions follow from day differences.
        offset = (pd.Timestamp(today) - days.index[0]).days
        last = offset + 1
    else:
        last = 0
    this = values[max(last - 7, 0) : max(last, 0)]
    before = values[max(last - 35, 0) : max(last - 7, 0)]
    for j in range(len(SIGNS)):
        now_days, then_days = this[:, j], before[:, j]
        n_now, n_then = int((~np.isnan(now_days)).sum()), int((~np.isnan(then_days)).sum())
        now = float(np.nanmean(now_days)) if n_now else np.nan
        then = float(np.nanmean(then_days)) if n_then else np.nan
        rows.append(
            {
                "this_week": now,
                "previous_four": then,
                "change": now - then,
                "days_this_week": n_now,
                "days_previous_four": n_then,
            }
        )
    return pd.DataFrame(rows, index=SIGN_INDEX)


def sign_matrix(days: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The day values of the three signs as a (days x signs) float array, gaps NaN."""
    if days.empty:
        return np.empty((0, len(SIGNS)))
    return np.column_stack(
        [days[sign].to_numpy(dtype="float64", na_value=np.nan) for sign in SIGNS]
    )
