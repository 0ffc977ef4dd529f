"""Every connection gets the durability pragmas; the schema is versioned with alembic."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError

from core.schema import BUILTIN_SCENARIOS
from data.db import make_engine, owner_connection, trouble_in_words
from data.schema import current_revision, ensure_schema, head_revision, upgrade
from tests.databases import Databases


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("synchronous", 2),  # FULL
        ("foreign_keys", 1),
        ("secure_delete", 1),
    ],
)
def test_connection_pragmas(engine: Engine, pragma: str, expected: object) -> None:
    with engine.connect() as connection:
        assert connection.execute(text(f"PRAGMA {pragma}")).scalar() == expected


@pytest.mark.backends("sqlite")
def test_busy_timeout_is_at_least_five_seconds(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000


def test_schema_is_at_the_alembic_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {
        "session_entry",
        "scenario",
        "session_scenario",
        "setting",
        "packet",
        "data_revision",
    } <= tables


def test_builtin_scenarios_are_seeded(engine: Engine) -> None:
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM scenario WHERE builtin")).scalars()
        # The migration keeps its own frozen copy of the list: it must match the vocabulary.
        assert set(names) == set(BUILTIN_SCENARIOS)


def test_data_revision_changes_even_when_raw_sql_writes(engine: Engine) -> None:
    def token() -> str:
        with owner_connection(engine, owner=1) as connection:
            query = text("SELECT token FROM data_revision WHERE owner_id = 1")
            return str(connection.execute(query).scalar())

    seen = [token()]
    with owner_connection(engine, owner=1) as connection:
        connection.execute(
            text(
                "INSERT INTO session_entry (owner_id, started_at, client_code, dread, detachment, "
                "fatigue, created_at, updated_at) VALUES (1, '2026-01-05 09:00:00', 'C-1', 1, 1, "
                "1, '2026-01-05', '2026-01-05')"
            )
        )
    seen.append(token())
    with owner_connection(engine, owner=1) as connection:
        connection.execute(text("DELETE FROM session_entry"))
    seen.append(token())
    assert len(set(seen)) == 3


def test_current_revision_reads_what_alembic_reads(databases: Databases) -> None:
    engine = make_engine(databases.url("journal"))
    assert current_revision(engine) is None  # no version table yet
    for revision in ("0001", head_revision()):
        upgrade(engine, revision)
        with engine.connect() as connection:
            alembic_says = MigrationContext.configure(connection).get_current_revision()
        assert current_revision(engine) == alembic_says == revision
    engine.dispose()


def test_current_revision_of_an_empty_version_table_is_none(
    engine: Engine, databases: Databases, db_url: str
) -> None:
    owner = make_engine(databases.owner_url(db_url))  # the dashboard's role may only read it
    with owner.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    owner.dispose()
    assert current_revision(engine) is None


def test_starting_on_an_up_to_date_database_does_not_import_alembic(engine: Engine) -> None:
    # alembic costs the running dashboard ~11 MiB; a fresh interpreter shows whether it loads.
    url = engine.url.render_as_string(hide_password=False)
    code = (
        "import sys\n"
        "from data.db import make_engine\nfrom data.schema import ensure_schema\n"
        f"assert ensure_schema(make_engine({url!r})) is None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_an_outdated_database_is_still_migrated(databases: Databases) -> None:
    engine = make_engine(databases.url("journal"))
    upgrade(engine, "0001")
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def _connect_at_once(path: str, start: Any, errors: Any) -> None:
    engine = make_engine(f"sqlite:///{path}")
    start.wait(timeout=30)  # a worker left waiting breaks the barrier: an error, not a pass
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
            connection.commit()
    except Exception as error:  # reported to the parent: any error fails the test
        errors.put(f"{type(error).__name__}: {error}")
    finally:
        engine.dispose()


@pytest.mark.backends("sqlite")
def test_four_processes_turning_a_new_file_to_wal_at_once_all_connect(tmp_path: Path) -> None:
    # Two connections switching a new file to WAL together: SQLite answers one of them
    # "database is locked" at once, without waiting out the busy timeout (9 of 160 connections
    # failed before data.db retried the switch).
    context = multiprocessing.get_context("fork")
    failures: list[str] = []
    for round_ in range(25):
        start, errors = context.Barrier(4), context.Queue()
        path = str(tmp_path / f"new-{round_}.sqlite3")
        workers = [
            context.Process(target=_connect_at_once, args=(path, start, errors)) for _ in range(4)
        ]
        for process in workers:
            process.start()
        for process in workers:
            process.join(timeout=60)
        while not errors.empty():
            failures.append(f"round {round_}: {errors.get()}")
        # A worker that died before it could report (or hangs) fails the round too.
        failures += [f"round {round_}: exit code {p.exitcode}" for p in workers if p.exitcode]
        failures += [f"round {round_}: still running" for p in workers if p.exitcode is None]
    assert failures == []


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("database is locked", "your journal is busy: another program is writing to it"),
        ("database or disk is full", "the disk is full"),
        (
            "attempt to write a readonly database",
            "your journal cannot be written: its file is read-only",
        ),
        (
            'connection failed: connection to server at "10.0.0.7", port 5432 failed',
            "the database could not be reached",
        ),
    ],
)
def test_database_trouble_is_told_in_words_without_its_message(message: str, words: str) -> None:
    error = OperationalError("INSERT …", {}, sqlite3.OperationalError(message))
    assert trouble_in_words(error) == words
