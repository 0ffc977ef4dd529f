"""Shared fixtures: every test gets its own temporary database and a fixed timezone.

SQLite by default; tests under tests/data run on PostgreSQL too (tests/data/conftest.py), on a
server the session starts itself (tests/pg.py). Without PostgreSQL's binaries those tests skip
with the reason, except under CI=true, where they fail: CI must test both databases.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine

from data.db import make_engine
from data.environment import DATABASE_URL_VARIABLE, sqlite_url
from data.schema import ensure_schema
from tests.databases import HEAD_TEMPLATE, Databases
from tests.pg import APP_ROLE, OWNER_ROLE, PostgresServer, PostgresUnavailable, start_server


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the user's real data folder or depends on the machine's timezone."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, sqlite_url(tmp_path / "test.sqlite3"))
    monkeypatch.delenv("TIGHTROPE_DEMO", raising=False)  # tracked, so a test that sets it is undone


@pytest.fixture
def empty_caches() -> Iterator[None]:
    """Streamlit's caches empty before and after the test: they are the server's, shared by
    every session and test in the process (`pytestmark = pytest.mark.usefixtures(...)`)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole session, with a migrated template database."""
    try:
        server = start_server()
    except PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {error}")
        pytest.skip(str(error))
    try:
        server.create_database(name=HEAD_TEMPLATE)
        # Migrated by the owner; the app's role gets its rights (copies of the template keep them).
        app = make_engine(server.url(HEAD_TEMPLATE, APP_ROLE))
        ensure_schema(app, migration_url=server.url(HEAD_TEMPLATE, OWNER_ROLE))
        app.dispose()  # a template must have no connections when it is copied
        yield server
    finally:
        server.stop()


@pytest.fixture
def backend() -> str:
    """The database the test runs on; tests/data parametrizes it over every backend.

    TIGHTROPE_TEST_BACKEND=postgresql runs the other suites (pages, CLI) on PostgreSQL too.
    """
    return os.environ.get("TIGHTROPE_TEST_BACKEND", "sqlite")


@pytest.fixture
def databases(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Databases]:
    """A maker of new databases on this test's backend."""
    made = Databases(backend, tmp_path, request)
    yield made
    made.drop_all()


@pytest.fixture
def db_url(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of this test's database (the same one TIGHTROPE_DATABASE_URL points at).

    On SQLite a file not yet created; on PostgreSQL a database already at the newest schema.
    """
    url = databases.url("test", migrated=databases.backend != "sqlite")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on this test's own database."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()
