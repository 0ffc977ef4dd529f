"""AppTest on a damaged journal file: a plain page at every address, and a restore that works."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.backup import timestamped_backup
from data.db import make_engine
from data.environment import sqlite_url
from data.repository import count_sessions, insert_frame
from tests.data.test_damage import damage
from tests.factories import OWNER, sessions_frame
from tests.paths import APP

HOW = ["truncated", "random bytes"]


@pytest.fixture
def damaged(engine: Engine, db_url: str, request: pytest.FixtureRequest) -> tuple[Path, int]:
    """This test's journal with entries and a backup, then damaged: (journal, entries)."""
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=40))
    timestamped_backup(engine)
    entries = count_sessions(engine, owner=OWNER)
    engine.dispose()
    st.cache_resource.clear()  # a fresh server process: nothing checked yet
    journal = Path(db_url.removeprefix("sqlite:///"))
    damage(journal, request.param)
    return journal, entries


def texts(at: AppTest) -> str:
    """Every title, error, info and Markdown text of the run."""
    parts = [*at.title, *at.error, *at.info, *at.markdown, *at.success, *at.caption]
    return "\n".join(str(p.value) for p in parts)


@pytest.mark.parametrize("damaged", HOW, indirect=True)
def test_the_app_says_in_plain_words_that_the_journal_cannot_be_read(
    damaged: tuple[Path, int],
) -> None:
    journal, _ = damaged
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Your journal cannot be read" in shown
    assert f"Tightrope cannot read your journal file at {journal}" in shown
    assert "Your newest backup" in shown
    assert at.button(key="damaged_restore_newest")
    # Every address shows this page: tests/e2e/test_addresses.py opens each in a browser.


@pytest.mark.parametrize("damaged", HOW, indirect=True)
def test_restoring_the_newest_backup_brings_the_journal_back(
    damaged: tuple[Path, int], db_url: str
) -> None:
    journal, entries = damaged
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.button(key="damaged_restore_newest").click().run()
    assert not at.exception, at.exception
    assert f"Restored {entries} entries" in texts(at)
    assert "Your journal cannot be read" not in texts(at)
    assert count_sessions(make_engine(sqlite_url(journal)), owner=OWNER) == entries
    kept = list((journal.parent / "backups").glob("damaged-*.sqlite3"))
    assert len(kept) == 1


@pytest.mark.parametrize("damaged", HOW[:1], indirect=True)
def test_a_restore_that_fails_unexpectedly_says_so_below_its_button(
    damaged: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise PermissionError(13, "Permission denied", "/somewhere/private")

    monkeypatch.setattr("data.restore.restore_database", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.button(key="damaged_restore_upload").disabled  # no file chosen yet
    at.button(key="damaged_restore_newest").click().run()
    assert not at.exception, at.exception
    order = [getattr(e, "key", None) or f"{e.type}: {getattr(e, 'value', '')}" for e in at.main]
    below = order[order.index("damaged_restore_newest") + 1]
    assert below.startswith("error: Something went wrong and nothing was restored")
    assert "Permission denied" not in texts(at) and "Your journal cannot be read" in texts(at)


def test_damage_while_the_app_runs_leads_to_the_same_page(engine: Engine, db_url: str) -> None:
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=40))
    timestamped_backup(engine)
    engine.dispose()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "Log a session" in texts(at)
    damage(Path(db_url.removeprefix("sqlite:///")), "random bytes")  # overwritten meanwhile
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "Your journal cannot be read" in texts(at)
