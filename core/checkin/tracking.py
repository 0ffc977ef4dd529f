"""Do the quick session ratings track the check-ins?

For each sign, its mean of *day values* (core.daily: a day's mean over its sessions, so a day
with six sessions does not outvote a day with one) over the 28 days ending on each check-in's
day, beside that check-in's work-related and client-related scores. A month with fewer logged
days than the coverage rule asks (`min_coverage_share` of 28, i.e. 7 days) has no mean and is
left out.

Relation: Spearman's rho (ranks, so no straight line is assumed) with a 95% percentile bootstrap
interval from a seeded resample of the check-ins (resamples with no spread in either column are
dropped), and a permutation p-value (exact up to 8 check-ins). A relation is *claimed* only when
the interval excludes 0 **and** p < 0.05: with four or five points a bootstrap interval can sit
entirely on one side of 0 by chance (four points in perfect order resample to rho = 1 every
time), while the permutation test knows that 4 points in order happen 1 time in 12 (two-sided)
by chance alone. Nothing is shown before `MIN_CHECKINS` check-ins.

Clients beside each check-in: the client codes the Patterns page would have flagged as recurring
on the check-in's day (`core.patterns.find_patterns` as of that day, over its default twelve
months) that were seen in the 28 days before it. Four weeks alone cannot flag a weekly client:
that is four sessions, and a recurring pattern needs `pattern_min_sessions_recurring` (5).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from itertools import permutations
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.checkin.instruments import CBI, Instrument
from core.checkin.record import CheckinRecord
from core.daily import day_values, local_days, min_logged_days
from core.patterns import default_since, find_patterns
from core.schema import SIGNS
from core.settings import Thresholds

WINDOW_DAYS: Final = 28
"""The session ratings compared with a check-in: the four weeks it asks about."""

MIN_CHECKINS: Final = 4
"""Below this many check-ins (with a sign mean beside them) no relation is computed."""

TRACKED_SCALES: Final = ("work", "client")
"""The CBI scales the session ratings are compared with."""

RESAMPLES: Final = 4000
EXACT_PERMUTATION_MAX: Final = 8  # 8! = 40,320 orderings: exact and still quick
ALPHA: Final = 0.05
LOGGED_DAYS = "logged_days"


class Status(StrEnum):
    """What a sign–scale comparison can say."""

    TOO_FEW = "too few check-ins"
    TOGETHER = "move together"
    OPPOSITE = "move in opposite directions"
    UNCLEAR = "no clear link"


@dataclass(frozen=True)
class Relation:
    """One sign against one scale over the check-ins: rho, its interval, p and a sentence."""

    sign: str
    scale: str
    n: int
    rho: float
    low: float
    high: float
    p: float
    status: Status
    sentence: str


@dataclass(frozen=True)
class CheckinClients:
    """One check-in beside the clients the Patterns page flagged and saw in its four weeks."""

    day: date
    client_score: float | None
    flagged: tuple[str, ...]
    flagged_sessions: int
    sessions: int


@dataclass(frozen=True)
class Tracking:
    """The whole comparison: the sign means per check-in and one Relation per sign and scale."""

    means: pd.DataFrame  # index: check-in day; columns: the signs and 'logged_days'
    relations: tuple[Relation, ...]


def sign_means_before(
    sessions: pd.DataFrame,
    days: Sequence[date],
    *,
    tz: str | ZoneInfo,
    settings: Thresholds | None = None,
) -> pd.DataFrame:
    """Per check-in day: each sign's mean of day values over the 28 days ending that day.

    Columns: the signs (NaN when fewer days were logged than the coverage rule asks) and
    'logged_days'. The index holds the given days, in the given order.
    """
    settings = settings or Thresholds()
    index = pd.DatetimeIndex([pd.Timestamp(d) for d in days], name="day", dtype="datetime64[us]")
    means = np.full((len(days), len(SIGNS)), np.nan)
    logged = np.zeros(len(days), dtype=np.int64)
    if days:
        values = day_values(sessions, tz=tz, today=max(days))
        needed = min_logged_days(WINDOW_DAYS, settings.min_coverage_share)
        for position, day in enumerate(days):
            end = pd.Timestamp(day)
            window = values.loc[end - pd.Timedelta(days=WINDOW_DAYS - 1) : end]
            logged[position] = int((window["sessions"] > 0).sum())
            if logged[position] >= needed:
                # Day values, not sessions: every logged day weighs the same.
                means[position] = window[list(SIGNS)].mean().to_numpy(dtype=float)
    columns = {sign: means[:, j] for j, sign in enumerate(SIGNS)}
    return pd.DataFrame({**columns, LOGGED_DAYS: logged}, index=index)


def _rank_rows(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Average ranks along each row, centred (ties share their mean rank, as Spearman's do)."""
    from scipy import stats  # here, not at import: scipy.stats costs the server some 50 MiB

    ranks = np.asarray(stats.rankdata(values, axis=-1), dtype=float)
    return ranks - ranks.mean(axis=-1, keepdims=True)


def _rho_rows(rx: npt.NDArray[np.float64], ry: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Row-wise Pearson correlation of centred ranks; NaN where a row has no spread."""
    spread = np.sqrt((rx * rx).sum(axis=-1) * (ry * ry).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spread > 0, (rx * ry).sum(axis=-1) / spread, np.nan)


def spearman_interval(
    x: Sequence[float], y: Sequence[float], *, seed: int, resamples: int = RESAMPLES
) -> tuple[float, float, float]:
    """Spearman's rho and its 95% percentile bootstrap interval from a seeded resample.

    Resamples without spread in x or y are dropped; the interval is NaN if none is left.
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    rho = float(_rho_rows(_rank_rows(xs), _rank_rows(ys)))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(xs), size=(resamples, len(xs)))
    boot = _rho_rows(_rank_rows(xs[picks]), _rank_rows(ys[picks]))
    boot = boot[np.isfinite(boot)]
    if len(boot) == 0:
        return rho, math.nan, math.nan
    low, high = np.quantile(boot, [0.025, 0.975])
    return rho, float(low), float(high)


def permutation_p(
    x: Sequence[float], y: Sequence[float], *, seed: int, resamples: int = RESAMPLES
) -> float:
    """Two-sided permutation p-value of Spearman's rho (exact up to 8 points)."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    rx, ry = _rank_rows(xs), _rank_rows(ys)
    observed = abs(float(_rho_rows(rx, ry)))
    if not math.isfinite(observed):
        return 1.0
    if len(xs) <= EXACT_PERMUTATION_MAX:
        shuffled = ry[np.array(list(permutations(range(len(ys)))))]
        null = np.abs(_rho_rows(rx[None, :], shuffled))
        return float(np.mean(null >= observed - 1e-12))
    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.tile(ry, (resamples, 1)), axis=1)
    null = np.abs(_rho_rows(rx[None, :], shuffled))
    return float((np.sum(null >= observed - 1e-12) + 1) / (resamples + 1))


def relate(
    sign: str, scale: str, x: Sequence[float], y: Sequence[float], *, scale_title: str, seed: int
) -> Relation:
    """Relate a sign's monthly means `x` to a scale's scores `y` (paired, NaN-free)."""
    n = len(x)
    if n < MIN_CHECKINS:
        nan = math.nan
        return _with_sentence(
            Relation(sign, scale, n, nan, nan, nan, nan, Status.TOO_FEW, ""), scale_title
        )
    rho, low, high = spearman_interval(x, y, seed=seed)
    p = permutation_p(x, y, seed=seed)
    clear = math.isfinite(low) and (low > 0 or high < 0) and p < ALPHA
    status = (Status.TOGETHER if rho > 0 else Status.OPPOSITE) if clear else Status.UNCLEAR
    return _with_sentence(Relation(sign, scale, n, rho, low, high, p, status, ""), scale_title)


def relation_sentence(relation: Relation, scale_title: str) -> str:
    """An honest sentence about one relation, saying how little a handful of points can show."""
    sign, n, scale = relation.sign, relation.n, scale_title.lower()
    if relation.status is Status.TOO_FEW:
        have = "No check-in" if n == 0 else f"Only {n} check-in{'s' if n != 1 else ''}"
        return (
            f"{have} with enough logged days before it so far: from {MIN_CHECKINS} on, this shows "
            f"whether your {sign} ratings and your {scale} score move together."
        )
    if not math.isfinite(relation.rho):
        return (
            f"Over {n} check-ins your {sign} average or your {scale} score did not vary, so "
            "there is nothing to compare yet."
        )
    numbers = f"link strength {relation.rho:.2f} on a scale from −1 to 1 (Spearman's rho)"
    if math.isfinite(relation.low):
        numbers += f"; anything from {relation.low:.2f} to {relation.high:.2f} fits these points"
    few = _few_points(n)
    if relation.status is Status.TOGETHER:
        return (
            f"Over {n} check-ins, your {sign} average in the four weeks before each one and "
            f"your {scale} score rose and fell together ({numbers}). {few}"
        )
    if relation.status is Status.OPPOSITE:
        return (
            f"Over {n} check-ins, your {sign} average in the four weeks before each one and "
            f"your {scale} score moved in opposite directions ({numbers}). {few}"
        )
    return (
        f"Over {n} check-ins, no clear link shows between your {sign} average in the four weeks "
        f"before each one and your {scale} score ({numbers}). {few}"
    )


def track_checkins(
    sessions: pd.DataFrame,
    records: Sequence[CheckinRecord],
    *,
    tz: str | ZoneInfo,
    settings: Thresholds | None = None,
    instrument: Instrument = CBI,
    scales: Sequence[str] = TRACKED_SCALES,
    seed: int = 0,
) -> Tracking:
    """Each sign's four-week mean before each check-in against each scale, as Relations."""
    mine = sorted((r for r in records if r.instrument == instrument.key), key=lambda r: r.day)
    means = sign_means_before(sessions, [r.day for r in mine], tz=tz, settings=settings)
    relations: list[Relation] = []
    for s_index, sign in enumerate(SIGNS):
        for c_index, scale in enumerate(scales):
            pairs = [
                (float(m), float(r.scores[scale]))
                for m, r in zip(means[sign].to_numpy(), mine, strict=True)
                if math.isfinite(m) and scale in r.scores
            ]
            relations.append(
                relate(
                    sign,
                    scale,
                    [a for a, _ in pairs],
                    [b for _, b in pairs],
                    scale_title=instrument.scale(scale).title,
                    # One stream per comparison, so adding a scale never changes another's result.
                    seed=seed * 101 + s_index * len(scales) + c_index,
                )
            )
    return Tracking(means, tuple(relations))


def flagged_clients(
    sessions: pd.DataFrame,
    records: Sequence[CheckinRecord],
    *,
    tz: str | ZoneInfo,
    settings: Thresholds | None = None,
    instrument: Instrument = CBI,
    scale: str = "client",
) -> list[CheckinClients]:
    """Per check-in: its client-related score beside the flagged clients of its four weeks."""
    settings = settings or Thresholds()
    mine = sorted((r for r in records if r.instrument == instrument.key), key=lambda r: r.day)
    days = local_days(sessions["started_at"], tz) if not sessions.empty else None
    out: list[CheckinClients] = []
    for record in mine:
        report = find_patterns(
            sessions, today=record.day, tz=tz, settings=settings, since=default_since(record.day)
        )
        comparisons = report.comparisons
        recurring = comparisons[(comparisons["kind"] == "client") & comparisons["recurring"]]
        flagged_anywhere = set(recurring["key"].astype(str))
        if days is None:
            seen: pd.Series = pd.Series([], dtype="str")
        else:
            start = pd.Timestamp(record.day - timedelta(days=WINDOW_DAYS - 1))
            in_window = ((days >= start) & (days <= pd.Timestamp(record.day))).to_numpy()
            seen = sessions["client_code"][in_window]
        flagged = tuple(sorted(flagged_anywhere & set(seen.astype(str))))
        out.append(
            CheckinClients(
                day=record.day,
                client_score=record.scores.get(scale),
                flagged=flagged,
                flagged_sessions=int(seen.isin(flagged).sum()),
                sessions=len(seen),
            )
        )
    return out


def _with_sentence(relation: Relation, scale_title: str) -> Relation:
    return replace(relation, sentence=relation_sentence(relation, scale_title))


def _few_points(n: int) -> str:
    if n < 8:
        return f"{n} points are very few: a hint at most; one unusual month can make or hide it."
    if n < 20:
        return f"{n} points are still few: read it as a hint, not a finding."
    return "A relation across months is not proof that one causes the other."
