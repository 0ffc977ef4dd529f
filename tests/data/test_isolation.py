"""PostgreSQL keeps accounts apart by itself: row-level security, a role that owns nothing.

test_owners.py shows every data function keeping to its owner; here the database does it even
for a query that forgets the owner, and without the per-transaction setting nothing is visible.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from core.schema import BUILTIN_SCENARIOS
from core.settings import Thresholds
from data.accounts import account_for
from data.checkins import add_checkin
from data.db import make_engine, owner_connection
from data.models import LOCAL_ACCOUNT_ID
from data.packets import record_packet
from data.repository import add_session, insert_frame
from data.schema import isolation_problem
from data.settings_store import save_thresholds
from tests.databases import Databases
from tests.factories import checkin_answers, make_entry, sessions_frame

pytestmark = pytest.mark.backends("postgresql")

A = LOCAL_ACCOUNT_ID
OWNED = ("session_entry", "session_scenario", "setting", "packet", "checkin", "data_revision")
SHARED = ("supervision_grant", "shared_packet", "access_log", "practice_opt_in")
"""Owned tables another account may reach by the owner's choice (tests/data/test_sharing.py)."""


@pytest.fixture
def b(engine: Engine) -> int:
    """A second account; A (the local account) has a journal, B has one entry."""
    insert_frame(engine, owner=A, frame=sessions_frame(days=30))
    add_session(engine, owner=A, entry=make_entry(client_code="A-1", scenarios=["a's tag"]))
    save_thresholds(engine, owner=A, thresholds=Thresholds(absolute_threshold=7.0))
    record_packet(engine, owner=A, start=date(2025, 1, 6), end=date(2025, 2, 2), fmt="pdf")
    add_checkin(engine, owner=A, day=date(2025, 2, 3), instrument="cbi", answers=checkin_answers())
    b = account_for(engine, issuer="https://id.example", subject="b", display_name="B")
    add_session(engine, owner=b, entry=make_entry(client_code="B-1", scenarios=["b's tag"]))
    return b


def _counts(connection: Connection) -> dict[str, int]:
    return {
        table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        for table in OWNED
    }


def test_without_the_setting_no_owned_row_is_visible(engine: Engine, b: int) -> None:
    with engine.connect() as connection:
        assert _counts(connection) == dict.fromkeys(OWNED, 0)
        names = connection.execute(text("SELECT name FROM scenario")).scalars().all()
        assert sorted(names) == sorted(BUILTIN_SCENARIOS)  # the guide's five, nobody's own
        assert connection.execute(text("SELECT count(*) FROM account")).scalar_one() == 0


def test_a_query_that_forgets_the_owner_sees_its_account_only(engine: Engine, b: int) -> None:
    with owner_connection(engine, owner=b) as connection:
        codes = connection.execute(text("SELECT client_code FROM session_entry")).scalars().all()
        assert codes == ["B-1"]
        assert _counts(connection) == {
            "session_entry": 1,
            "session_scenario": 1,
            "setting": 0,
            "packet": 0,
            "checkin": 0,
            "data_revision": 1,
        }
        own = connection.execute(text("SELECT name FROM scenario WHERE NOT builtin")).scalars()
        assert list(own) == ["b's tag"]
        assert connection.execute(text("SELECT id FROM account")).scalars().all() == [b]
        # Nor can it change or delete what it cannot see.
        for statement in (
            "UPDATE session_entry SET note = 'B was here'",
            "DELETE FROM session_scenario",
            "DELETE FROM setting",
            "UPDATE packet SET format = 'html'",
            "DELETE FROM checkin",
            "DELETE FROM scenario WHERE NOT builtin",
        ):
            connection.execute(text(statement))
    with owner_connection(engine, owner=A) as connection:
        assert (
            connection.execute(
                text("SELECT count(*) FROM session_entry WHERE note = 'B was here'")
            ).scalar_one()
            == 0
        )
        counts = _counts(connection)
        assert counts["session_scenario"] > 0 and counts["setting"] == 1 and counts["packet"] == 1
        assert counts["checkin"] == 1
        formats = connection.execute(text("SELECT format FROM packet")).scalars().all()
        assert formats == ["pdf"]
        own = connection.execute(text("SELECT name FROM scenario WHERE NOT builtin")).scalars()
        assert list(own) == ["a's tag"]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO session_entry (owner_id, started_at, client_code, dread, detachment, "
        "fatigue, created_at, updated_at) VALUES (1, now(), 'X', 1, 1, 1, now(), now())",
        "INSERT INTO setting (owner_id, key, value, updated_at) VALUES (1, 'k', '1', now())",
        "INSERT INTO packet (owner_id, created_at, period_start, period_end, format) "
        "VALUES (1, now(), '2026-01-01', '2026-01-02', 'pdf')",
        "INSERT INTO checkin (owner_id, taken_on, instrument, answers, created_at) "
        "VALUES (1, '2026-01-01', 'cbi', '{}', now())",
        "INSERT INTO scenario (owner_id, name, builtin) VALUES (1, 'planted', false)",
        "INSERT INTO scenario (owner_id, name, builtin) VALUES (NULL, 'for everyone', true)",
        "UPDATE scenario SET name = 'renamed' WHERE builtin",
    ],
    ids=["entry", "setting", "packet", "checkin", "tag", "builtin-tag", "rename-builtin"],
)
def test_b_cannot_write_rows_for_a(engine: Engine, b: int, statement: str) -> None:
    with owner_connection(engine, owner=b) as connection:
        try:
            changed = connection.execute(text(statement)).rowcount
        except DBAPIError as error:
            assert "row-level security" in str(error.orig)
        else:
            assert changed == 0  # an UPDATE of rows it may not change touches none


def test_the_dashboard_role_owns_nothing_and_cannot_lift_the_policies(engine: Engine) -> None:
    assert isolation_problem(engine) is None
    for statement in (
        "ALTER TABLE session_entry DISABLE ROW LEVEL SECURITY",
        "DROP POLICY session_entry_owner ON session_entry",
        "SET row_security = off; SELECT count(*) FROM session_entry",
    ):
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.exec_driver_sql(statement)


@pytest.fixture
def owner_engine(databases: Databases, db_url: str) -> Iterator[Engine]:
    engine = make_engine(databases.owner_url(db_url))
    yield engine
    engine.dispose()


def test_connecting_as_the_tables_owner_is_named_as_a_problem(owner_engine: Engine) -> None:
    problem = isolation_problem(owner_engine)
    assert problem is not None and "TIGHTROPE_MIGRATION_DATABASE_URL" in problem


def test_every_owned_table_has_its_policy(owner_engine: Engine) -> None:
    # A new owned table without row-level security fails here.
    with owner_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.relname, c.relrowsecurity FROM pg_class c "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'owner_id' "
                "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
            )
        ).all()
        policies = set(connection.execute(text("SELECT tablename FROM pg_policies")).scalars())
    tables = {name for name, _ in rows}
    assert tables == {*OWNED, *SHARED, "scenario"}
    assert all(secured for _, secured in rows)
    assert tables | {"account"} <= policies
