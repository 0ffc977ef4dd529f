"""A data revision that changes on every write to entries, for caching analytics safely.

A count or a latest timestamp can come back to an earlier value (add one entry, then delete it);
a random token rewritten by triggers on every insert, update and delete cannot. SQLite has row
triggers only; PostgreSQL gets one statement trigger, so an import of ten thousand entries
rewrites the token once (`changes` then counts statements there, rows on SQLite).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

EVENTS = ("INSERT", "UPDATE", "DELETE")

PG_FUNCTION = """
CREATE FUNCTION tightrope_touch_data_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_revision
    SET token = substr(md5(random()::text || clock_timestamp()::text), 1, 16),
        changes = changes + 1
    WHERE id = 1;
    RETURN NULL;
END
$$
"""
PG_TRIGGER = (
    "CREATE TRIGGER session_entry_revision AFTER INSERT OR UPDATE OR DELETE ON session_entry "
    "FOR EACH STATEMENT EXECUTE FUNCTION tightrope_touch_data_revision()"
)


def upgrade() -> None:
    op.create_table(
        "data_revision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name="ck_data_revision_single_row"),
    )
    op.execute("INSERT INTO data_revision (id, token, changes) VALUES (1, 'initial', 0)")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER session_entry_revision_{event.lower()} "
                f"AFTER {event} ON session_entry BEGIN "
                "UPDATE data_revision SET token = lower(hex(randomblob(8))), "
                "changes = changes + 1 WHERE id = 1; END"
            )
    elif dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS session_entry_revision_{event.lower()}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS session_entry_revision ON session_entry")
        op.execute("DROP FUNCTION IF EXISTS tightrope_touch_data_revision()")
    op.drop_table("data_revision")
