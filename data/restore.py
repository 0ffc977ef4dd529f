"""Restore: check a backup, upgrade a private copy, back up the live data, swap in one step."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from data.backup import (
    DAMAGED_PREFIX,
    BackupError,
    backup_folder,
    sqlite_file,
    stamp,
    timestamped_backup,
)
from data.damage import DamagedDatabaseError, check_readable
from data.db import make_engine
from data.environment import sqlite_url
from data.private import create_private_file, private_folder, write_private
from data.schema import head_revision, known_revisions, upgrade

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
STAGING_PREFIX = "restoring-"


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: where the previous data was saved, and what is there now."""

    safety_backup: Path | None
    entries: int
    migrated_from: str | None


def inspect_backup(path: Path) -> str:
    """Check that `path` is an intact Tightrope database and return its schema revision.

    Raises BackupError with a plain reason otherwise. The file is only read.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with path.open("rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    if magic != SQLITE_MAGIC:
        raise BackupError("This file is not a Tightrope backup: it is not a SQLite database.")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            check = connection.execute("PRAGMA integrity_check").fetchone()
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise BackupError(
            "This file is damaged: SQLite cannot read it. Nothing was restored."
        ) from None
    if check is None or check[0] != "ok":
        raise BackupError(
            "This backup is damaged (its integrity check failed). Nothing was restored."
        )
    if "session_entry" not in tables or revision is None:
        raise BackupError("This SQLite file is not a Tightrope database. Nothing was restored.")
    if revision not in known_revisions():
        raise BackupError(
            "This backup was made by a newer version of Tightrope. "
            "Update Tightrope, then restore it again. Nothing was restored."
        )
    return str(revision)


def restore_database(engine: Engine, source: Path) -> RestoreResult:
    """Replace every row of the live database with the backup at `source`.

    The backup is checked first (BackupError when it is not an intact Tightrope database) and
    migrated on a private copy when it is older. The current data is backed up before anything
    changes (a damaged file SQLite cannot read is moved aside whole instead); the swap is a
    single SQLite backup step, so it happens whole or not at all.
    """
    from alembic.util.exc import CommandError  # local import: alembic only when restoring

    live = sqlite_file(engine)  # first: a server database is restored with the server's tools
    revision = inspect_backup(source)
    folder = private_folder(backup_folder(engine))
    staging = folder / f"{STAGING_PREFIX}{stamp()}.sqlite3"
    create_private_file(staging)
    shutil.copyfile(source, staging)  # work on a copy: the user's file stays untouched
    try:
        migrated_from = None
        if revision != head_revision():
            staging_engine = make_engine(sqlite_url(staging))
            try:
                upgrade(staging_engine)
            except CommandError:
                raise BackupError(
                    "This backup could not be upgraded. Nothing was restored."
                ) from None
            finally:
                staging_engine.dispose()
            migrated_from = revision
        safety = _keep_current(engine)
        create_private_file(live)  # anew, when a damaged file was moved aside
        src = sqlite3.connect(staging)
        dst = sqlite3.connect(live, timeout=10)
        try:
            src.backup(dst)
            entries = int(dst.execute("SELECT count(*) FROM session_entry").fetchone()[0])
        except sqlite3.OperationalError as error:
            raise BackupError(
                f"The backup could not be copied in ({error}). Your data was not changed."
            ) from None
        finally:
            src.close()
            dst.close()
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{staging}{suffix}").unlink(missing_ok=True)
    log.info("restored %d entries from a backup (schema %s)", entries, revision)
    return RestoreResult(safety_backup=safety, entries=entries, migrated_from=migrated_from)


def _keep_current(engine: Engine) -> Path | None:
    """Keep the live data before a restore replaces it; where it went (None: there was none).

    Readable data is backed up. A damaged file cannot be backed up through SQLite, so it moves
    aside whole, with its write-ahead log, as damaged-….sqlite3 in the backups folder: nothing
    is thrown away, and the restore writes a new file.
    """
    live = sqlite_file(engine)
    if not live.exists() or live.stat().st_size == 0:
        return None
    try:
        check_readable(engine)
    except DamagedDatabaseError:
        aside = backup_folder(engine) / f"{DAMAGED_PREFIX}{stamp()}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{live}{suffix}")
            if part.exists():
                os.replace(part, f"{aside}{suffix}")
        log.info("moved a damaged database aside before restoring")
        return aside
    return timestamped_backup(engine, "before-restore-")


def newest_backup(engine: Engine) -> Path | None:
    """The newest intact Tightrope backup in the backups folder beside the database, or None."""
    folder = backup_folder(engine)
    if not folder.is_dir():
        return None
    candidates = [
        path
        for path in folder.glob("*.sqlite3")
        if path.is_file() and not path.name.startswith((DAMAGED_PREFIX, STAGING_PREFIX))
    ]
    for path in sorted(candidates, key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            inspect_backup(path)
        except BackupError:
            continue
        return path
    return None


def restore_uploaded(engine: Engine, content: bytes) -> RestoreResult:
    """Restore from a backup's bytes (an upload), kept meanwhile in a private scratch folder."""
    folder = private_folder(backup_folder(engine))
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=folder) as scratch:  # 0700
        upload = Path(scratch) / "uploaded.sqlite3"
        write_private(upload, content)
        return restore_database(engine, upload)
