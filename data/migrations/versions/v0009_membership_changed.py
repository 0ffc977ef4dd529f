"""When the practice view's membership last changed (PostgreSQL only).

A clinical lead who compared the practice view before and after one therapist opted in or out
could subtract the two and read that person's level in every week both views show. So each
change of practice_opt_in (a row added or removed: opting in, opting out, delete-all) writes its
time into practice_config under `members_changed`, and the view shows no week that ended before
it (core.practice.level_counts). A row-level trigger, so a statement that changes nothing (opting
out when not in) leaves the time alone; its function runs with the owner's rights, since the
dashboard's role may only read practice_config.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SAFE_PATH = "pg_catalog, public, pg_temp"
"""As in migration 0008: the session's temporary schema is searched last."""
MEMBERS_CHANGED_KEY = "members_changed"

NOTE_MEMBERSHIP = f"""
CREATE FUNCTION tightrope_note_membership() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
BEGIN
    INSERT INTO practice_config (key, value)
    VALUES ('{MEMBERS_CHANGED_KEY}',
            to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NOTE_MEMBERSHIP)
    op.execute("REVOKE ALL ON FUNCTION tightrope_note_membership() FROM PUBLIC")
    op.execute(
        "CREATE TRIGGER practice_opt_in_members_changed "
        "AFTER INSERT OR UPDATE OR DELETE ON practice_opt_in "
        "FOR EACH ROW EXECUTE FUNCTION tightrope_note_membership()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS practice_opt_in_members_changed ON practice_opt_in")
    op.execute("DROP FUNCTION IF EXISTS tightrope_note_membership()")
    op.execute(f"DELETE FROM practice_config WHERE key = '{MEMBERS_CHANGED_KEY}'")
