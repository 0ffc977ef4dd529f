"""A journal file SQLite cannot read (cut short, overwritten, not a database): found once, told
apart from every other error, and described in plain words."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from data.db import database_file

# SQLite's primary result codes for a damaged file (https://sqlite.org/rescode.html).
SQLITE_CORRUPT: Final = 11
SQLITE_NOTADB: Final = 26
_DAMAGE_CODES: Final = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})
_DAMAGE_WORDS: Final = ("file is not a database", "database disk image is malformed")


class DamagedDatabaseError(Exception):
    """The journal file exists but SQLite cannot read it whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Tightrope cannot read your journal file at {path}: it is damaged (perhaps cut "
            "short or overwritten) or it is not a Tightrope database. Nothing in it was changed."
        )


def is_damage(error: BaseException) -> bool:
    """Whether `error` (or the SQLite error inside an SQLAlchemy one) says the file is damaged."""
    original = error.orig if isinstance(error, DBAPIError) else error
    if not isinstance(original, sqlite3.DatabaseError):
        return False
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES  # extended codes keep the primary one in the low byte
    return any(words in str(original).lower() for words in _DAMAGE_WORDS)


def check_readable(engine: Engine) -> None:
    """Raise DamagedDatabaseError when the SQLite file behind `engine` cannot be read whole.

    SQLite's quick_check reads every page once (about 15 ms for the ten-year benchmark history,
    2.5 MiB), so a file cut short is found here rather than on some later page. A missing or
    empty file, an in-memory or a server database pass: there is nothing damaged to read.
    """
    path = database_file(engine)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return
    try:
        with engine.connect() as connection:
            result = connection.exec_driver_sql("PRAGMA quick_check").scalars().all()
    except DBAPIError as error:
        if is_damage(error):
            engine.dispose()  # no pooled connection keeps the damaged file open
            raise DamagedDatabaseError(path) from None
        raise
    if result != ["ok"]:
        engine.dispose()
        raise DamagedDatabaseError(path)
