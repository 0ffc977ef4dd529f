"""Two accounts in one database: every data function sees, changes and counts its owner's rows only.

On SQLite this rests on each query's owner filter; on PostgreSQL row-level security stands behind
it too (tests/data/test_isolation.py removes one or the other and sees these fail).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine

from core.schema import BUILTIN_SCENARIOS
from core.settings import Thresholds
from data.accounts import account_for
from data.activity import logged_days
from data.csv_io import export_csv, import_csv
from data.maintenance import delete_all_data
from data.models import LOCAL_ACCOUNT_ID, SessionUpdate
from data.packets import last_packet, list_packets, previous_packet, record_packet
from data.repository import (
    EntryError,
    add_session,
    count_sessions,
    count_sessions_between,
    data_version,
    delete_session,
    get_session,
    insert_frame,
    load_sessions,
    recent_client_codes,
    recent_sessions,
    scenario_names,
    update_session,
)
from data.settings_store import load_thresholds, reset_thresholds, save_thresholds
from tests.factories import make_entry, sessions_frame

A = LOCAL_ACCOUNT_ID
A_TAG = "a's own tag"
START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def b(engine: Engine) -> int:
    """A second account, beside the local account A, with nothing of its own yet."""
    return account_for(
        engine, issuer="https://id.practice.example", subject="b-248289761001", display_name="B"
    )


@pytest.fixture
def a_entry(engine: Engine) -> int:
    """A's journal: a frame of history, one entry with an own tag, settings and a packet."""
    insert_frame(engine, owner=A, frame=sessions_frame(days=60))
    entry_id = add_session(
        engine,
        owner=A,
        entry=make_entry(client_code="A-secret", note="A's note", scenarios=[A_TAG]),
    )
    save_thresholds(engine, owner=A, thresholds=Thresholds(absolute_threshold=7.0))
    record_packet(engine, owner=A, start=date(2025, 1, 6), end=date(2025, 2, 2), fmt="pdf")
    return entry_id


def test_b_sees_and_counts_nothing_of_a(engine: Engine, b: int, a_entry: int) -> None:
    assert count_sessions(engine, owner=A) > 1
    assert load_sessions(engine, owner=b).empty
    assert count_sessions(engine, owner=b) == 0
    assert count_sessions_between(engine, owner=b, start=START, end=END) == 0
    assert recent_sessions(engine, owner=b) == []
    assert recent_client_codes(engine, owner=b) == []
    assert sorted(scenario_names(engine, owner=b)) == sorted(BUILTIN_SCENARIOS)
    assert A_TAG in scenario_names(engine, owner=A)
    assert get_session(engine, owner=b, entry_id=a_entry).empty
    assert load_thresholds(engine, owner=b) == Thresholds()
    assert load_thresholds(engine, owner=A) == Thresholds(absolute_threshold=7.0)
    assert list_packets(engine, owner=b) == []
    assert last_packet(engine, owner=b) is None
    assert previous_packet(engine, owner=b, start=date(2026, 1, 1)) is None
    assert export_csv(load_sessions(engine, owner=b)).decode().count("\n") == 1  # the header
    assert data_version(engine, owner=b).count == 0
    assert logged_days(engine, owner=b, since=START, zone=ZoneInfo("UTC")) == set()
    assert logged_days(engine, owner=A, since=START, zone=ZoneInfo("UTC"))


def test_b_cannot_change_or_delete_a_s_entry(engine: Engine, b: int, a_entry: int) -> None:
    before = load_sessions(engine, owner=A)
    edit = SessionUpdate.model_validate(make_entry(dread=10, note="B was here").model_dump())
    with pytest.raises(EntryError):
        update_session(engine, owner=b, entry_id=a_entry, entry=edit)
    assert not delete_session(engine, owner=b, entry_id=a_entry)
    save_thresholds(engine, owner=b, thresholds=Thresholds(absolute_threshold=5.0))
    reset_thresholds(engine, owner=b)
    deleted = delete_all_data(engine, owner=b)
    assert deleted.entries == 0
    pd.testing.assert_frame_equal(load_sessions(engine, owner=A), before)
    assert load_thresholds(engine, owner=A) == Thresholds(absolute_threshold=7.0)
    assert len(list_packets(engine, owner=A)) == 1


def test_a_s_writes_leave_b_s_data_version_alone(engine: Engine, b: int) -> None:
    add_session(engine, owner=b, entry=make_entry(client_code="B-1"))
    seen = data_version(engine, owner=b)
    entry_id = add_session(engine, owner=A, entry=make_entry(client_code="A-1"))
    delete_session(engine, owner=A, entry_id=entry_id)
    insert_frame(engine, owner=A, frame=sessions_frame(days=10))
    assert data_version(engine, owner=b) == seen  # B's cached analyses stay valid
    add_session(
        engine, owner=b, entry=make_entry(client_code="B-2", started_at=START + timedelta(days=3))
    )
    assert data_version(engine, owner=b) != seen


def test_the_same_session_and_tag_in_two_journals(engine: Engine, b: int, a_entry: int) -> None:
    # Two therapists may each see a "C-07" at 9:00 and both use a tag called "a's own tag".
    raw = export_csv(load_sessions(engine, owner=A))
    result = import_csv(engine, raw, owner=b)
    assert result.ok and result.added == count_sessions(engine, owner=A)
    mine = load_sessions(engine, owner=b)
    assert set(mine["id"]).isdisjoint(load_sessions(engine, owner=A)["id"])
    assert A_TAG in scenario_names(engine, owner=b)
    # B's copy is B's: deleting it all leaves A's journal whole.
    assert delete_all_data(engine, owner=b).entries == result.added
    assert count_sessions(engine, owner=b) == 0
    assert count_sessions(engine, owner=A) == result.added
    assert A_TAG in scenario_names(engine, owner=A)
    assert A_TAG not in scenario_names(engine, owner=b)


def test_delete_all_of_a_leaves_b_whole(engine: Engine, b: int, a_entry: int) -> None:
    add_session(engine, owner=b, entry=make_entry(client_code="B-1", scenarios=["b's tag"]))
    save_thresholds(engine, owner=b, thresholds=Thresholds(absolute_threshold=5.0))
    before = load_sessions(engine, owner=b)
    delete_all_data(engine, owner=A)
    assert count_sessions(engine, owner=A) == 0 and list_packets(engine, owner=A) == []
    pd.testing.assert_frame_equal(load_sessions(engine, owner=b), before)
    assert load_thresholds(engine, owner=b) == Thresholds(absolute_threshold=5.0)
    assert "b's tag" in scenario_names(engine, owner=b)


def test_account_for_finds_the_same_account_again(engine: Engine, b: int) -> None:
    again = account_for(
        engine, issuer="https://id.practice.example", subject="b-248289761001", display_name="B"
    )
    assert again == b != A
