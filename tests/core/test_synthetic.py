"""The seeded generator: deterministic, realistic, and effects planted exactly where asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from core.schema import SESSION_COLUMNS, SIGNS
from core.synthetic import ClientSpec, Effect, History, make_sessions

START = date(2025, 1, 6)


def test_the_same_seed_gives_the_same_sessions() -> None:
    h = History(start=START, days=120, seed=4)
    pd.testing.assert_frame_equal(make_sessions(h), make_sessions(h))


def test_another_seed_gives_other_sessions() -> None:
    a = make_sessions(History(start=START, days=120, seed=4))
    b = make_sessions(History(start=START, days=120, seed=5))
    assert not a[list(SIGNS)].equals(b[list(SIGNS)])


def test_the_frame_has_the_schema_and_ratings_in_range() -> None:
    frame = make_sessions(History(start=START, days=120, seed=1))
    assert tuple(frame.columns) == SESSION_COLUMNS
    assert frame[list(SIGNS)].min().min() >= 0 and frame[list(SIGNS)].max().max() <= 10
    assert frame["started_at"].is_monotonic_increasing


def test_an_effect_shifts_only_its_sign_and_its_days() -> None:
    begin = START + timedelta(days=60)
    h = History(start=START, days=120, seed=3)
    calm = make_sessions(h)
    effect = Effect(3.0, ("fatigue",), start=begin, end=begin + timedelta(days=13))
    # Effects draw no random numbers: the same seed keeps its schedule and noise.
    risen = make_sessions(replace(h, effects=(effect,)))
    changed = (risen[list(SIGNS)] - calm[list(SIGNS)]).abs().sum(axis=1) > 0
    local = risen["started_at"].dt.tz_convert("Europe/Berlin").dt.date
    assert changed.any()
    assert local[changed].between(begin, begin + timedelta(days=13)).all()
    pd.testing.assert_series_equal(risen["dread"], calm["dread"])
    assert (risen["fatigue"] >= calm["fatigue"]).all()
    inside = local.between(begin, begin + timedelta(days=13))
    assert np.mean(risen.loc[inside, "fatigue"] - calm.loc[inside, "fatigue"]) > 2.5


def test_a_client_effect_touches_only_that_client() -> None:
    h = History(start=START, days=120, seed=3)
    calm = make_sessions(h)
    worse = make_sessions(replace(h, effects=(Effect(3.0, ("dread",), client="C-03"),)))
    changed = worse["dread"] != calm["dread"]
    assert set(worse.loc[changed, "client_code"]) == {"C-03"}


def test_weekends_are_off_and_working_days_hold_a_few_sessions() -> None:
    frame = make_sessions(History(start=START, days=365, seed=6))
    local = frame["started_at"].dt.tz_convert("Europe/Berlin")
    assert local.dt.day_of_week.max() <= 4
    per_day = local.dt.date.value_counts()
    assert 3 <= per_day.mean() <= 7
    assert local.dt.hour.between(8, 17).all()


def test_a_planted_client_code_is_never_reused_by_a_generated_client() -> None:
    start = date(2025, 1, 6)
    planted = ClientSpec(code="C-05", weekday=2, hour=12, start=start, end=start + timedelta(182))
    frame = make_sessions(History(start=start, days=183, seed=4, extra_clients=(planted,)))
    local = frame.loc[frame["client_code"] == "C-05", "started_at"].dt.tz_convert("Europe/Berlin")
    assert len(local) > 0
    assert set(local.dt.day_of_week) == {2}
    assert set(local.dt.hour) == {12}


def test_a_workday_tail_keeps_the_last_weeks_free_of_leave_and_changes_nothing_else() -> None:
    base = History(start=date(2025, 1, 6), days=365, seed=11)
    plain = make_sessions(base)
    tail = make_sessions(replace(base, workday_tail=42))
    cut = pd.Timestamp(date(2025, 1, 6) + timedelta(days=365 - 42), tz="UTC")
    # Before the tail nothing moves; inside it every working weekday has sessions.
    assert plain[plain["started_at"] < cut].equals(tail[tail["started_at"] < cut])
    days = set(tail.loc[tail["started_at"] >= cut + pd.Timedelta(days=1), "started_at"].dt.date)
    weekdays = {
        d for d in pd.date_range(cut + pd.Timedelta(days=1), periods=40).date if d.weekday() < 5
    }
    assert weekdays <= days
