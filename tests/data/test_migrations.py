"""Upgrading from every earlier schema keeps every row and value; models match the migrations.

On SQLite and on PostgreSQL: every revision upgrades an empty database and one holding rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from core.schema import BUILTIN_SCENARIOS
from data.db import make_engine
from data.environment import sqlite_url
from data.models import LOCAL_ACCOUNT_ID, LOCAL_ISSUER, SQLModel
from data.repository import load_sessions
from data.restore import inspect_backup
from data.schema import alembic_config, current_revision, ensure_schema, head_revision
from data.schema import upgrade as upgrade_to
from tests.databases import Databases

SCRIPT = ScriptDirectory.from_config(alembic_config())
REVISIONS = [rev.revision for rev in reversed(list(SCRIPT.walk_revisions()))]
EARLIER = REVISIONS[:-1]
OWNERS = "0004"  # the revision that gives every row an owner

# Rows written with raw SQL, as an older Tightrope would have stored them: naive UTC times,
# awkward text, edge ratings, a custom tag. Only the columns a table has at a revision are used,
# so a later revision that adds a NOT NULL column without a default fails here, on purpose.
FILL: dict[str, list[dict[str, Any]]] = {
    "session_entry": [
        {
            "id": 1,
            "owner_id": 1,
            "started_at": "2024-03-31 00:30:00.000000",
            "client_code": "C-07",
            "dread": 0,
            "detachment": 10,
            "fatigue": 5,
            "reflection_reaction": 'tight chest, "again"',
            "reflection_held_back": "",
            "reflection_themes": "rescuing;\nfixing",
            "note": "Zürich, 東京 — line one\nline two",
            "grounding_done": True,
            "created_at": "2024-03-31 01:00:00.000000",
            "updated_at": "2024-04-01 09:15:30.123456",
        },
        {
            "id": 5,
            "owner_id": 1,
            "started_at": "2024-10-27 01:15:00.250000",
            "client_code": "Heron-2",
            "dread": 10,
            "detachment": 0,
            "fatigue": 0,
            "reflection_reaction": "",
            "reflection_held_back": "=1+1",
            "reflection_themes": "",
            "note": "",
            "grounding_done": False,
            "created_at": "2024-10-27 02:00:00.000000",
            "updated_at": "2024-10-27 02:00:00.000000",
        },
    ],
    "scenario": [{"id": 6, "owner_id": 1, "name": "my own tag", "builtin": False}],
    "session_scenario": [
        {"owner_id": 1, "session_id": 1, "scenario_id": 3},
        {"owner_id": 1, "session_id": 1, "scenario_id": 6},
        {"owner_id": 1, "session_id": 5, "scenario_id": 1},
    ],
    "setting": [
        {"owner_id": 1, "key": "watch_days", "value": "14", "updated_at": "2024-05-01 10:00:00"},
        {"owner_id": 1, "key": "absolute_threshold", "value": "6.5", "updated_at": "2024-05-01"},
    ],
    "packet": [
        {
            "id": 2,
            "owner_id": 1,
            "created_at": "2024-06-01 12:00:00.000000",
            "period_start": "2024-05-01",
            "period_end": "2024-05-31",
            "format": "pdf",
        }
    ],
    "checkin": [
        {
            "id": 3,
            "owner_id": 1,
            "taken_on": "2024-06-02",
            "instrument": "cbi",
            "answers": '{"cbi_personal_1": 2}',
            "created_at": "2024-06-02 18:00:00.000000",
        }
    ],
    "practice_permit": [
        {"kind": "domain", "value": "practice.example", "created_at": "2026-01-04 08:00:00"},
        {"kind": "email", "value": "guest@elsewhere.example", "created_at": "2026-01-04 08:00:00"},
    ],
    "practice_role": [{"account_id": 2, "role": "lead", "granted_at": "2026-01-06 08:00:00"}],
    "practice_config": [{"key": "min_group", "value": "6"}],
    "supervision_grant": [
        {
            "id": 1,
            "owner_id": 1,
            "supervisor_id": 2,
            "share_levels": True,
            "share_trends": False,
            "created_at": "2026-01-07 08:00:00",
            "revoked_at": None,
        }
    ],
    "shared_packet": [
        {
            "id": 1,
            "owner_id": 1,
            "supervisor_id": 2,
            "format": "html",
            "title": "January",
            "content": b"<html>packet</html>",
            "created_at": "2026-01-08 08:00:00",
        }
    ],
    "access_log": [
        {
            "id": 1,
            "owner_id": 1,
            "viewer_id": 2,
            "viewer_name": "Second Therapist",
            "what": "your ratings (dread, detachment, fatigue)",
            "at": "2026-01-09 08:00:00",
        }
    ],
    "practice_opt_in": [{"owner_id": 1, "since": "2026-01-10 08:00:00"}],
    # A second account (the local one, id 1, comes with revision 0004).
    "account": [
        {
            "id": 2,
            "display_name": "Second Therapist",
            "oidc_issuer": "https://id.practice.example",
            "oidc_subject": "248289761001",
            "email": "second@practice.example",
            "created_at": "2026-01-05 08:00:00.000000",
        }
    ],
}
# Cache tokens, rewritten by triggers on purpose whenever entries change (and rebuilt per owner
# by 0004): not user data.
VOLATILE = {"data_revision"}


def _engine_at(databases: Databases, revision: str) -> Engine:
    engine = make_engine(databases.url(f"at-{revision}"))
    upgrade_to(engine, revision)
    return engine


def _fill(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        for table, rows in sorted(FILL.items(), key=lambda item: item[0] != "account"):
            if table not in tables:
                continue
            columns = {c["name"] for c in inspect(connection).get_columns(table)}
            for row in rows:
                fields = {k: v for k, v in row.items() if k in columns}
                names = ", ".join(fields)
                marks = ", ".join(f":{k}" for k in fields)
                connection.execute(
                    sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), fields
                )


def _snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as the driver returns it, no model converting a value."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        return {
            table: [
                dict(row._mapping)
                for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            ]
            for table in sorted(tables)
        }


def test_revisions_form_one_line_from_the_first_schema() -> None:
    assert REVISIONS[0] == "0001"
    assert REVISIONS[-1] == head_revision()
    assert len(SCRIPT.get_heads()) == 1


def test_every_table_has_rows_in_the_fill() -> None:
    # A new table needs rows here, or its migration would go untested.
    tables = set(SQLModel.metadata.tables) - set(VOLATILE)
    assert tables <= set(FILL), sorted(tables - set(FILL))


@pytest.mark.parametrize("revision", EARLIER)
def test_upgrade_keeps_every_row_and_value(databases: Databases, revision: str) -> None:
    engine = _engine_at(databases, revision)
    url = engine.url.render_as_string(hide_password=False)
    _fill(engine)
    engine.dispose()
    engine = make_engine(url)
    before = _snapshot(engine)
    assert sum(len(rows) for rows in before.values()) >= 8

    upgrade_to(engine)
    assert current_revision(engine) == head_revision()
    after = _snapshot(engine)
    engine.dispose()

    for table, rows in before.items():
        if table in VOLATILE:
            continue
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: v for k, v in new.items() if k in old} == old, table


@pytest.mark.parametrize("revision", [r for r in EARLIER if r < OWNERS])
def test_every_row_of_a_database_without_owners_goes_to_the_local_account(
    databases: Databases, revision: str
) -> None:
    engine = _engine_at(databases, revision)
    _fill(engine)
    upgrade_to(engine)
    after = _snapshot(engine)
    assert after["account"] == [
        {
            "id": LOCAL_ACCOUNT_ID,
            "display_name": "Local account",
            "oidc_issuer": LOCAL_ISSUER,
            "oidc_subject": "local",
            "email": None,
            "created_at": after["account"][0]["created_at"],
        }
    ]
    assert after["session_entry"] and after["session_scenario"]
    for table in ("session_entry", "session_scenario", "setting", "packet"):
        assert {row["owner_id"] for row in after[table]} <= {LOCAL_ACCOUNT_ID}, table
    owners = {row["name"]: row["owner_id"] for row in after["scenario"]}
    assert owners.pop("my own tag") == LOCAL_ACCOUNT_ID
    assert sorted(owners) == sorted(BUILTIN_SCENARIOS) and set(owners.values()) == {None}
    # What the app reads: the local account's entries with their tags, its settings.
    stored = load_sessions(engine, owner=LOCAL_ACCOUNT_ID)
    assert list(stored["id"]) == [1, 5]
    assert list(stored["scenarios"]) == [
        ["boundary pushing", "my own tag"],
        ["client withdrawal or silence"],
    ]
    engine.dispose()


@pytest.mark.backends("sqlite")  # a server database is backed up by the server's tools
@pytest.mark.parametrize("revision", EARLIER)
def test_app_backs_up_a_database_with_entries_before_migrating(
    databases: Databases, tmp_path: Path, revision: str
) -> None:
    engine = _engine_at(databases, revision)
    _fill(engine)
    before = _snapshot(engine)

    backup = ensure_schema(engine, backup_dir=tmp_path / "bk")

    assert backup is not None and backup.parent == tmp_path / "bk"
    assert backup.name.startswith(f"before-migration-{revision}-")
    assert inspect_backup(backup) == revision
    copy = make_engine(sqlite_url(backup))
    assert _snapshot(copy) == before
    copy.dispose()
    assert current_revision(engine) == head_revision()
    engine.dispose()


@pytest.mark.parametrize("revision", [None, *EARLIER])
def test_no_backup_when_there_are_no_entries(
    databases: Databases, tmp_path: Path, revision: str | None
) -> None:
    engine = (
        make_engine(databases.url("journal"))
        if revision is None
        else _engine_at(databases, revision)
    )
    assert ensure_schema(engine, backup_dir=tmp_path / "bk") is None
    assert current_revision(engine) == head_revision()
    assert not (tmp_path / "bk").exists()
    assert ensure_schema(engine, backup_dir=tmp_path / "bk") is None  # already at head
    engine.dispose()


def _differences(engine: Engine, metadata: sa.MetaData) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_models_match_the_migrated_schema(engine: Engine) -> None:
    assert _differences(engine, SQLModel.metadata) == []


def test_the_comparison_sees_a_difference(engine: Engine) -> None:
    metadata = sa.MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["setting"].append_column(sa.Column("extra", sa.Integer))
    assert _differences(engine, metadata) != []
