"""Every connection gets the durability pragmas; the schema is versioned with alembic."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from data.db import current_revision, head_revision


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
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


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
        assert set(names) == {
            "client withdrawal or silence",
            "emotional dysregulation",
            "boundary pushing",
            "crisis situation",
            "countertransference",
        }


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
