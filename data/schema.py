"""The schema: its revision, alembic migrations, and bringing a database up to date at start.

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
from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection, Engine, inspect, text

from data.backup import backup_database
from data.db import BUSY_TIMEOUT_MS, database_file, make_engine
from data.environment import load_environment
from data.revision import HEAD_REVISION, VERSION_TABLE

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATION_LOCK: Final = 0x7469_6768  # "tigh": the PostgreSQL advisory lock key for migrating
MIGRATION_WAIT_MS: Final = 300_000
"""How long a process waits on SQLite for another one's migration before giving up."""


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
    with engine.connect() as connection:
        return _revision_on(connection)


def _revision_on(connection: Connection) -> str | None:
    # What alembic's MigrationContext.get_current_revision reads, without importing alembic.
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


@contextmanager
def migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other process migrates alongside, until it ends.

    Two processes opening a new database at once (the server starting while `tightrope import`
    runs, two server replicas) would otherwise both create its tables, and one would fail.
    SQLite: an exclusive transaction (in WAL mode readers go on, writers wait out the busy
    timeout). PostgreSQL: a transaction-level advisory lock, released by the commit. Whoever
    holds the lock must read the revision again: the other process may have migrated meanwhile.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite changes a constraint by rebuilding the table; with foreign keys on, dropping
            # the old table would cascade into the tag links. Off for the migration (it can only
            # change outside a transaction), checked before the commit, on again after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # Wait for another process's migration as long as it may take (a ten-year journal's
            # tables are rebuilt in seconds, more on a busy machine), not the usual few seconds.
            connection.exec_driver_sql(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        elif connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            yield connection
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("the migration left a row pointing at nothing; nothing changed")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _migrate(connection: Connection, revision: str) -> None:
    from alembic import command  # local import: only needed when a migration is due

    config = alembic_config(connection.engine)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run alembic migrations on `engine` up to `revision`, one process at a time."""
    with migration_lock(engine) as connection:
        _migrate(connection, revision)


def ensure_schema(
    engine: Engine, *, backup_dir: Path | None = None, migration_url: str | None = None
) -> Path | None:
    """Bring the database to the newest schema; back it up first when it already holds entries.

    Safe when several processes start on the same database at once: one migrates, the others
    wait and then find it up to date. Returns the path of the pre-migration backup, if taken.

    On PostgreSQL with a migration URL (`migration_url`, else TIGHTROPE_MIGRATION_DATABASE_URL
    when it names the same database), the migration runs as that URL's role, the tables' owner,
    and `engine`'s role, which owns nothing, gets the rights the dashboard needs (grant_access).
    """
    owner_url = _migration_url(engine, migration_url)
    if owner_url is None:
        backup = _ensure(engine, backup_dir)
    else:
        owner = make_engine(owner_url)
        try:
            backup = _ensure(owner, backup_dir)
            if engine.url.username and engine.url.username != owner.url.username:
                grant_access(owner, role=engine.url.username)
        finally:
            owner.dispose()
    if engine.dialect.name == "postgresql" and (problem := isolation_problem(engine)):
        log.warning("%s", problem)
    return backup


def _migration_url(engine: Engine, given: str | None) -> str | None:
    if engine.dialect.name != "postgresql":
        return None
    from sqlalchemy.engine import make_url

    url = given or load_environment().migration_url
    if url is None:
        return None
    target = make_url(url)
    same = (target.host, target.port, target.database) == (
        engine.url.host,
        engine.url.port,
        engine.url.database,
    )
    if given is None and not same:
        return None  # the configured migration URL belongs to another database
    return url


def _ensure(engine: Engine, backup_dir: Path | None) -> Path | None:
    if current_revision(engine) == head_revision():
        return None  # the usual start: no lock, no alembic
    with migration_lock(engine) as connection:
        current = _revision_on(connection)  # again: another process may have just migrated
        if current == head_revision():
            return None
        backup: Path | None = None
        source = database_file(engine)
        if current is not None and source is not None and _holds_sessions(engine):
            # A separate reading connection: in WAL mode it reads beside the exclusive lock.
            folder = backup_dir or source.parent / "backups"
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = backup_database(engine, folder / f"before-migration-{current}-{stamp}.sqlite3")
            log.info("backed up the database before migrating from revision %s", current)
        elif current is not None and source is None:
            log.info("migrating from revision %s; the server's own backups cover this", current)
        _migrate(connection, "head")
    return backup


# What the dashboard's role may do on PostgreSQL; row-level security narrows it to one account.
_APP_TABLES: Final = (
    "session_entry",
    "session_scenario",
    "scenario",
    "setting",
    "packet",
    "checkin",
    "data_revision",
)

# What the dashboard's role may call; they check the grant, the lead role and the minimum group.
_APP_FUNCTIONS: Final = (
    "tightrope_invite_supervisor(text, boolean, boolean)",
    "tightrope_revoke_supervisor(integer)",
    "tightrope_grants_given()",
    "tightrope_supervisees()",
    "tightrope_shared_ratings(integer)",
    "tightrope_shared_settings(integer)",
    "tightrope_shared_packets(integer)",
    "tightrope_shared_packet(integer)",
    "tightrope_practice_ratings()",
    "tightrope_delete_sharing()",
)


def grant_access(owner: Engine, *, role: str) -> None:
    """Give `role` (the dashboard's, owning nothing) what it needs on `owner`'s database.

    Reading and writing the owned tables (row-level security then limits it to one account),
    reading its own account, its own practice role, the practice's settings and the schema
    version, and finding or creating an account at sign-in through tightrope_account_for and
    tightrope_sign_in; sharing with a supervisor and reading what is shared through the
    functions of migration 0008, which log every read. Nothing else: no DDL, no other
    account's row, not the practice's permits, no way to write the access log.
    """
    with owner.begin() as connection:
        quote = connection.dialect.identifier_preparer.quote
        who = quote(role)
        schema = quote(str(connection.execute(text("SELECT current_schema()")).scalar_one()))
        tables = ", ".join(quote(t) for t in _APP_TABLES)
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {who}",
            f"GRANT SELECT ON account, practice_role, practice_config, {VERSION_TABLE} TO {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
            f"GRANT EXECUTE ON FUNCTION tightrope_account_for(text, text, text, text) TO {who}",
            f"GRANT EXECUTE ON FUNCTION tightrope_sign_in(text, text, text, text) TO {who}",
            # Sharing (migration 0008): grants and the log are written by functions only.
            f"GRANT SELECT ON supervision_grant, access_log TO {who}",
            f"GRANT SELECT, INSERT, DELETE ON shared_packet TO {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON practice_opt_in TO {who}",
            *(f"GRANT EXECUTE ON FUNCTION {function} TO {who}" for function in _APP_FUNCTIONS),
        ):
            connection.exec_driver_sql(statement)
    log.info("granted the dashboard's database role its rights")


def isolation_problem(engine: Engine) -> str | None:
    """Why row-level security would not hold for `engine`'s role on PostgreSQL, or None."""
    query = text(
        "SELECT r.rolsuper OR r.rolbypassrls, "
        "EXISTS (SELECT 1 FROM pg_tables t WHERE t.tablename = 'session_entry' "
        "AND t.schemaname = current_schema() AND t.tableowner = current_user) "
        "FROM pg_roles r WHERE r.rolname = current_user"
    )
    with engine.connect() as connection:
        bypasses, owns = connection.execute(query).one()
    if bypasses:
        return (
            "The dashboard connects as a database superuser (or a role that bypasses row-level "
            "security): one account's rows are not kept from another's. Connect as a role that "
            "owns nothing (README, Running Tightrope for a practice)."
        )
    if owns:
        return (
            "The dashboard connects as the role that owns the tables, and row-level security "
            "does not bind a table's owner. Set TIGHTROPE_MIGRATION_DATABASE_URL to the owner "
            "and TIGHTROPE_DATABASE_URL to a role that owns nothing."
        )
    return None


def known_revisions() -> dict[str, int]:
    """Every schema revision this version knows, oldest first, with its position."""
    from alembic.script import ScriptDirectory  # local import: alembic only when needed

    script = ScriptDirectory.from_config(alembic_config())
    ordered = list(reversed(list(script.walk_revisions())))
    return {rev.revision: index for index, rev in enumerate(ordered)}
