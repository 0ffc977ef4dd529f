"""The configured database for one command: checked, brought up to date, closed again; and what
to say when its file cannot be read."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from data.environment import load_environment


def where() -> str:
    """Where the data lives, for messages: the SQLite file, else the URL without its password."""
    return load_environment().location


def fail(message: str) -> int:
    """Print `message` on standard error and return the exit status of a refusal (1)."""
    print(message, file=sys.stderr)
    return 1


def overwrite_refusal(path: Path, *, force: bool) -> str | None:
    """Why `path` must not be written by an export or a report, or None.

    Never the journal itself (or SQLite's files beside it), whatever --force says; any other
    existing file only with --force.
    """
    journal = load_environment().database_path
    if journal is not None:
        taken = {
            Path(f"{journal}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")
        }
        if path.resolve() in taken:
            return f"{path} is your journal's own file: choose another name. Nothing was written."
    if path.exists() and not force:
        return f"{path} already exists. Choose a new name, or add --force to replace it."
    return None


@contextmanager
def open_database(*, url: str | None = None, check: bool = True) -> Iterator[Engine]:
    """The configured database (or `url`'s) for one command, disposed afterwards.

    With `check` (the default) a file SQLite cannot read raises DamagedDatabaseError (the
    `tightrope` command turns it into a plain message), and the schema is brought up to date,
    saying on standard error where the pre-upgrade backup went. Without it the engine is only
    made: a restore must reach a damaged file to replace it.
    """
    from data.damage import check_readable
    from data.db import make_engine
    from data.schema import ensure_schema

    engine = make_engine(url or load_environment().database_url)
    try:
        if check:
            check_readable(engine)
            backup = ensure_schema(engine)
            if backup is not None:
                print(
                    f"Your database was upgraded; the previous version is saved at {backup}",
                    file=sys.stderr,
                )
        yield engine
    finally:
        engine.dispose()


def damaged_message(path: Path | None) -> str:
    """What to say when the journal file cannot be read: what is wrong, and how to restore."""
    from data.db import make_engine
    from data.environment import sqlite_url
    from data.restore import newest_backup

    if path is None:  # a server database reports its own damage
        return "The database cannot be read. Nothing was changed."
    engine = make_engine(sqlite_url(path))
    try:
        newest = newest_backup(engine)
    finally:
        engine.dispose()
    lines = [
        f"Tightrope cannot read your journal file at {path}: it is damaged (perhaps cut short "
        "or overwritten) or it is not a Tightrope database. Nothing in it was changed."
    ]
    if newest is None:
        lines.append(
            f"No backup was found in {path.parent / 'backups'}. If you keep one elsewhere, "
            "restore it with: tightrope restore FILE"
        )
    else:
        made = datetime.fromtimestamp(newest.stat().st_mtime).strftime("%d %b %Y %H:%M")
        lines.append(f"Your newest backup is {newest} (made {made}). To restore it:")
        lines.append(f"  tightrope restore {newest}")
    lines.append(
        "A restore keeps the damaged file in the backups folder, in case it can be repaired."
    )
    return "\n".join(lines)
