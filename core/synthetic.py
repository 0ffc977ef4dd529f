"""A seeded generator of realistic therapist histories, for the demo, tests and benchmarks.

Ratings are built as: personal level + an autocorrelated day effect (AR(1)) + a small
per-client effect + planted effects + session noise, rounded and clipped to 0–10.
Clients keep a weekly slot (weekday and hour), cancel now and then, and come and go;
the therapist takes weekends, public-holiday-like days and two leave blocks off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.schema import BUILTIN_SCENARIOS, SIGNS, as_sessions

DEFAULT_LEVELS: dict[str, float] = {"dread": 3.0, "detachment": 2.5, "fatigue": 3.5}


@dataclass(frozen=True)
class Effect:
    """A planted shift of some signs, optionally limited to dates and to one client."""

    delta: float
    signs: tuple[str, ...] = SIGNS
    start: date | None = None
    end: date | None = None  # inclusive
    client: str | None = None


@dataclass(frozen=True)
class ClientSpec:
    """A client with a fixed weekly slot, seen between two dates (inclusive)."""

    code: str
    weekday: int  # 0 = Monday
    hour: int
    start: date
    end: date
    every_weeks: int = 1
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class History:
    """Parameters of one synthetic therapist; every field has a realistic default."""

    start: date
    days: int
    seed: int = 0
    tz: str = "Europe/Berlin"
    n_clients: int = 24
    levels: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_LEVELS))
    day_sd: float = 0.7  # marginal sd of the shared day effect
    day_ar: float = 0.6  # lag-1 autocorrelation of the day effect
    client_sd: float = 0.3
    session_sd: float = 1.0
    cancel_rate: float = 0.1
    leave_weeks: int = 3  # weeks of leave a year, in two blocks
    workday_tail: int = 0  # no leave or holiday in the history's last N days (the demo's story)
    extra_clients: Sequence[ClientSpec] = ()
    effects: Sequence[Effect] = ()


def _clients(h: History, rng: np.random.Generator) -> list[ClientSpec]:
    end = h.start + timedelta(days=h.days - 1)
    slots = [(wd, hr) for wd in range(5) for hr in (8, 9, 10, 11, 13, 14, 15, 16, 17)]
    rng.shuffle(slots)
    clients: list[ClientSpec] = []
    taken = {(c.weekday, c.hour) for c in h.extra_clients}
    free = [s for s in slots if s not in taken]
    reserved = {c.code for c in h.extra_clients}
    number = 1
    # Each caseload slot is held by a sequence of clients: therapy lasts ~3–12 months.
    for weekday, hour in free[: h.n_clients]:
        cursor = h.start - timedelta(days=int(rng.integers(0, 120)))
        while cursor <= end:
            length = int(rng.integers(90, 365))
            tags = tuple(
                str(t)
                for t in rng.choice(BUILTIN_SCENARIOS, size=int(rng.integers(0, 3)), replace=False)
            )
            while f"C-{number:02d}" in reserved:  # a planted client's code stays its own
                number += 1
            clients.append(
                ClientSpec(
                    code=f"C-{number:02d}",
                    weekday=weekday,
                    hour=hour,
                    start=max(cursor, h.start),
                    end=min(cursor + timedelta(days=length), end),
                    every_weeks=1 if rng.random() < 0.85 else 2,
                    scenarios=tags,
                )
            )
            number += 1
            cursor += timedelta(days=length + int(rng.integers(0, 21)))
    return clients + list(h.extra_clients)


def _days_off(h: History, rng: np.random.Generator) -> set[date]:
    off: set[date] = set()
    for year_start in range(0, h.days, 365):
        for block in (h.leave_weeks // 2 + h.leave_weeks % 2, h.leave_weeks // 2):
            first = h.start + timedelta(days=year_start + int(rng.integers(0, 330)))
            off.update(first + timedelta(days=i) for i in range(7 * block))
        # A few scattered holidays and sick days.
        off.update(
            h.start + timedelta(days=year_start + int(d)) for d in rng.integers(0, 365, size=8)
        )
    if h.workday_tail:
        # Filtered after every draw, so the random stream (and every other day) is unchanged.
        tail_start = h.start + timedelta(days=h.days - h.workday_tail)
        off = {day for day in off if day < tail_start}
    return off


MINUTES = (0, 0, 0, 5, 10)  # a session starts on the hour, now and then a little late


@dataclass(frozen=True)
class _Latent:
    """A history's sessions before planted effects and rounding.

    `frame` is the session frame (core.schema, sorted by start) with placeholder ratings; `day`
    the local day of each session; `base` the mean ratings (personal level + day effect +
    client effect) and `noise` the session noise, both (sessions x signs), in frame order.
    Planted effects draw no random numbers: the same history with other effects keeps its
    schedule and noise.
    """

    frame: pd.DataFrame
    day: npt.NDArray[np.datetime64]
    base: npt.NDArray[np.float64]
    noise: npt.NDArray[np.float64]


def _latent_sessions(h: History) -> _Latent:
    """The schedule and random parts of the history `h` (its effects are not applied)."""
    rng = np.random.default_rng(h.seed)
    clients = _clients(h, rng)
    off = _days_off(h, rng)
    client_effect = {c.code: rng.normal(0.0, h.client_sd, size=len(SIGNS)) for c in clients}

    innovation_sd = h.day_sd * np.sqrt(1 - h.day_ar**2)
    day_effect = np.zeros((h.days, len(SIGNS)))
    state = rng.normal(0.0, h.day_sd, size=len(SIGNS))
    for i in range(h.days):
        state = h.day_ar * state + rng.normal(0.0, innovation_sd, size=len(SIGNS))
        day_effect[i] = state

    by_weekday: dict[int, list[ClientSpec]] = {}
    for c in clients:
        by_weekday.setdefault(c.weekday, []).append(c)

    # The loop draws random numbers in a fixed order (cancel, noise, minute, tags, grounding);
    # everything without randomness is done on whole arrays afterwards.
    index: list[int] = []
    codes: list[str] = []
    hours: list[int] = []
    minutes: list[int] = []
    noise: list[npt.NDArray[np.float64]] = []
    tags: list[list[str]] = []
    grounding: list[bool] = []
    for i in range(h.days):
        day = h.start + timedelta(days=i)
        if day.weekday() >= 5 or day in off:
            continue
        for c in by_weekday.get(day.weekday(), []):
            if not (c.start <= day <= c.end):
                continue
            if ((day - c.start).days // 7) % c.every_weeks:
                continue
            if rng.random() < h.cancel_rate:
                continue
            noise.append(rng.normal(0.0, h.session_sd, size=3))
            # Same draw as rng.choice(MINUTES), ten times faster.
            minutes.append(MINUTES[int(rng.integers(0, len(MINUTES)))])
            tags.append([t for t in c.scenarios if rng.random() < 0.5])
            grounding.append(bool(rng.random() < 0.4))
            index.append(i)
            codes.append(c.code)
            hours.append(c.hour)

    n = len(index)
    rows = np.asarray(index, dtype="int64")
    days = np.datetime64(h.start, "D") + rows.astype("timedelta64[D]")
    local = pd.Series(
        days.astype("datetime64[us]")
        + np.asarray(hours, dtype="int64").astype("timedelta64[h]")
        + np.asarray(minutes, dtype="int64").astype("timedelta64[m]")
    )
    # Sessions start between 08:00 and 17:10, never in a DST gap or overlap.
    started = local.dt.tz_localize(h.tz).dt.tz_convert("UTC")
    client_matrix = np.array([client_effect[code] for code in codes]).reshape(n, len(SIGNS))
    levels = np.array([h.levels[s] for s in SIGNS])
    base = levels + day_effect[rows] + client_matrix
    frame = pd.DataFrame(
        {
            "started_at": started,
            "client_code": pd.Series(codes, dtype="str"),
            **{sign: 0 for sign in SIGNS},  # placeholders: _realise() fills the ratings
            "scenarios": pd.Series(tags, dtype="object"),
            "grounding_done": pd.Series(grounding, dtype="bool"),
        }
    )
    # Sort and coerce once here; the order by start time does not depend on effects.
    order = np.argsort(frame["started_at"].to_numpy(), kind="stable")
    frame = as_sessions(frame.iloc[order].reset_index(drop=True)) if n else frame
    base = base.reshape(n, len(SIGNS))[order]
    noise_matrix = np.array(noise).reshape(n, len(SIGNS))[order]
    return _Latent(frame, days[order], base, noise_matrix)


def _realise(latent: _Latent, effects: Sequence[Effect]) -> pd.DataFrame:
    """The session frame of a latent history with `effects` planted (core.schema columns)."""
    mean = latent.base
    codes = latent.frame["client_code"].to_numpy()
    for e in effects:
        applies = np.ones(len(mean), dtype=bool)
        if e.start is not None:
            applies &= latent.day >= np.datetime64(e.start, "D")
        if e.end is not None:
            applies &= latent.day <= np.datetime64(e.end, "D")
        if e.client is not None:
            applies &= codes == e.client
        delta = np.array([e.delta if s in e.signs else 0.0 for s in SIGNS])
        mean = mean + np.where(applies[:, None], delta[None, :], 0.0)
    values = np.clip(np.rint(mean + latent.noise), 0, 10).astype("int64")
    if len(values) == 0:
        return as_sessions(pd.DataFrame(columns=["started_at", "client_code", *SIGNS]))
    frame = latent.frame.copy()
    for j, sign in enumerate(SIGNS):
        frame[sign] = values[:, j]
    return frame


def make_sessions(h: History) -> pd.DataFrame:
    """Generate a session frame (core.schema columns) for the history `h`, deterministically."""
    return _realise(_latent_sessions(h), h.effects)


def demo_history(today: date, *, seed: int = 20261126) -> History:
    """Six months ending `today`: a fatigue episode (the last five weeks), one difficult client."""
    start = today - timedelta(days=182)
    difficult = ClientSpec(
        code="C-42",
        weekday=2,
        hour=12,
        start=start + timedelta(days=14),
        end=today,
        scenarios=("boundary pushing", "countertransference"),
    )
    return History(
        start=start,
        days=183,
        seed=seed,
        workday_tail=49,  # the fatigue episode and the weeks before it are plain working weeks
        extra_clients=(difficult,),
        effects=(
            Effect(2.5, ("fatigue",), start=today - timedelta(days=35)),
            Effect(2.5, ("dread",), client="C-42"),
        ),
    )
