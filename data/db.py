"""The engine: SQLite pragmas for durability on every connection, and schema migration at start.

alembic is imported only when a database has to be migrated: reading the stored revision and
comparing it with data.revision.HEAD_REVISION needs plain SQLAlchemy, and keeping alembic (with
Mako and Pygments) out of a running dashboard saves about 11 MiB of its memory.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlmodel import Session

from data.environment import sqlite_path
from data.revision import HEAD_REVISION, VERSION_TABLE

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the dashboard read while a save commits; FULL makes each commit survive power loss;
    # a busy timeout makes a second writer wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; a SQLite file gets its folder and the durability pragmas."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: SQL errors and echo logs never carry note text or client codes.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def alembic_config(engine: Engine | None = None) -> Config:
    """An alembic Config that finds the migrations inside the installed `data` package."""
    from alembic.config import Config  # local import: only migrations and restores need alembic

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    """The newest schema revision this version of Tightrope knows."""
    return HEAD_REVISION


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    # What alembic's MigrationContext.get_current_revision reads, without importing alembic.
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    if len(rows) > 1:
        raise RuntimeError(
            "The database records more than one schema version, so Tightrope cannot tell which "
            "it is at. Restore a backup or ask for help before using it."
        )
    return str(rows[0][0]) if rows else None


def _holds_sessions(engine: Engine) -> bool:
    if not inspect(engine).has_table("session_entry"):
        return False
    with engine.connect() as connection:
        return bool(
            connection.execute(text("SELECT EXISTS (SELECT 1 FROM session_entry)")).scalar()
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run alembic migrations on `engine` up to `revision`."""
    from alembic import command  # local import: only needed when a migration is due

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_schema(engine: Engine, *, backup_dir: Path | None = None) -> Path | None:
    """Bring the database to the newest schema; back it up first when it already holds entries.

    Returns the path of the pre-migration backup, if one was taken.
    """
    current = current_revision(engine)
    if current == head_revision():
        return None
    backup: Path | None = None
    source = sqlite_path(engine.url.render_as_string(hide_password=False))
    if current is not None and source is not None and _holds_sessions(engine):
        from data.backup import backup_database  # local import: backup imports db

        folder = backup_dir or source.parent / "backups"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = backup_database(engine, folder / f"before-migration-{current}-{stamp}.sqlite3")
        log.info("backed up the database before migrating from revision %s", current)
    upgrade(engine)
    return backup


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: nothing half-saves."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
