"""Session entries and normalised scenario tags, with the guide's five built in.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BUILTIN = (
    "client withdrawal or silence",
    "emotional dysregulation",
    "boundary pushing",
    "crisis situation",
    "countertransference",
)


def upgrade() -> None:
    op.create_table(
        "session_entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("client_code", sa.String(40), nullable=False),
        sa.Column("dread", sa.Integer, nullable=False),
        sa.Column("detachment", sa.Integer, nullable=False),
        sa.Column("fatigue", sa.Integer, nullable=False),
        sa.Column("reflection_reaction", sa.String(4000), nullable=False, server_default=""),
        sa.Column("reflection_held_back", sa.String(4000), nullable=False, server_default=""),
        sa.Column("reflection_themes", sa.String(4000), nullable=False, server_default=""),
        sa.Column("note", sa.String(4000), nullable=False, server_default=""),
        sa.Column("grounding_done", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("dread BETWEEN 0 AND 10", name="ck_session_entry_dread_range"),
        sa.CheckConstraint("detachment BETWEEN 0 AND 10", name="ck_session_entry_detachment_range"),
        sa.CheckConstraint("fatigue BETWEEN 0 AND 10", name="ck_session_entry_fatigue_range"),
        sa.CheckConstraint(
            "length(client_code) BETWEEN 1 AND 40", name="ck_session_entry_client_code_length"
        ),
        sa.UniqueConstraint("started_at", "client_code", name="uq_session_entry_start_client"),
    )
    op.create_index("ix_session_entry_started_at", "session_entry", ["started_at"])
    scenario = op.create_table(
        "scenario",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60), nullable=False, unique=True),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "session_scenario",
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("session_entry.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "scenario_id",
            sa.Integer,
            sa.ForeignKey("scenario.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
    )
    op.create_index("ix_session_scenario_scenario_id", "session_scenario", ["scenario_id"])
    op.bulk_insert(scenario, [{"name": name, "builtin": True} for name in BUILTIN])


def downgrade() -> None:
    op.drop_table("session_scenario")
    op.drop_table("scenario")
    op.drop_index("ix_session_entry_started_at", "session_entry")
    op.drop_table("session_entry")
