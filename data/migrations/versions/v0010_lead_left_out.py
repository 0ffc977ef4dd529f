"""The practice view leaves out the lead who asks; one active grant per pair (PostgreSQL only).

A lead who also took part knew their own level, so at the minimum group the view's counts less
their own singled out the others sooner than the minimum allows. tightrope_practice_ratings now
counts and returns only the other therapists who opted in.

Two invitations of the same supervisor at once could both find no active grant and both insert
one; stopping one then left the other active. A unique index on the active grants makes the
second insert fail instead (data.sharing retries it as a change of the first); duplicates made
before it are ended first, keeping the newest.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data.migrations.versions.v0008_sharing import PRACTICE_RATINGS

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_COUNT = "IF (SELECT count(*) FROM practice_opt_in) < needed THEN"
_MEMBERS = "FROM practice_opt_in o\n"
_OTHERS = "owner_id <> tightrope_account()"


def _replacing(body: str) -> str:
    assert body.lstrip().startswith("CREATE FUNCTION")
    return body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def lead_left_out(body: str) -> str:
    """Migration 0008's practice function, counting and returning the others only."""
    assert _COUNT in body and _MEMBERS in body
    return _replacing(
        body.replace(
            _COUNT, f"IF (SELECT count(*) FROM practice_opt_in WHERE {_OTHERS}) < needed THEN"
        ).replace(_MEMBERS, f"FROM practice_opt_in o WHERE o.{_OTHERS}\n")
    )


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:  # sharing is a practice server's: a SQLite journal holds no grant
        op.execute(lead_left_out(PRACTICE_RATINGS))
        op.execute(
            "UPDATE supervision_grant g SET revoked_at = now() AT TIME ZONE 'UTC' "
            "WHERE g.revoked_at IS NULL AND EXISTS (SELECT 1 FROM supervision_grant h "
            "WHERE h.owner_id = g.owner_id AND h.supervisor_id = g.supervisor_id "
            "AND h.revoked_at IS NULL AND h.id > g.id)"
        )
    active = sa.text("revoked_at IS NULL")
    op.create_index(
        "uq_supervision_grant_active",
        "supervision_grant",
        ["owner_id", "supervisor_id"],
        unique=True,
        postgresql_where=active,
        sqlite_where=active,
    )


def downgrade() -> None:
    op.drop_index("uq_supervision_grant_active", table_name="supervision_grant")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_replacing(PRACTICE_RATINGS))
