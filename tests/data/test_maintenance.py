"""Delete-all removes every row and leaves no trace of a note in the file or its WAL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.schema import BUILTIN_SCENARIOS
from data.backup import automatic_backups, timestamped_backup
from data.maintenance import CONFIRM_PHRASE, confirmation_matches, delete_all_data
from data.repository import add_session, count_sessions, insert_frame, scenario_names
from tests.factories import make_entry, sessions_frame

SECRET = "PLUM-ZEBRA-7731 my supervisor must never read this"


def _raw(tmp_path: Path) -> bytes:
    """Every byte of the database file and its WAL and shared-memory companions."""
    return b"".join(
        path.read_bytes()
        for path in (tmp_path / "test.sqlite3", *tmp_path.glob("test.sqlite3-*"))
        if path.exists()
    )


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        (CONFIRM_PHRASE, True),
        ("  Delete   Everything ", True),
        ("delete", False),
        ("", False),
        ("delete everything!", False),
    ],
)
def test_confirmation_phrase(typed: str, ok: bool) -> None:
    assert confirmation_matches(typed) is ok


def test_delete_all_leaves_no_note_bytes_behind(engine: Engine, tmp_path: Path) -> None:
    insert_frame(engine, frame=sessions_frame(days=40))
    for i in range(20):
        add_session(
            engine,
            entry=make_entry(
                started_at=datetime(2025, 6, 2, 8, tzinfo=UTC) + timedelta(hours=i),
                note=f"{SECRET} {i}",
                reflection_themes=SECRET,
                scenarios=["my own tag"],
            ),
        )
    stored = count_sessions(engine)
    needle = SECRET.encode()
    assert needle in _raw(tmp_path)  # the test can fail: the note is on disk before

    result = delete_all_data(engine)

    assert result.entries == stored > 20
    assert count_sessions(engine) == 0
    assert result.wal_cleared
    raw = _raw(tmp_path)
    assert needle not in raw
    assert b"PLUM-ZEBRA" not in raw
    assert sorted(scenario_names(engine)) == sorted(BUILTIN_SCENARIOS)  # the guide's five stay
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert connection.execute(text("SELECT count(*) FROM setting")).scalar() == 0


def test_saving_works_after_delete_all(engine: Engine) -> None:
    add_session(engine, entry=make_entry())
    delete_all_data(engine)
    add_session(engine, entry=make_entry(note="fresh start"))
    assert count_sessions(engine) == 1


def test_automatic_backups_removed_only_when_asked(engine: Engine) -> None:
    add_session(engine, entry=make_entry(note=SECRET))
    kept = timestamped_backup(engine)
    delete_all_data(engine)
    assert kept.exists()
    add_session(engine, entry=make_entry(note=SECRET))
    timestamped_backup(engine)
    result = delete_all_data(engine, remove_backups=True)
    assert len(result.backups_removed) == 2
    assert automatic_backups(engine) == []
