"""The test session's PostgreSQL server: a missing server is a skip with the reason, or under CI a
failure (tests/conftest.py); found here from Debian's package layout."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from tests import pg


def test_missing_binaries_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "VERSIONS", ())
    monkeypatch.setattr(pg.shutil, "which", lambda _name: None)
    with pytest.raises(pg.PostgresUnavailable, match="postgresql"):
        pg.server_binaries()


def test_the_server_listens_on_loopback_only(postgres: pg.PostgresServer) -> None:
    # Asked of the server itself: the URL names 127.0.0.1 whatever the server listens on.
    engine = create_engine(postgres.url("postgres"))
    try:
        with engine.connect() as connection:
            listening = connection.exec_driver_sql("SHOW listen_addresses").scalar_one()
    finally:
        engine.dispose()
    assert listening == "127.0.0.1"
    assert postgres.folder.exists()
