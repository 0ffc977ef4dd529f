"""New databases for one test, on SQLite or on the session's PostgreSQL server (tests/pg.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from data.db import make_engine
from data.environment import sqlite_url
from data.schema import ensure_schema
from tests.pg import APP_ROLE, OWNER_ROLE, PostgresServer

HEAD_TEMPLATE: Final = "tightrope_head"
"""A PostgreSQL database migrated to the newest schema once; test databases are copies of it."""


class Databases:
    """New, empty databases for one test on one backend, removed when the test ends."""

    def __init__(self, backend: str, folder: Path, request: pytest.FixtureRequest) -> None:
        self.backend = backend
        self.folder = folder
        self._request = request
        self._created: list[str] = []

    @property
    def server(self) -> PostgresServer:
        """The session's PostgreSQL server (started on first use)."""
        server: PostgresServer = self._request.getfixturevalue("postgres")
        return server

    def url(self, name: str = "test", *, migrated: bool = False, role: str | None = None) -> str:
        """The URL of a new database (`name` is the SQLite file's stem); at the head if `migrated`.

        A migrated PostgreSQL database is a copy of the session's template (milliseconds),
        reached as the dashboard's role, which owns nothing (row-level security applies); an
        empty one as the owner, who migrates it. `role` chooses otherwise. A migrated SQLite
        file is migrated here.
        """
        if self.backend == "sqlite":
            url = sqlite_url(self.folder / f"{name}.sqlite3")
            if migrated:
                engine = make_engine(url)
                ensure_schema(engine)
                engine.dispose()
            return url
        database = self.server.create_database(template=HEAD_TEMPLATE if migrated else "template0")
        self._created.append(database)
        return self.server.url(database, role or (APP_ROLE if migrated else OWNER_ROLE))

    def owner_url(self, url: str) -> str:
        """`url` as the role that owns the tables (PostgreSQL); a SQLite URL as it is."""
        if self.backend == "sqlite":
            return url
        return url.replace(f"//{APP_ROLE}@", f"//{OWNER_ROLE}@")

    def drop_all(self) -> None:
        """Drop the PostgreSQL databases this test made (a SQLite file goes with tmp_path)."""
        for database in self._created:
            self.server.drop_database(database)
