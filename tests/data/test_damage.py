"""A damaged journal file is found, told apart from other errors, and can be restored over."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from data.backup import backup_database
from data.damage import DamagedDatabaseError, check_readable, is_damage
from data.db import make_engine
from data.environment import sqlite_url
from data.repository import add_session, count_sessions, insert_frame
from data.restore import newest_backup, restore_database, restore_uploaded
from tests.factories import OWNER, make_entry, sessions_frame

pytestmark = pytest.mark.backends("sqlite")  # a damaged file is SQLite's; a server checks itself


def damage(path: Path, how: str) -> bytes:
    """Damage the database at `path` as a full disk or a bad copy would; return its old bytes."""
    engine = make_engine(sqlite_url(path))
    with engine.connect() as connection:  # everything into the main file first
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    data = path.read_bytes()
    damaged = data[: len(data) // 2] if how == "truncated" else os.urandom(len(data))
    path.write_bytes(damaged)
    return damaged


@pytest.fixture
def filled(engine: Engine) -> Engine:
    """This test's database holding a few weeks of entries."""
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=40))
    return engine


@pytest.mark.parametrize("how", ["truncated", "random bytes"])
def test_a_damaged_file_is_found_by_the_check(filled: Engine, db_url: str, how: str) -> None:
    path = Path(db_url.removeprefix("sqlite:///"))
    damage(path, how)
    with pytest.raises(DamagedDatabaseError) as found:
        check_readable(make_engine(db_url))
    assert found.value.path == path
    assert str(path) in str(found.value) and "cannot read" in str(found.value)


def test_a_sound_missing_or_empty_file_passes(filled: Engine, tmp_path: Path) -> None:
    check_readable(filled)
    check_readable(make_engine(sqlite_url(tmp_path / "missing.sqlite3")))
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    check_readable(make_engine(sqlite_url(empty)))


def test_only_damage_counts_as_damage() -> None:
    assert is_damage(sqlite3.DatabaseError("file is not a database"))
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    assert is_damage(OperationalError("SELECT 1", {}, corrupt))
    assert not is_damage(sqlite3.OperationalError("database is locked"))
    assert not is_damage(ValueError("file is not a database"))


@pytest.mark.parametrize("how", ["truncated", "random bytes"])
def test_a_restore_replaces_a_damaged_file_and_keeps_it_aside(
    filled: Engine, db_url: str, tmp_path: Path, how: str
) -> None:
    expected = count_sessions(filled, owner=OWNER)
    backup = backup_database(filled, tmp_path / "kept" / "backup.sqlite3")
    add_session(
        filled, owner=OWNER, entry=make_entry()
    )  # the damaged file held one more entry than the backup
    filled.dispose()
    path = Path(db_url.removeprefix("sqlite:///"))
    damaged = damage(path, how)

    engine = make_engine(db_url)
    result = restore_database(engine, backup)
    assert result.entries == expected
    assert result.safety_backup is not None and result.safety_backup.name.startswith("damaged-")
    assert result.safety_backup.read_bytes() == damaged  # nothing thrown away
    check_readable(engine)
    assert count_sessions(engine, owner=OWNER) == expected
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    engine.dispose()


def test_the_newest_intact_backup_is_offered(filled: Engine, tmp_path: Path) -> None:
    folder = Path(str(filled.url.database)).parent / "backups"
    assert newest_backup(filled) is None
    older = backup_database(filled, folder / "backup-1.sqlite3")
    newer = backup_database(filled, folder / "before-restore-2.sqlite3")
    os.utime(older, (1_000_000, 1_000_000))
    assert newest_backup(filled) == newer
    newer.write_bytes(b"not a database")  # a damaged backup is passed over
    (folder / "damaged-3.sqlite3").write_bytes(b"")
    assert newest_backup(filled) == older


def test_an_uploaded_backup_restores_over_a_damaged_file_and_leaves_no_copy(
    filled: Engine, db_url: str, tmp_path: Path
) -> None:
    expected = count_sessions(filled, owner=OWNER)
    content = backup_database(filled, tmp_path / "upload.sqlite3").read_bytes()
    filled.dispose()
    damage(Path(db_url.removeprefix("sqlite:///")), "truncated")
    engine = make_engine(db_url)
    result = restore_uploaded(engine, content)
    assert result.entries == count_sessions(engine, owner=OWNER) == expected
    folder = Path(db_url.removeprefix("sqlite:///")).parent / "backups"
    assert sorted(p.name.split("-")[0] for p in folder.iterdir()) == ["damaged"]
    engine.dispose()
