"""Every connection gets the durability pragmas; the schema is versioned with alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from core.schema import BUILTIN_SCENARIOS
from data.db import make_engine
from data.environment import sqlite_url
from data.schema import current_revision, ensure_schema, head_revision, upgrade


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
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT token FROM data_revision")).scalar())

    seen = [token()]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO session_entry (started_at, client_code, dread, detachment, fatigue, "
                "created_at, updated_at) VALUES ('2026-01-05 09:00:00', 'C-1', 1, 1, 1, "
                "'2026-01-05', '2026-01-05')"
            )
        )
    seen.append(token())
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM session_entry"))
    seen.append(token())
    assert len(set(seen)) == 3


def test_current_revision_reads_what_alembic_reads(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "journal.sqlite3"))
    assert current_revision(engine) is None  # no version table yet
    for revision in ("0001", head_revision()):
        upgrade(engine, revision)
        with engine.connect() as connection:
            alembic_says = MigrationContext.configure(connection).get_current_revision()
        assert current_revision(engine) == alembic_says == revision
    engine.dispose()


def test_current_revision_of_an_empty_version_table_is_none(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
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


def test_an_outdated_database_is_still_migrated(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "journal.sqlite3"))
    upgrade(engine, "0001")
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()
