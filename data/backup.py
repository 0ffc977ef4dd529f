"""Online backups with SQLite's backup API: consistent even while the app is writing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from data.environment import sqlite_path


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy the live SQLite database behind `engine` into `target` (a new file) and return it."""
    source = sqlite_path(engine.url.render_as_string(hide_password=False))
    if source is None:
        raise ValueError("backups are available for SQLite databases only")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source, timeout=10) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    src.close()
    dst.close()
    partial.replace(target)  # appear whole or not at all
    return target
