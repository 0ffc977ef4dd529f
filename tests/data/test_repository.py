"""Saving, reading, editing and deleting entries; aware times and tags round-trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from core.schema import SESSION_DTYPES, SIGNS, empty_sessions
from data import repository
from data.db import owner_connection
from data.models import SessionUpdate
from data.repository import (
    DuplicateEntryError,
    EntryError,
    add_session,
    count_sessions,
    count_sessions_between,
    data_version,
    delete_session,
    get_session,
    insert_frame,
    load_ratings,
    load_sessions,
    recent_client_codes,
    recent_sessions,
    scenario_names,
    update_session,
)
from tests.factories import OWNER, make_entry, sessions_frame


def test_aware_datetime_round_trips(engine: Engine) -> None:
    berlin = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # just after DST
    entry_id = add_session(engine, owner=OWNER, entry=make_entry(started_at=berlin))
    stored = get_session(engine, owner=OWNER, entry_id=entry_id).iloc[0]["started_at"]
    assert stored.tzinfo is not None
    assert stored.to_pydatetime() == berlin
    assert str(stored.tz) == "UTC"


def test_frame_has_the_schema(engine: Engine) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    frame = load_sessions(engine, owner=OWNER)
    assert {c: str(t) for c, t in frame.dtypes.items()} == SESSION_DTYPES
    assert load_sessions.__doc__


def test_empty_database_gives_an_empty_frame_with_columns(engine: Engine) -> None:
    frame = load_sessions(engine, owner=OWNER)
    assert frame.empty
    assert tuple(frame.columns) == tuple(SESSION_DTYPES)


def test_tags_are_stored_normalised_and_user_tags_are_remembered(engine: Engine) -> None:
    entry_id = add_session(
        engine, owner=OWNER, entry=make_entry(scenarios=["Crisis Situation", "Running late"])
    )
    assert get_session(engine, owner=OWNER, entry_id=entry_id).iloc[0]["scenarios"] == [
        "crisis situation",
        "running late",
    ]
    assert "running late" in scenario_names(engine, owner=OWNER)
    assert scenario_names(engine, owner=OWNER)[:5] == sorted(
        scenario_names(engine, owner=OWNER)[:5]
    )  # built-ins first
    with owner_connection(engine, owner=OWNER) as connection:
        links = connection.execute(text("SELECT count(*) FROM session_scenario")).scalar()
    assert links == 2


def test_the_same_session_twice_is_stored_once(engine: Engine) -> None:
    entry = make_entry()
    add_session(engine, owner=OWNER, entry=entry)
    with pytest.raises(DuplicateEntryError):
        add_session(engine, owner=OWNER, entry=entry)
    assert count_sessions(engine, owner=OWNER) == 1


def test_a_future_start_is_refused_and_nothing_is_stored(engine: Engine) -> None:
    with pytest.raises(EntryError, match="future"):
        add_session(
            engine, owner=OWNER, entry=make_entry(started_at=datetime.now(UTC) + timedelta(hours=2))
        )
    assert count_sessions(engine, owner=OWNER) == 0


def test_a_few_minutes_ahead_is_tolerated(engine: Engine) -> None:
    add_session(
        engine, owner=OWNER, entry=make_entry(started_at=datetime.now(UTC) + timedelta(minutes=2))
    )
    assert count_sessions(engine, owner=OWNER) == 1


def test_edit_replaces_fields_and_tags(engine: Engine) -> None:
    entry_id = add_session(
        engine, owner=OWNER, entry=make_entry(scenarios=["crisis situation"], note="before")
    )
    changed = SessionUpdate.model_validate(
        make_entry(dread=9, scenarios=["boundary pushing"], note="after").model_dump()
    )
    update_session(engine, owner=OWNER, entry_id=entry_id, entry=changed)
    row = get_session(engine, owner=OWNER, entry_id=entry_id).iloc[0]
    assert (row["dread"], row["note"], row["scenarios"]) == (9, "after", ["boundary pushing"])


def test_edit_of_a_deleted_entry_is_refused(engine: Engine) -> None:
    entry_id = add_session(engine, owner=OWNER, entry=make_entry())
    assert delete_session(engine, owner=OWNER, entry_id=entry_id)
    with pytest.raises(EntryError):
        update_session(
            engine,
            owner=OWNER,
            entry_id=entry_id,
            entry=SessionUpdate.model_validate(make_entry().model_dump()),
        )


def test_delete_removes_the_entry_and_its_tag_links(engine: Engine) -> None:
    entry_id = add_session(engine, owner=OWNER, entry=make_entry(scenarios=["crisis situation"]))
    assert delete_session(engine, owner=OWNER, entry_id=entry_id)
    assert not delete_session(engine, owner=OWNER, entry_id=entry_id)
    with owner_connection(engine, owner=OWNER) as connection:
        assert connection.execute(text("SELECT count(*) FROM session_scenario")).scalar() == 0


def test_recent_lists_newest_first_and_codes_by_recency(engine: Engine) -> None:
    now = datetime.now(UTC)
    for hours, code in [(30, "C-1"), (20, "C-2"), (10, "C-1"), (5, "C-3")]:
        add_session(
            engine,
            owner=OWNER,
            entry=make_entry(client_code=code, started_at=now - timedelta(hours=hours)),
        )
    recent = recent_sessions(engine, owner=OWNER, limit=3)
    assert [entry.client_code for entry in recent] == ["C-3", "C-1", "C-2"]
    assert recent_client_codes(engine, owner=OWNER) == ["C-3", "C-1", "C-2"]


def test_count_between_takes_the_start_and_leaves_the_end(engine: Engine) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for hours in (0, 1, 24):
        add_session(
            engine, owner=OWNER, entry=make_entry(started_at=start + timedelta(hours=hours))
        )
    assert (
        count_sessions_between(engine, owner=OWNER, start=start, end=start + timedelta(hours=24))
        == 2
    )
    assert (
        count_sessions_between(
            engine, owner=OWNER, start=start + timedelta(minutes=1), end=start + timedelta(days=2)
        )
        == 2
    )
    assert (
        count_sessions_between(engine, owner=OWNER, start=start - timedelta(days=1), end=start) == 0
    )


@pytest.mark.parametrize("window", [1, 2, 3, 500])
def test_recent_client_codes_same_with_any_scan_window(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    # The quick pick scans the newest entries first and groups everything only when needed.
    now = datetime.now(UTC)
    for code, hours in [("C-1", 5), ("C-2", 4), ("C-1", 3), ("C-3", 2), ("C-3", 1)]:
        add_session(
            engine,
            owner=OWNER,
            entry=make_entry(client_code=code, started_at=now - timedelta(hours=hours)),
        )
    monkeypatch.setattr(repository, "RECENT_CODES_WINDOW", window)
    assert recent_client_codes(engine, owner=OWNER) == ["C-3", "C-1", "C-2"]
    assert recent_client_codes(engine, owner=OWNER, limit=2) == ["C-3", "C-1"]


def test_data_version_changes_on_every_kind_of_write(engine: Engine) -> None:
    versions = [data_version(engine, owner=OWNER)]
    entry_id = add_session(engine, owner=OWNER, entry=make_entry())
    versions.append(data_version(engine, owner=OWNER))
    update_session(
        engine,
        owner=OWNER,
        entry_id=entry_id,
        entry=SessionUpdate.model_validate(make_entry(dread=1).model_dump()),
    )
    versions.append(data_version(engine, owner=OWNER))
    delete_session(engine, owner=OWNER, entry_id=entry_id)
    versions.append(data_version(engine, owner=OWNER))
    assert len(set(versions)) == 4


def test_insert_frame_is_idempotent(engine: Engine) -> None:
    frame = sessions_frame(days=28, seed=3)
    assert insert_frame(engine, owner=OWNER, frame=frame) == len(frame) > 0
    assert insert_frame(engine, owner=OWNER, frame=frame) == 0
    stored = load_sessions(engine, owner=OWNER)
    assert len(stored) == len(frame)
    assert list(stored["dread"]) == list(frame["dread"])


def test_load_sessions_gives_back_the_stored_frame(engine: Engine) -> None:
    frame = sessions_frame(days=28, seed=3)
    frame.loc[::5, "note"] = "a note"
    frame.loc[::7, "reflection_themes"] = "a theme"
    insert_frame(engine, owner=OWNER, frame=frame)
    stored = load_sessions(engine, owner=OWNER)
    assert stored["id"].notna().all()
    expected = frame.sort_values("started_at", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(stored.drop(columns="id"), expected.drop(columns="id"))
    assert stored.dtypes.equals(frame.dtypes)


def test_load_ratings_gives_the_start_times_and_ratings_alone(engine: Engine) -> None:
    assert load_ratings(engine, owner=OWNER).equals(empty_sessions())
    frame = sessions_frame(days=28, seed=3)
    frame.loc[::5, "note"] = "a note"
    insert_frame(engine, owner=OWNER, frame=frame)
    whole = load_sessions(engine, owner=OWNER)
    ratings = load_ratings(engine, owner=OWNER)
    kept = ["started_at", *SIGNS]
    pd.testing.assert_frame_equal(ratings[kept], whole[kept])
    assert ratings.dtypes.equals(whole.dtypes)
    assert (ratings["client_code"] == "").all() and (ratings["note"] == "").all()
    assert ratings["scenarios"].map(len).sum() == 0 < whole["scenarios"].map(len).sum()


def test_reading_in_chunks_gives_the_same_frame(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = sessions_frame(days=28, seed=3)
    insert_frame(engine, owner=OWNER, frame=frame)
    whole = load_sessions(engine, owner=OWNER)
    assert whole["scenarios"].map(len).sum() > 0  # some entries carry tags
    monkeypatch.setattr(repository, "READ_CHUNK_ROWS", 7)  # several chunks, the last one short
    assert len(whole) % 7 != 0
    chunked = load_sessions(engine, owner=OWNER)
    pd.testing.assert_frame_equal(chunked, whole)
    assert chunked["started_at"].is_monotonic_increasing
    assert list(chunked["dread"]) == list(frame["dread"])
