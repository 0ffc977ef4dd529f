"""Shared fixtures: every test gets its own temporary database and a fixed timezone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data.db import make_engine
from data.environment import DATABASE_URL_VARIABLE, sqlite_url
from data.schema import ensure_schema


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the user's real data folder or depends on the machine's timezone."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, sqlite_url(tmp_path / "test.sqlite3"))
    monkeypatch.delenv("TIGHTROPE_DEMO", raising=False)  # tracked, so a test that sets it is undone


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """The URL of this test's database (the same one TIGHTROPE_DATABASE_URL points at)."""
    return sqlite_url(tmp_path / "test.sqlite3")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on this test's own SQLite file."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()
