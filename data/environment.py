"""Environment settings: where the data lives and which timezone days are counted in."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
import tzlocal

APP_NAME = "tightrope"
DATABASE_URL_VARIABLE = "TIGHTROPE_DATABASE_URL"
MIGRATION_URL_VARIABLE = "TIGHTROPE_MIGRATION_DATABASE_URL"
DEMO_FILE = "demo.sqlite3"


@dataclass(frozen=True)
class Environment:
    """Settings read from the process environment, with the local-first defaults."""

    database_url: str
    data_dir: Path
    migration_url: str | None = None
    """On a server, the role that owns the tables and migrates them (TIGHTROPE_DATABASE_URL's
    role then owns nothing, so row-level security applies to it); None: the same URL."""

    @property
    def database_path(self) -> Path | None:
        """The SQLite file behind the URL, or None for a server database or in-memory SQLite."""
        return sqlite_path(self.database_url)

    @property
    def demo_path(self) -> Path:
        """The demo database: demo.sqlite3 beside the configured SQLite file, else in data_dir."""
        folder = self.database_path.parent if self.database_path is not None else self.data_dir
        return folder / DEMO_FILE

    @property
    def location(self) -> str:
        """Where the data is, to show: the SQLite file, or the server URL without its password."""
        return str(self.database_path or shown_url(self.database_url))


def shown_url(url: str) -> str:
    """`url` with any password replaced by ***, for messages, pages and logs."""
    from sqlalchemy.engine import make_url  # local import: only for a server database

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: show nothing that could be a secret
        return "(a database URL that could not be read)"


def default_data_dir() -> Path:
    """The platform's per-user data directory for Tightrope (created on demand)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(path: Path) -> str:
    """An SQLAlchemy URL for a SQLite file."""
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL points at, or None when the URL is not a SQLite file."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url in (prefix, prefix + ":memory:"):
        return None
    return Path(url[len(prefix) :])


def load_environment() -> Environment:
    """Read TIGHTROPE_DATABASE_URL (tightrope.sqlite3 in the user-data directory when unset) and
    TIGHTROPE_MIGRATION_DATABASE_URL."""
    data_dir = default_data_dir()
    url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if not url:
        url = sqlite_url(data_dir / "tightrope.sqlite3")
    migration = os.environ.get(MIGRATION_URL_VARIABLE, "").strip() or None
    return Environment(database_url=url, data_dir=data_dir, migration_url=migration)


def local_timezone() -> ZoneInfo:
    """The machine's timezone (TZ respected): local days are counted in it."""
    # Read TZ on every call: tzlocal caches its first answer, and TZ may change in a process.
    name = os.environ.get("TZ", "").strip().lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ValueError, ZoneInfoNotFoundError):
            pass  # not a zone name (e.g. a POSIX rule string): ask the system
    zone = tzlocal.get_localzone()
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))
