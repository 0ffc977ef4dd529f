"""Check-ins: one owned row per completed questionnaire (CBI, ProQOL 5), its answers as JSON.

Owned like every other table: an owner column, and on PostgreSQL row-level security keyed on
`tightrope.account_id` (as migration 0005 does for the others); data.schema.grant_access gives
the dashboard's role its rights. A check-in changes the owner's data revision too (the triggers
of migration 0004, on this table), so cached check-in products are built afresh after a save.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

EVENTS = ("INSERT", "UPDATE", "DELETE")

SQLITE_TRIGGER = """
CREATE TRIGGER checkin_revision_{event} AFTER {EVENT} ON checkin BEGIN
    INSERT INTO data_revision (owner_id, token, changes)
    VALUES ({row}.owner_id, lower(hex(randomblob(8))), 1)
    ON CONFLICT (owner_id) DO UPDATE SET token = excluded.token, changes = changes + 1;
END
"""
# tightrope_touch_data_revision (migration 0004) reads the owners from the transition table.
PG_TRANSITIONS = {
    "INSERT": "REFERENCING NEW TABLE AS changed_rows",
    "UPDATE": "REFERENCING NEW TABLE AS changed_rows",
    "DELETE": "REFERENCING OLD TABLE AS changed_rows_old",
}


def upgrade() -> None:
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("instrument", sa.String(16), nullable=False),
        sa.Column("answers", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint(
            "owner_id", "taken_on", "instrument", name="uq_checkin_owner_day_instrument"
        ),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in EVENTS:
            row = "OLD" if event == "DELETE" else "NEW"
            op.execute(SQLITE_TRIGGER.format(event=event.lower(), EVENT=event, row=row))
    elif dialect == "postgresql":
        for event, transition in PG_TRANSITIONS.items():
            op.execute(
                f"CREATE TRIGGER checkin_revision_{event.lower()} AFTER {event} ON checkin "
                f"{transition} FOR EACH STATEMENT EXECUTE FUNCTION tightrope_touch_data_revision()"
            )
        op.execute("ALTER TABLE checkin ENABLE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY checkin_owner ON checkin "
            "USING (owner_id = tightrope_account()) WITH CHECK (owner_id = tightrope_account())"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS checkin_revision_{event.lower()}")
    op.drop_table("checkin")  # PostgreSQL drops its triggers and policy with it
