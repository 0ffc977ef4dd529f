"""A data revision that changes on every write to entries, for caching analytics safely.

A count or a latest timestamp can come back to an earlier value (add one entry, then delete it);
a random token rewritten by triggers on every insert, update and delete cannot.

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


def upgrade() -> None:
    op.create_table(
        "data_revision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name="ck_data_revision_single_row"),
    )
    op.execute("INSERT INTO data_revision (id, token, changes) VALUES (1, 'initial', 0)")
    if op.get_bind().dialect.name == "sqlite":
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER session_entry_revision_{event.lower()} "
                f"AFTER {event} ON session_entry BEGIN "
                "UPDATE data_revision SET token = lower(hex(randomblob(8))), "
                "changes = changes + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS session_entry_revision_{event.lower()}")
    op.drop_table("data_revision")
