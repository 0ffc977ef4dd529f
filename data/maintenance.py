"""Delete all data for good: rows gone, and their bytes gone from the database file and its WAL."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, delete, func, select, text

from data.backup import automatic_backups
from data.db import owner_connection
from data.environment import sqlite_path
from data.models import SessionEntry, SQLModel

log = logging.getLogger(__name__)

CONFIRM_PHRASE: Final = "delete everything"
"""What the therapist types to confirm; a click alone is too easy for something this final."""

# Tables whose rows are not the therapist's entries: the schema version, the cache token, the
# account itself (signing in again must find it) and the practice's own settings and roles
# (the administrator's, migration 0007).
_KEEP_TABLES: Final = frozenset(
    {
        "alembic_version",
        "data_revision",
        "account",
        "practice_permit",
        "practice_role",
        "practice_config",
    }
)
# The owner's side of sharing (migration 0008): on PostgreSQL only a database function may delete
# grants and the access log, so tightrope_delete_sharing removes all four.
_SHARING_TABLES: Final = frozenset(
    {"supervision_grant", "shared_packet", "access_log", "practice_opt_in"}
)


@dataclass(frozen=True)
class DeleteResult:
    """What delete-all did."""

    entries: int
    backups_removed: list[Path] = field(default_factory=list)
    wal_cleared: bool = True
    note: str = ""
    """What the therapist should know beyond the counts (a server database's own backups)."""


SERVER_NOTE: Final = (
    "The server removes the deleted rows from its files on its own (PostgreSQL's vacuum); "
    "copies in the server's backups are the practice's to manage."
)


def confirmation_matches(typed: str) -> bool:
    """Whether the typed confirmation is the phrase (case and surrounding spaces do not matter)."""
    return " ".join(typed.split()).lower() == CONFIRM_PHRASE


def delete_all_data(engine: Engine, *, owner: int, remove_backups: bool = False) -> DeleteResult:
    """Delete every entry, check-in, own tag, setting and packet record of `owner` at once,
    with what they shared (grants, shared packets, the access log, the practice opt-in).

    Other accounts' rows stay. On SQLite the file is then scrubbed: secure_delete (set on every
    connection) zeroes the freed content; a TRUNCATE checkpoint and VACUUM then rewrite the file
    and empty the WAL, so a deleted note cannot be read back from the raw bytes. With
    `remove_backups`, the backups Tightrope made by itself go too.
    """
    entry = SessionEntry.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass
    with owner_connection(engine, owner=owner) as connection:
        entries = int(
            connection.execute(
                select(func.count()).select_from(entry).where(entry.c.owner_id == owner)
            ).scalar_one()
        )
        present = set(connection.dialect.get_table_names(connection))
        keep = set(_KEEP_TABLES)
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT tightrope_delete_sharing()"))
            keep |= _SHARING_TABLES
        # Children before parents, so foreign keys never object halfway.
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name in keep or table.name not in present:
                continue
            # The guide's five scenarios have no owner: part of the product, not anyone's data.
            connection.execute(delete(table).where(table.c.owner_id == owner))
    wal_cleared = _scrub(engine)
    note = "" if engine.dialect.name == "sqlite" else SERVER_NOTE
    removed: list[Path] = []
    if remove_backups:
        for path in automatic_backups(engine):
            path.unlink(missing_ok=True)
            removed.append(path)
    log.info("deleted all data of one account: %d entries, %d backups", entries, len(removed))
    return DeleteResult(
        entries=entries, backups_removed=removed, wal_cleared=wal_cleared, note=note
    )


def _scrub(engine: Engine) -> bool:
    """Checkpoint, VACUUM and truncate the WAL; returns whether the WAL ended up empty."""
    if engine.dialect.name != "sqlite":
        # A server database: VACUUM there is the owner's (and locks the table for everyone);
        # autovacuum frees the rows' space, and the result's note says so.
        return True
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("VACUUM")
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    wal = Path(f"{path}-wal") if path is not None else None
    return not busy and (wal is None or not wal.exists() or wal.stat().st_size == 0)
