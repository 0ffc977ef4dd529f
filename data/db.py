"""The engine: SQLite pragmas for durability on every connection, sessions that never half-save.

Schema migration lives in data.schema, backups in data.backup, restore in data.restore; imports
run one way: db <- backup <- schema <- restore.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from data.environment import sqlite_path
from data.private import create_private_file, private_folder, tighten

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
WAL_RETRY_S = 0.05


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the dashboard read while a save commits; FULL makes each commit survive power loss;
    # a busy timeout makes a second writer wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _write_ahead_log(cursor: Any) -> None:
    # Turning a new database to WAL needs it to itself, and SQLite answers "database is locked" at
    # once, without the busy timeout, while another process holds it (a migration's exclusive
    # transaction when the server and `tightrope import` open a new file together). Retry for as
    # long as the busy timeout would have waited.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_S)


def _created_private(path: Path) -> Callable[..., None]:
    # Before SQLite opens the file: create it empty and 0600 if it is missing, or SQLite creates
    # it readable by every user (and its -wal and -shm files take the database file's mode). An
    # existing one from an older version is made private too.
    def create(*_: Any) -> None:
        if not create_private_file(path) and tighten(path):
            log.info("The journal file was readable by other users; it is now yours only.")

    return create


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; a SQLite file gets its folder and the durability pragmas."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            private_folder(path.parent)
        # hide_parameters: SQL errors and echo logs never carry note text or client codes.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if path is not None:
            event.listen(engine, "do_connect", _created_private(path))
        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "handle_error", _without_row_values)
    return engine


def _without_row_values(context: ExceptionContext) -> None:
    # PostgreSQL puts the refused row into a constraint error ("DETAIL: Failing row contains
    # (…)", "Key (…)=(…) already exists"): notes and client codes. hide_parameters keeps the
    # values out of SQLAlchemy's part of the message; this keeps them out of the server's part.
    error, original = context.sqlalchemy_exception, context.original_exception
    if error is None or "\nDETAIL:" not in str(original):
        return
    first = str(original).split("\nDETAIL:", 1)[0]
    if error.args:
        error.args = (str(error.args[0]).split("\nDETAIL:", 1)[0], *error.args[1:])
    # SQLAlchemy raises its error `from` the driver's, so a traceback (Streamlit logs one for
    # an error nobody caught) prints the driver's message as the cause: strip it there too.
    original.args = (first,)
    try:
        error.orig = type(original)(first)  # same class (and SQLSTATE), without the values
    except Exception:  # a driver error class that wants other arguments: keep it as it is
        log.debug("could not strip the row from a %s", type(original).__name__)


def trouble_in_words(error: OperationalError) -> str:
    """Why the database could not do what was asked, for the person: from the kind of trouble
    its message names, never the message itself (a path, a host)."""
    words = str(error.orig).lower()
    if "locked" in words or "busy" in words:
        return "your journal is busy: another program is writing to it"
    if "full" in words or "no space" in words:
        return "the disk is full"
    if "readonly" in words or "read-only" in words:
        return "your journal cannot be written: its file is read-only"
    return "the database could not be reached"


def database_file(engine: Engine) -> Path | None:
    """The SQLite file behind `engine`; None for a server database or an in-memory one."""
    return sqlite_path(engine.url.render_as_string(hide_password=False))


ACCOUNT_SETTING = "tightrope.account_id"
"""The PostgreSQL setting row-level security reads: whose rows this transaction may touch."""


def scope_to_owner(connection: Connection, owner: int) -> None:
    """Tell the database whose rows the current transaction may see and change (PostgreSQL).

    `set_config(..., true)` is SET LOCAL: it ends with the transaction, so a pooled connection
    never carries one person's account into another's request. SQLite has no row-level
    security; there every query filters by owner itself (as it does on PostgreSQL too).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT set_config(:name, :owner, true)"),
            {"name": ACCOUNT_SETTING, "owner": str(int(owner))},
        )


@contextmanager
def owner_connection(engine: Engine, *, owner: int) -> Iterator[Connection]:
    """A connection in one transaction scoped to `owner`: commits on success, else rolls back."""
    with engine.connect() as connection:
        scope_to_owner(connection, owner)
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise


@contextmanager
def session_scope(engine: Engine, *, owner: int) -> Iterator[Session]:
    """A session scoped to `owner` that commits on success and rolls back on any error."""
    with Session(engine) as session:
        scope_to_owner(session.connection(), owner)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
