"""Every file that holds entries is created 0600 and every folder 0700, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard import cli
from data.backup import backup_database, timestamped_backup
from data.db import make_engine
from data.demo import seed_demo
from data.environment import DATABASE_URL_VARIABLE, local_timezone, sqlite_url
from data.private import create_private_file, private_folder, write_private
from data.repository import add_session
from data.restore import restore_database
from data.schema import ensure_schema
from tests.factories import OWNER, make_entry


def mode(path: Path) -> int:
    """The permission bits of `path`."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    # The usual 022 would make files 0644 and folders 0755 unless their modes are chosen.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database in a folder that does not exist yet, configured as the journal, with entries."""
    path = tmp_path / "new" / "folder" / "journal.sqlite3"
    monkeypatch.setenv(DATABASE_URL_VARIABLE, sqlite_url(path))
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    add_session(engine, owner=OWNER, entry=make_entry())
    engine.dispose()
    return path


def test_the_database_its_wal_and_shm_and_its_folders_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "journal.sqlite3"
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    add_session(engine, owner=OWNER, entry=make_entry())
    with engine.connect():  # a connection keeps the write-ahead log and its index in place
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert {p.name: mode(p) for p in (path, wal, shm)} == {
            p.name: 0o600 for p in (path, wal, shm)
        }
    engine.dispose()
    assert mode(tmp_path / "new") == mode(tmp_path / "new" / "folder") == 0o700


def test_backups_and_their_folder_are_private(journal: Path, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(journal))
    made = timestamped_backup(engine)
    chosen = backup_database(engine, tmp_path / "mine" / "copy.sqlite3")
    assert mode(made) == mode(chosen) == 0o600
    assert mode(made.parent) == mode(tmp_path / "mine") == 0o700
    engine.dispose()


def test_a_restore_leaves_private_files(journal: Path, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(journal))
    source = backup_database(engine, tmp_path / "copy.sqlite3")
    result = restore_database(engine, source)
    engine.dispose()
    assert result.safety_backup is not None
    assert mode(result.safety_backup) == mode(journal) == 0o600


def test_export_and_packets_are_private(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "entries.csv"
    assert cli.main(["export", str(out)]) == 0
    assert mode(out) == 0o600 and mode(out.parent) == 0o700
    engine = make_engine(sqlite_url(journal))
    today = datetime.now(local_timezone()).date()
    seed_demo(engine, today, local_timezone(), owner=OWNER)
    engine.dispose()
    packet = tmp_path / "packets" / "packet.html"
    start = str(today - timedelta(days=27))
    assert cli.main(["report", "--from", start, "--to", str(today), "--out", str(packet)]) == 0
    assert mode(packet) == 0o600 and mode(packet.parent) == 0o700


def test_the_demo_database_is_private(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "demo.sqlite3"
    argv = ["demo", "--database", str(path), "--today", "2026-11-20", "--seed-only"]
    assert cli.main(argv) == 0
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_existing_files_and_folders_keep_their_modes(tmp_path: Path) -> None:
    # Tightrope chooses the modes of what it creates; a folder the user made stays theirs.
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    assert private_folder(shared) == shared and mode(shared) == 0o755
    existing = shared / "kept.sqlite3"
    existing.write_bytes(b"")
    existing.chmod(0o640)
    assert create_private_file(existing) is False and mode(existing) == 0o640
    replaced = write_private(shared / "kept.csv", b"a,b\n")
    assert mode(replaced) == 0o600 and replaced.read_bytes() == b"a,b\n"


def test_a_database_left_readable_by_an_older_version_is_made_private_when_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    add_session(engine, owner=OWNER, entry=make_entry())
    engine.dispose()
    path.chmod(0o644)  # as SQLite made it before Tightrope chose the mode
    engine = make_engine(sqlite_url(path))
    with engine.connect():
        assert mode(path) == 0o600
        assert mode(Path(f"{path}-wal")) == 0o600
    engine.dispose()
