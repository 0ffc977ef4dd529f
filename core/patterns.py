"""Recurring difficult patterns: which clients, scenarios, times and loads cost more than usual.

Method
------
Every session's rating on each sign is compared with the therapist's **local baseline** at that
time. Its base is the median of the *day values* (a day's mean rating) of the other logged days
within `pattern_days_each_side` either side of the session's local day. The rest of the
session's own day (its *other* sessions) then moves that median part of the way, by the usual
empirical-Bayes weight k·τ²/(k·τ² + σ²): k other sessions that day, τ² how far single days stray
from their fortnight, σ² how far sessions stray from their day (both estimated per sign from the
data). A session never sets its own yardstick. Because the baseline moves with the therapist, a
neutral client seen only during a globally bad month sits near zero, and a client who costs more
sits above it in any month.

The difference (rating − local baseline) is grouped by client code, scenario tag (a session with
two tags counts in both), weekday, time-of-day band, position in the day (1st, 2nd, …), number of
sessions that day, and back-to-back sessions. Per group and sign the comparison reports n, the
mean difference (the *effect*), how many sessions sat above their baseline, a 95% t interval, a
two-sided t-test p-value (Student's t from `scipy.special`: `stdtr`, `stdtrit`), and the
Benjamini–Hochberg q-value over every comparison reported together (`benjamini_hochberg`, equal
to `scipy.stats.false_discovery_control`, which the tests check; scipy.stats itself would cost
the server some 50 MiB). The t statistic is the
*moderated* one (Smyth 2004): a group's variance is pooled with the variance of all sessions,
worth `pattern_prior_df` degrees of freedom, which the t distribution then gets as well.

Groups with fewer than `pattern_min_sessions_shown` (3) sessions never appear. A comparison is
**recurring** when all four hold:

- q < `pattern_q_cutoff` (0.05): unlikely to be chance, given how many comparisons were made;
- effect ≥ `pattern_min_effect` (1.0 point on the 0–10 scale): big enough to feel;
- the interval's lower end ≥ `pattern_min_interval_low` (0.8): even the cautious reading is a cost,
  which keeps small, real client-to-client differences (a few tenths) from being called patterns;
- n ≥ `pattern_min_sessions_recurring` (5): it has actually recurred.

Only effects *above* the usual can be recurring: the product looks for what costs more.
Every threshold named here is a `pattern_*` (or session / back-to-back) field of
`core.settings.Thresholds`, with its default and the reason for it.

Back-to-back: entries carry only a start time, so a session counts as back-to-back when it starts
less than `session_minutes + back_to_back_gap_minutes` (50 + 15) after the previous session of the
same local day, i.e. the break after an assumed 50-minute session was under 15 minutes.

Public API: `find_patterns(sessions, today=..., tz=..., settings=...) -> PatternReport`, then
`findings(report.comparisons)` for ranked sentences and `patterns_payload(report.comparisons)` for
`tightrope status --json`. Pure: frames in, frames out, `today` and `tz` passed in.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from core.schema import SIGNS
from core.settings import Thresholds
from core.supervision import Period

KINDS: Final = ("client", "scenario", "weekday", "time_of_day", "position", "load", "back_to_back")
"""What sessions are grouped by, in the order the page lists them."""

WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

TIME_BANDS: Final = (
    ("morning", 0, 12, "in the morning (before 12:00)"),
    ("early afternoon", 12, 15, "in the early afternoon (12:00–15:00)"),
    ("late afternoon", 15, 18, "in the late afternoon (15:00–18:00)"),
    ("evening", 18, 24, "in the evening (from 18:00)"),
)
"""Time-of-day bands: key, first hour, hour after the last, phrase for sentences."""

DEFAULT_PERIOD_DAYS: Final = 365
"""Sessions compared by default (page and `tightrope status`): the last twelve months."""

MAX_POSITION: Final = 6  # the 6th and later sessions of a day are one group: few days have more
MAX_LOAD: Final = 8  # days with 8 or more sessions are one group, for the same reason
BACK_TO_BACK: Final = "back-to-back"

COMPARISON_COLUMNS: Final = (
    "kind",
    "key",
    "sign",
    "n",
    "effect",
    "ci_low",
    "ci_high",
    "n_above",
    "share_above",
    "p",
    "q",
    "recurring",
    "order",
)
"""Columns of `PatternReport.comparisons`: the group (kind, key), the sign, the number of
sessions, the mean difference from the local baseline with its 95% interval, how many sessions
sat above it (and the share), p and Benjamini–Hochberg q, the recurring flag, and the key's
place in its kind's natural order (Monday before Tuesday, 1st before 2nd) for tables and charts."""


@dataclass(frozen=True)
class PatternReport:
    """The pattern analysis: a state for the page, per-session differences, and comparisons."""

    status: str  # "empty" | "thin" | "ok"
    message: str
    sessions: pd.DataFrame  # one row per session: ratings, local baselines, differences, groups
    comparisons: pd.DataFrame  # COMPARISON_COLUMNS, ranked: recurring first, then by effect


def benjamini_hochberg(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Benjamini–Hochberg adjusted p-values (q-values) of `p`, in the same order."""
    p = np.asarray(p, dtype=np.float64)
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(ranked, 1.0)
    return q


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _ordinal(day: date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _ordinal_suffix(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


BAND_KEYS: Final = tuple(band[0] for band in TIME_BANDS)
POSITION_KEYS: Final = (
    *(_ordinal_suffix(p) for p in range(1, MAX_POSITION)),
    f"{MAX_POSITION}th+",
)
LOAD_KEYS: Final = (
    *(f"{n} session{'s' if n != 1 else ''}" for n in range(1, MAX_LOAD)),
    f"{MAX_LOAD}+ sessions",
)
# Group columns of the per-session frame that are ordered categoricals, and their keys.
_CATEGORIES: Final = {
    "weekday": WEEKDAYS,
    "time_of_day": BAND_KEYS,
    "position": POSITION_KEYS,
    "load": LOAD_KEYS,
}


# Built once: making the category index of each column is a measurable share of a call.
_CATEGORY_INDEX: Final = {
    keys: pd.Index(list(keys)) for keys in (WEEKDAYS, BAND_KEYS, POSITION_KEYS, LOAD_KEYS)
}


def _categorical(codes: np.ndarray, keys: tuple[str, ...]) -> pd.Categorical[str]:
    integer_codes: npt.NDArray[np.int64] = np.asarray(codes, dtype=np.int64)
    return pd.Categorical.from_codes(integer_codes, categories=_CATEGORY_INDEX[keys], ordered=True)


def _window_median(day_mean: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Per calendar day and sign: the median day value of the *other* days within `half` days."""
    padded = np.pad(day_mean, ((half, half), (0, 0)), constant_values=np.nan)
    # windows[d, sign, j] = day value of day d - half + j; fancy indexing below copies it.
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1, axis=0)
    values = windows[np.arange(len(day_mean))]
    values[:, :, half] = np.nan  # the day itself is judged, not part of its own yardstick
    # Median by sorting: NaN sorts last, so the k valid values are the first k.
    valid = np.sum(~np.isnan(values), axis=2)
    values.sort(axis=2)
    low = np.take_along_axis(values, np.maximum((valid - 1) // 2, 0)[..., None], axis=2)[..., 0]
    high = np.take_along_axis(values, np.maximum(valid // 2, 0)[..., None], axis=2)[..., 0]
    return (low + high) / 2, valid[:, 0]


def _local_baseline(
    day_index: np.ndarray,
    ratings: np.ndarray,
    day_sum: np.ndarray,
    day_count: np.ndarray,
    day_square: np.ndarray,
    settings: Thresholds,
) -> np.ndarray:
    """Per session and sign: the window median, moved part way towards the rest of its own day."""
    with np.errstate(invalid="ignore", divide="ignore"):
        day_mean = day_sum / day_count[:, None]
    median, valid_days = _window_median(day_mean, settings.pattern_days_each_side)
    # How much a single day strays from its fortnight (tau²) against session-to-session noise
    # (sigma²) decides how far the rest of the session's own day may move its baseline.
    logged = day_count > 0
    within = day_square[logged] - day_sum[logged] ** 2 / day_count[logged, None]
    sigma2 = within.sum(axis=0) / max(float((day_count[logged] - 1).sum()), 1.0)
    judged = logged & ~np.isnan(median[:, 0])
    if judged.any():
        spread = (day_mean[judged] - median[judged]) ** 2
        tau2 = np.maximum(spread.mean(axis=0) - (sigma2 / day_count[judged, None]).mean(axis=0), 0)
    else:
        tau2 = np.zeros(len(SIGNS))
    others = (day_count[day_index] - 1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        own = (day_sum[day_index] - ratings) / others
        spread = others * tau2 + sigma2
        # Perfectly flat data (no spread at all) leaves the window median as it is.
        weight = np.where((others > 0) & (spread > 0), others * tau2 / spread, 0.0)
    around = median[day_index]
    baseline = around + np.where(others > 0, weight * (own - around), 0.0)
    return np.where(
        valid_days[day_index, None] >= settings.pattern_baseline_min_days, baseline, np.nan
    )


def _empty_differences(frame: pd.DataFrame) -> pd.DataFrame:
    columns: dict[str, Any] = {
        "started_at": frame["started_at"],
        "day": pd.Series([], dtype="datetime64[us]"),
        "client_code": frame["client_code"],
        "scenarios": frame["scenarios"],
    }
    for column, keys in _CATEGORIES.items():
        columns[column] = _categorical(np.array([], dtype=np.int64), keys)
    columns["back_to_back"] = pd.Series([], dtype=bool)
    columns["sessions_that_day"] = pd.Series([], dtype="int64")
    for sign in SIGNS:
        columns[sign] = pd.Series([], dtype="int64")
        columns[f"{sign}_baseline"] = pd.Series([], dtype="float64")
        columns[f"{sign}_diff"] = pd.Series([], dtype="float64")
    return pd.DataFrame(columns)


def session_differences(
    sessions: pd.DataFrame,
    *,
    today: date,
    tz: str | ZoneInfo,
    settings: Thresholds | None = None,
) -> pd.DataFrame:
    """One row per session up to `today`: its groups and, per sign, rating, baseline, difference."""
    settings = settings or Thresholds()
    # Start time, then client code: two entries at the same minute get one order whatever the
    # input order, so positions in the day (and every result) never depend on row order.
    frame = sessions
    strictly_increasing = frame["started_at"].is_monotonic_increasing and (
        frame["started_at"].is_unique
    )
    if not strictly_increasing:
        frame = frame.sort_values(["started_at", "client_code"], kind="stable")
    local = frame["started_at"].dt.tz_convert(_zone(tz)).dt.tz_localize(None).to_numpy()
    day = local.astype("datetime64[D]").astype(np.int64)
    keep = day <= _ordinal(today)
    if not keep.all():
        frame, local, day = frame[keep], local[keep], day[keep]
    frame = frame.reset_index(drop=True)
    if frame.empty:
        return _empty_differences(frame)

    day_index = day - day.min()
    n_days = int(day_index.max()) + 1
    ratings = frame[list(SIGNS)].to_numpy(dtype=float)
    day_count = np.bincount(day_index, minlength=n_days).astype(float)
    day_sum = np.stack(
        [
            np.bincount(day_index, weights=ratings[:, i], minlength=n_days)
            for i in range(len(SIGNS))
        ],
        axis=1,
    )
    day_square = np.stack(
        [np.bincount(day_index, weights=ratings[:, i] ** 2, minlength=n_days) for i in range(3)],
        axis=1,
    )
    baseline = _local_baseline(day_index, ratings, day_sum, day_count, day_square, settings)

    # Rows are in start order, so the row number minus the day's first row is the position.
    new_day = np.r_[True, day_index[1:] != day_index[:-1]]
    first_row = np.maximum.accumulate(np.where(new_day, np.arange(len(day_index)), 0))
    position = np.arange(len(day_index)) - first_row + 1
    load = day_count[day_index].astype(np.int64)
    start_minutes = local.astype("datetime64[m]").astype(np.int64)
    # Minutes between sessions from the instants, not the wall clock: across a clock change
    # the local times are an hour off.
    instants = frame["started_at"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    since_previous = np.r_[0, np.diff(instants.astype("datetime64[m]").astype(np.int64))]
    short = settings.session_minutes + settings.back_to_back_gap_minutes
    back_to_back = ~new_day & (since_previous < short)
    hours = (start_minutes // 60) % 24
    band = np.zeros(len(hours), dtype=np.int64)
    for code, (_, first_hour, _, _) in enumerate(TIME_BANDS):
        band[hours >= first_hour] = code
    weekday = (day + 3) % 7  # 1970-01-01, day 0, was a Thursday

    columns: dict[str, Any] = {
        "started_at": frame["started_at"],
        "day": local.astype("datetime64[D]").astype("datetime64[us]"),
        "client_code": frame["client_code"],
        "scenarios": frame["scenarios"],
        "weekday": _categorical(weekday, WEEKDAYS),
        "time_of_day": _categorical(band, BAND_KEYS),
        "position": _categorical(np.minimum(position, MAX_POSITION) - 1, POSITION_KEYS),
        "load": _categorical(np.minimum(load, MAX_LOAD) - 1, LOAD_KEYS),
        "back_to_back": back_to_back,
        "sessions_that_day": load,
    }
    for i, sign in enumerate(SIGNS):
        columns[sign] = frame[sign]
        columns[f"{sign}_baseline"] = baseline[:, i]
        columns[f"{sign}_diff"] = ratings[:, i] - baseline[:, i]
    return pd.DataFrame(columns)


def _natural_order(kind: str, key: str) -> float:
    """Where a key sits in its kind's natural order (weekday order, position order, …)."""
    keys = _CATEGORIES.get(kind)
    if keys is not None and key in keys:
        return float(keys.index(key))
    return 0.0


def _empty_comparisons() -> pd.DataFrame:
    dtypes = {
        "kind": "str",
        "key": "str",
        "sign": "str",
        "n": "int64",
        "effect": "float64",
        "ci_low": "float64",
        "ci_high": "float64",
        "n_above": "int64",
        "share_above": "float64",
        "p": "float64",
        "q": "float64",
        "recurring": "bool",
        "order": "float64",
    }
    return pd.DataFrame({c: pd.Series([], dtype=dtypes[c]) for c in COMPARISON_COLUMNS})


def _memberships(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """(session row, group id) pairs for every kind, and each group id's (kind, key)."""
    rows = np.arange(len(frame))
    member_rows: list[np.ndarray] = []
    member_groups: list[np.ndarray] = []
    groups: list[tuple[str, str]] = []

    def add(kind: str, rows_: np.ndarray, codes: np.ndarray, keys: Any) -> None:
        member_rows.append(rows_)
        member_groups.append(codes + len(groups))
        groups.extend((kind, str(key)) for key in keys)

    client_codes, clients = pd.factorize(frame["client_code"], sort=True)
    add("client", rows, client_codes, clients)
    # A session with two tags sits in two scenario groups.
    tags = frame["scenarios"].tolist()
    counts = np.fromiter(map(len, tags), dtype=np.int64, count=len(tags))
    flat = np.fromiter(chain.from_iterable(tags), dtype=object, count=int(counts.sum()))
    tag_codes, tag_keys = pd.factorize(flat, sort=True)
    add("scenario", np.repeat(rows, counts), tag_codes, tag_keys)
    for kind, keys in (
        ("weekday", WEEKDAYS),
        ("time_of_day", BAND_KEYS),
        ("position", POSITION_KEYS),
        ("load", LOAD_KEYS),
    ):
        add(kind, rows, frame[kind].cat.codes.to_numpy().astype(np.int64), keys)
    b2b = frame["back_to_back"].to_numpy(dtype=bool)
    add("back_to_back", rows[b2b], np.zeros(int(b2b.sum()), dtype=np.int64), [BACK_TO_BACK])
    return np.concatenate(member_rows), np.concatenate(member_groups), groups


def compare_groups(
    differences: pd.DataFrame,
    *,
    settings: Thresholds | None = None,
    since: date | None = None,
) -> pd.DataFrame:
    """Per group and sign: n, effect, 95% interval, share above, p and BH q; recurring flagged."""
    settings = settings or Thresholds()
    diff_columns = [f"{sign}_diff" for sign in SIGNS]
    diffs_all = differences[diff_columns].to_numpy(dtype=float)
    usable = np.isfinite(diffs_all).all(axis=1)
    if since is not None:
        usable &= (differences["day"] >= pd.Timestamp(since)).to_numpy()
    frame = differences
    if not usable.all():
        frame, diffs_all = differences[usable].reset_index(drop=True), diffs_all[usable]
    if frame.empty:
        return _empty_comparisons()
    member, group, groups = _memberships(frame)
    diffs = diffs_all[member]  # (memberships, signs)
    n_groups = len(groups)

    count = np.bincount(group, minlength=n_groups)
    shown = np.flatnonzero(count >= settings.pattern_min_sessions_shown)
    if len(shown) == 0:
        return _empty_comparisons()
    mean = np.empty((n_groups, len(SIGNS)))
    sq = np.empty((n_groups, len(SIGNS)))
    above = np.empty((n_groups, len(SIGNS)), dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(len(SIGNS)):
            mean[:, i] = np.bincount(group, weights=diffs[:, i], minlength=n_groups) / count
            # Two-pass variance: squares around each group's own mean stay accurate.
            centred = diffs[:, i] - mean[group, i]
            sq[:, i] = np.bincount(group, weights=centred * centred, minlength=n_groups)
            above[:, i] = np.bincount(group, weights=diffs[:, i] > 0, minlength=n_groups)

    n = np.repeat(count[shown], len(SIGNS))
    effect = mean[shown].ravel()
    # Moderated t (Smyth 2004): a group's variance is pooled with the variance of all sessions,
    # worth `pattern_prior_df` degrees of freedom, so five sessions that happen to agree are not
    # over-trusted and five that happen to scatter do not hide a real difference.
    prior_var = np.tile(np.var(diffs_all, axis=0, ddof=1), len(shown))
    prior_df = float(settings.pattern_prior_df)
    own_df = n - 1
    df = own_df + prior_df
    se = np.sqrt((sq[shown].ravel() + prior_df * prior_var) / df) / np.sqrt(n)
    # Few distinct degrees of freedom: the quantile once per value, not once per comparison.
    unique_df, which = np.unique(df, return_inverse=True)
    half = special.stdtrit(unique_df, 0.975)[which] * se
    with np.errstate(invalid="ignore", divide="ignore"):
        t_value = effect / se
    p = 2 * special.stdtr(df, -np.abs(t_value))
    # No spread at all: the interval is the effect itself; p is 1 at zero, else 0.
    flat = se == 0
    p = np.where(flat, np.where(effect == 0, 1.0, 0.0), p)
    half = np.where(flat, 0.0, half)
    q = benjamini_hochberg(p)
    kinds = [groups[g][0] for g in shown]
    keys = [groups[g][1] for g in shown]
    n_above = above[shown].ravel()
    recurring = (
        (q < settings.pattern_q_cutoff)
        & (effect >= settings.pattern_min_effect)
        & (effect - half >= settings.pattern_min_interval_low)
        & (n >= settings.pattern_min_sessions_recurring)
    )
    # Ranked: recurring first, then the largest effect, then the most sessions (stable).
    rank = np.lexsort((-n, -effect, ~recurring))
    columns = {
        "kind": np.repeat(np.asarray(kinds, dtype=object), len(SIGNS)),
        "key": np.repeat(np.asarray(keys, dtype=object), len(SIGNS)),
        "sign": np.tile(np.asarray(SIGNS, dtype=object), len(shown)),
        "n": n,
        "effect": effect,
        "ci_low": effect - half,
        "ci_high": effect + half,
        "n_above": n_above,
        "share_above": n_above / n,
        "p": p,
        "q": q,
        "recurring": recurring,
        "order": np.repeat(
            [_natural_order(k, v) for k, v in zip(kinds, keys, strict=True)], len(SIGNS)
        ),
    }
    return pd.DataFrame({name: values[rank] for name, values in columns.items()})


def _span(days: int) -> str:
    """'about 4 weeks' for 28 days: how the history a report needs is named."""
    return f"about {days // 7} weeks" if days % 7 == 0 and days >= 14 else f"{days} days"


def find_patterns(
    sessions: pd.DataFrame,
    *,
    today: date,
    tz: str | ZoneInfo,
    settings: Thresholds | None = None,
    since: date | None = None,
) -> PatternReport:
    """The whole analysis: per-session differences, comparisons and a state for the page.

    `since` limits which sessions are compared (their baselines still use every day around them).
    """
    settings = settings or Thresholds()
    differences = session_differences(sessions, today=today, tz=tz, settings=settings)
    if differences.empty:
        return PatternReport(
            "empty",
            f"No sessions logged yet. Patterns need {_span(settings.pattern_min_history_days)} "
            "of entries; log your sessions and they will appear here.",
            differences,
            _empty_comparisons(),
        )
    days = differences["day"]
    span = int((days.max() - days.min()).days) + 1
    if span < settings.pattern_min_history_days:
        return PatternReport(
            "thin",
            f"Patterns need {_span(settings.pattern_min_history_days)} of entries; yours cover "
            f"{span} day{'s' if span != 1 else ''} so far. Keep logging and they will appear here.",
            differences,
            _empty_comparisons(),
        )
    comparisons = compare_groups(differences, settings=settings, since=since)
    if since is not None:
        # Charts show the chosen period; baselines above were computed from every day around it.
        differences = differences[differences["day"] >= pd.Timestamp(since)].reset_index(drop=True)
    if comparisons.empty:
        message = (
            "No group has enough sessions to compare yet "
            f"(each needs at least {settings.pattern_min_sessions_shown})."
        )
    elif comparisons["recurring"].any():
        message = "Some sessions keep costing you more than your usual."
    else:
        message = (
            "Nothing stands out: no client, scenario or time keeps costing you more than usual."
        )
    return PatternReport("ok", message, differences, comparisons)


def default_since(today: date) -> date:
    """First day of the default comparison period ending `today` (the last twelve months)."""
    return Period.ending(today, DEFAULT_PERIOD_DAYS).start


_DEFAULTS: Final = Thresholds()


def describe_group(kind: str, key: str, settings: Thresholds | None = None) -> str:
    """The group as the subject of a sentence, e.g. 'Sessions with C-07'."""
    settings = settings or _DEFAULTS
    if kind == "client":
        return f"Sessions with {key}"
    if kind == "scenario":
        return f"Sessions tagged “{key}”"
    if kind == "weekday":
        return f"Sessions on {key}s"
    if kind == "time_of_day":
        phrase = {band[0]: band[3] for band in TIME_BANDS}.get(key, f"in the {key}")
        return f"Sessions {phrase}"
    if kind == "position":
        if key.endswith("+"):
            return f"Sessions that are your {key[:-1]} or later of the day"
        return f"Sessions that are your {key} of the day"
    if kind == "load":
        return f"Sessions on days with {key.replace('+ ', ' or more ')}"
    if kind == "back_to_back":
        return (
            f"Back-to-back sessions (less than {settings.back_to_back_gap_minutes} minutes' break)"
        )
    return f"Sessions in {key}"


def finding_sentence(row: Any, settings: Thresholds | None = None) -> str:
    """One comparison in words: the effect, its direction, how many sessions and how many above."""
    subject = describe_group(str(row.kind), str(row.key), settings)
    effect = float(row.effect)
    direction = "above" if effect >= 0 else "below"
    n, n_above = int(row.n), int(row.n_above)
    return (
        f"{subject} leave your {row.sign} {abs(effect):.1f} "
        f"point{'s' if round(abs(effect), 1) != 1 else ''} {direction} your usual "
        f"({n} sessions, {n_above} of them above)."
    )


def findings(
    comparisons: pd.DataFrame,
    *,
    settings: Thresholds | None = None,
    limit: int | None = None,
) -> list[str]:
    """Ranked sentences for the recurring comparisons, the largest effect first."""
    recurring = comparisons[comparisons["recurring"]].sort_values(
        ["effect", "n"], ascending=[False, False], kind="stable"
    )
    if limit is not None:
        recurring = recurring.head(limit)
    return [finding_sentence(row, settings) for row in recurring.itertuples(index=False)]


def patterns_payload(comparisons: pd.DataFrame) -> list[dict[str, object]]:
    """Every comparison as plain JSON-ready dicts (for `tightrope status --json`)."""
    records: list[dict[Hashable, Any]] = comparisons.to_dict("records")
    return [
        {
            "kind": str(row["kind"]),
            "key": str(row["key"]),
            "sign": str(row["sign"]),
            "effect": round(float(row["effect"]), 3),
            "ci_low": round(float(row["ci_low"]), 3),
            "ci_high": round(float(row["ci_high"]), 3),
            "n": int(row["n"]),
            "q": float(f"{float(row['q']):.4g}"),
            "recurring": bool(row["recurring"]),
        }
        for row in records
    ]
