"""Backups are whole and consistent even during writes; restore brings back exactly the rows."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, text

from data.backup import (
    SERVER_BACKUPS,
    BackupError,
    automatic_backups,
    backup_database,
    timestamped_backup,
)
from data.checkins import add_checkin, delete_checkin, stored_checkins
from data.db import make_engine
from data.environment import sqlite_url
from data.repository import add_session, count_sessions, delete_session, load_sessions
from data.restore import inspect_backup, restore_database
from data.schema import current_revision, head_revision, upgrade
from tests.factories import OWNER, checkin_answers, make_entry

# The SQLite backup API copies a file; a server database says who backs it up instead.
pytestmark = pytest.mark.backends("sqlite")

BASE = datetime(2025, 3, 3, 9, tzinfo=UTC)


def _fill(engine: Engine, n: int, *, code: str = "C-01", offset: int = 0) -> list[int]:
    return [
        add_session(
            engine,
            owner=OWNER,
            entry=make_entry(
                started_at=BASE + timedelta(hours=offset + i),
                client_code=code,
                scenarios=["boundary pushing", f"own tag {i % 3}"],
                note=f"note {offset + i}, with a comma",
            ),
        )
        for i in range(n)
    ]


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def test_backup_is_a_whole_intact_copy(engine: Engine, tmp_path: Path) -> None:
    _fill(engine, 5)
    target = backup_database(engine, tmp_path / "copies" / "one.sqlite3")
    assert _integrity(target) == "ok"
    assert inspect_backup(target) == head_revision()
    copy = make_engine(sqlite_url(target))
    pd.testing.assert_frame_equal(
        load_sessions(copy, owner=OWNER), load_sessions(engine, owner=OWNER)
    )
    copy.dispose()
    with pytest.raises(FileExistsError):
        backup_database(engine, target)


def test_restore_brings_back_exactly_the_backed_up_rows(engine: Engine, tmp_path: Path) -> None:
    ids = _fill(engine, 6)
    saved = load_sessions(engine, owner=OWNER)
    backup = backup_database(engine, tmp_path / "saved.sqlite3")
    _fill(engine, 4, code="C-02", offset=100)
    delete_session(engine, owner=OWNER, entry_id=ids[0])
    changed = load_sessions(engine, owner=OWNER)

    result = restore_database(engine, backup)

    pd.testing.assert_frame_equal(load_sessions(engine, owner=OWNER), saved)
    assert result.entries == len(saved)
    assert result.migrated_from is None
    # The data just replaced was backed up first, and that backup holds it.
    assert result.safety_backup is not None and result.safety_backup.name.startswith("before-")
    previous = make_engine(sqlite_url(result.safety_backup))
    pd.testing.assert_frame_equal(load_sessions(previous, owner=OWNER), changed)
    previous.dispose()
    assert _integrity(tmp_path / "test.sqlite3") == "ok"
    assert backup.exists()  # the user's backup file is left as it was


def test_saving_after_a_restore_works(engine: Engine, tmp_path: Path) -> None:
    _fill(engine, 2)
    backup = backup_database(engine, tmp_path / "saved.sqlite3")
    _fill(engine, 2, offset=50)
    restore_database(engine, backup)
    _fill(engine, 1, code="C-09", offset=200)
    assert count_sessions(engine, owner=OWNER) == 3


def _execute(path: Path, statement: str) -> None:
    """Run one statement on a SQLite file with plain sqlite3, as another program would."""
    connection = sqlite3.connect(path)
    connection.execute(statement)
    connection.commit()
    connection.close()


def _not_tightrope(path: Path, engine: Engine) -> None:
    _execute(path, "CREATE TABLE recipes (name TEXT)")


def _newer(path: Path, engine: Engine) -> None:
    backup_database(engine, path)
    _execute(path, "UPDATE alembic_version SET version_num = '9999'")


def _damaged(path: Path, engine: Engine) -> None:
    backup_database(engine, path)
    raw = bytearray(path.read_bytes())
    raw[4096 : 4096 * 3] = b"\xff" * (4096 * 2)  # wipe pages after the header
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p, e: p.write_text("started_at,client_code\n"), "not a SQLite database"),
        (lambda p, e: p.write_bytes(b""), "not a SQLite database"),
        (_not_tightrope, "not a Tightrope database"),
        (_newer, "newer version"),
        (_damaged, "damaged"),
        (lambda p, e: None, "no file"),
    ],
    ids=["csv", "empty", "other-sqlite", "newer", "damaged", "missing"],
)
def test_restore_refuses_what_is_not_a_tightrope_backup(
    engine: Engine, tmp_path: Path, make: Callable[[Path, Engine], object], words: str
) -> None:
    _fill(engine, 3)
    before = load_sessions(engine, owner=OWNER)
    candidate = tmp_path / "candidate.sqlite3"
    make(candidate, engine)
    with pytest.raises(BackupError, match=words):
        restore_database(engine, candidate)
    pd.testing.assert_frame_equal(load_sessions(engine, owner=OWNER), before)
    assert not any(p.name.startswith("before-restore-") for p in automatic_backups(engine))


def test_restore_migrates_an_older_backup(engine: Engine, tmp_path: Path) -> None:
    old_path = tmp_path / "old.sqlite3"
    old = create_engine(sqlite_url(old_path))
    upgrade(old, "0001")
    with old.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO session_entry (id, started_at, client_code, dread, detachment, "
                "fatigue, note, created_at, updated_at) VALUES "
                "(7, '2024-05-06 07:00:00.000000', 'Old-1', 2, 3, 4, 'kept', "
                "'2024-05-06 08:00:00.000000', '2024-05-06 08:00:00.000000')"
            )
        )
        connection.execute(text("INSERT INTO session_scenario VALUES (7, 1)"))
    old.dispose()
    result = restore_database(engine, old_path)
    assert result.migrated_from == "0001"
    assert current_revision(engine) == head_revision()
    row = load_sessions(engine, owner=OWNER).iloc[0]
    assert (row["id"], row["client_code"], row["note"]) == (7, "Old-1", "kept")
    assert row["started_at"].to_pydatetime() == datetime(2024, 5, 6, 7, tzinfo=UTC)
    assert row["scenarios"] == ["client withdrawal or silence"]
    assert inspect_backup(old_path) == "0001"  # the user's file itself was not migrated


def test_backup_during_writes_passes_integrity_check(engine: Engine, tmp_path: Path) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        i = 0
        while not stop.is_set():
            try:
                _fill(engine, 1, code="W-1", offset=1000 + i)
            except BaseException as error:  # a failed save must fail the test, not vanish
                errors.append(error)
                return
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    backups = []
    try:
        for k in range(8):
            while count_sessions(engine, owner=OWNER) < 5 * (k + 1):
                stop.wait(0.005)
            backups.append(backup_database(engine, tmp_path / f"during-{k}.sqlite3"))
    finally:
        stop.set()
        thread.join()
    assert not errors
    counts = []
    for path in backups:
        assert _integrity(path) == "ok"
        connection = sqlite3.connect(path)
        counts.append(connection.execute("SELECT count(*) FROM session_entry").fetchone()[0])
        orphans = connection.execute(
            "SELECT count(*) FROM session_entry e WHERE "
            "(SELECT count(*) FROM session_scenario s WHERE s.session_id = e.id) != 2"
        ).fetchone()[0]
        connection.close()
        assert orphans == 0  # a snapshot holds whole entries: never one without its tags
    assert counts == sorted(counts) and counts[-1] >= 40


def test_timestamped_backups_land_in_the_backups_folder(engine: Engine, tmp_path: Path) -> None:
    first = timestamped_backup(engine)
    second = timestamped_backup(engine)
    assert first != second
    assert automatic_backups(engine) == sorted([first, second])
    assert first.parent == tmp_path / "backups"


def test_backup_of_a_memory_database_is_refused() -> None:
    with pytest.raises(BackupError, match="SQLite database file"):
        backup_database(make_engine("sqlite://"), Path("never.sqlite3"))


@pytest.mark.backends("postgresql")
def test_a_server_database_says_its_backups_are_the_servers(engine: Engine, tmp_path: Path) -> None:
    _fill(engine, 2)
    for attempt in (
        lambda: backup_database(engine, tmp_path / "copy.sqlite3"),
        lambda: timestamped_backup(engine),
        lambda: restore_database(engine, tmp_path / "copy.sqlite3"),
    ):
        with pytest.raises(BackupError) as refused:
            attempt()
        assert str(refused.value) == SERVER_BACKUPS
        assert "pg_dump" in SERVER_BACKUPS
    assert automatic_backups(engine) == []
    assert not any(tmp_path.iterdir())  # nothing was written
    assert count_sessions(engine, owner=OWNER) == 2


def test_backup_and_restore_carry_the_check_ins_with_their_answers(
    engine: Engine, tmp_path: Path
) -> None:
    _fill(engine, 2)
    first = add_checkin(
        engine, owner=OWNER, day=BASE.date(), instrument="cbi", answers=checkin_answers(option=1)
    )
    add_checkin(
        engine,
        owner=OWNER,
        day=BASE.date() + timedelta(days=28),
        instrument="proqol",
        answers=checkin_answers("proqol", option=3),
    )
    saved = [(c.record, c.answers) for c in stored_checkins(engine, owner=OWNER)]
    backup = backup_database(engine, tmp_path / "saved.sqlite3")
    copy = make_engine(sqlite_url(backup))
    assert [(c.record, c.answers) for c in stored_checkins(copy, owner=OWNER)] == saved
    copy.dispose()
    # Changed after the backup: one check-in gone, another added.
    delete_checkin(engine, owner=OWNER, checkin_id=first)
    add_checkin(
        engine,
        owner=OWNER,
        day=BASE.date() + timedelta(days=56),
        instrument="cbi",
        answers=checkin_answers(option=4),
    )

    restore_database(engine, backup)

    assert [(c.record, c.answers) for c in stored_checkins(engine, owner=OWNER)] == saved
