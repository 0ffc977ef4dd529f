"""Where the data lives and which timezone days are counted in."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.environment import load_environment, local_timezone, sqlite_path, sqlite_url


def test_default_database_is_in_the_user_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TIGHTROPE_DATABASE_URL")
    env = load_environment()
    assert env.database_path == tmp_path / "xdg-data" / "tightrope" / "tightrope.sqlite3"


def test_database_url_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIGHTROPE_DATABASE_URL", "postgresql://clinic@localhost/tightrope")
    env = load_environment()
    assert env.database_url == "postgresql://clinic@localhost/tightrope"
    assert env.database_path is None


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://x/y"])
def test_non_file_urls_have_no_path(url: str) -> None:
    assert sqlite_path(url) is None


def test_sqlite_url_round_trips(tmp_path: Path) -> None:
    assert sqlite_path(sqlite_url(tmp_path / "a.sqlite3")) == tmp_path / "a.sqlite3"


def test_timezone_follows_tz_even_after_a_first_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    assert local_timezone().key == "Europe/Berlin"
    monkeypatch.setenv("TZ", "America/Chicago")
    assert local_timezone().key == "America/Chicago"
    monkeypatch.setenv("TZ", ":Asia/Tokyo")
    assert local_timezone().key == "Asia/Tokyo"


def test_a_server_password_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIGHTROPE_DATABASE_URL", "postgresql+psycopg://app:s3cret@db:5432/tr")
    env = load_environment()
    assert "s3cret" not in env.location and "app" in env.location and "db:5432/tr" in env.location
