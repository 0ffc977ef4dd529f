"""Online backups with the SQLite backup API: consistent while the app writes.

A PostgreSQL server is backed up with its own tools (pg_dump, pg_restore, the practice's schedule);
Tightrope says so instead of copying anything.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from data.db import database_file
from data.private import create_private_file, private_folder

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
# A damaged journal moved aside by a restore (data.restore), kept in case it can be repaired.
DAMAGED_PREFIX = "damaged-"
# File-name prefixes of the backups Tightrope makes by itself (delete-all may remove these).
AUTOMATIC_PREFIXES = ("before-migration-", "before-restore-", "backup-", DAMAGED_PREFIX)


SERVER_BACKUPS = (
    "This database is on a server, not in a file: its backups are made and restored with the "
    "server's own tools (for PostgreSQL pg_dump and pg_restore, or the practice's backup "
    "schedule). To take your own entries with you, export them as CSV."
)
"""Why a server database has no Tightrope backup, in words for the therapist."""


class BackupError(ValueError):
    """A backup or restore that was refused, with a message meant for the therapist."""


def sqlite_file(engine: Engine) -> Path:
    """The SQLite file behind `engine` (data.db.database_file); BackupError for other databases."""
    source = database_file(engine)
    if source is None:
        if engine.dialect.name != "sqlite":
            raise BackupError(SERVER_BACKUPS)
        raise BackupError("Backups are available for a SQLite database file only.")
    return source


def backup_folder(engine: Engine) -> Path:
    """Where automatic and dashboard backups go: a `backups` folder beside the database."""
    return sqlite_file(engine).parent / BACKUP_FOLDER


def stamp() -> str:
    """A UTC timestamp for backup file names, to the microsecond."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy the live SQLite database behind `engine` into `target` (a new file) and return it."""
    source = sqlite_file(engine)
    target = Path(target)
    private_folder(target.parent)
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)  # a backup holds every entry: readable by its owner only
    src = sqlite3.connect(source, timeout=10)
    dst = sqlite3.connect(partial)
    try:
        # One step (pages=-1): the copy is a single consistent snapshot even while others write.
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        src.close()
        dst.close()
    partial.replace(target)  # appear whole or not at all
    log.info("backed up the database to %s", target)
    return target


def timestamped_backup(engine: Engine, prefix: str = "backup-") -> Path:
    """Back up into the backups folder under a new time-stamped name such as backup-2026…sqlite3."""
    return backup_database(engine, backup_folder(engine) / f"{prefix}{stamp()}.sqlite3")


def automatic_backups(engine: Engine) -> list[Path]:
    """The backups Tightrope made by itself in the backups folder, oldest first."""
    if database_file(engine) is None:
        return []  # a server or in-memory database: Tightrope never made a backup of it
    folder = backup_folder(engine)
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.name.startswith(AUTOMATIC_PREFIXES)
    )
