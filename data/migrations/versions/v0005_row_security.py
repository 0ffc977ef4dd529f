"""Row-level security on PostgreSQL: a transaction sees and changes its account's rows only.

Every owned table gets a policy keyed on the per-transaction setting `tightrope.account_id`
(data.db.scope_to_owner, SET LOCAL): without it a query returns no rows and may write none.
Policies do not bind a table's owner, so the dashboard connects as a role that owns nothing
(TIGHTROPE_DATABASE_URL) while migrations run as the owner (TIGHTROPE_MIGRATION_DATABASE_URL);
data.schema.grant_access gives the dashboard's role the rights it needs and no more.

An account is created or found at sign-in through `tightrope_account_for`, a function that runs
with its owner's rights: the dashboard's role can read its own account row only.

SQLite has no row-level security (and personal mode has one account): nothing changes there.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OWNED = ("session_entry", "session_scenario", "setting", "packet", "data_revision")

ACCOUNT_FUNCTION = """
CREATE FUNCTION tightrope_account() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('tightrope.account_id', true), '')::integer
$$
"""
ACCOUNT_FOR = """
CREATE FUNCTION tightrope_account_for(
    p_issuer text, p_subject text, p_display_name text, p_email text
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    found integer;
BEGIN
    SELECT id INTO found FROM account WHERE oidc_issuer = p_issuer AND oidc_subject = p_subject;
    IF found IS NULL THEN
        INSERT INTO account (display_name, oidc_issuer, oidc_subject, email, created_at)
        VALUES (p_display_name, p_issuer, p_subject, p_email, now() AT TIME ZONE 'UTC')
        ON CONFLICT (oidc_issuer, oidc_subject) DO NOTHING
        RETURNING id INTO found;
        IF found IS NULL THEN  -- created by a sign-in at the same moment
            SELECT id INTO found FROM account
            WHERE oidc_issuer = p_issuer AND oidc_subject = p_subject;
        END IF;
    END IF;
    RETURN found;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(ACCOUNT_FUNCTION)
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_owner ON {table} "
            "USING (owner_id = tightrope_account()) WITH CHECK (owner_id = tightrope_account())"
        )
    # Everyone reads the guide's built-in tags (no owner); only one's own tags can be written.
    op.execute("ALTER TABLE scenario ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY scenario_read ON scenario FOR SELECT "
        "USING (owner_id IS NULL OR owner_id = tightrope_account())"
    )
    op.execute(
        "CREATE POLICY scenario_insert ON scenario FOR INSERT "
        "WITH CHECK (owner_id = tightrope_account())"
    )
    op.execute(
        "CREATE POLICY scenario_update ON scenario FOR UPDATE "
        "USING (owner_id = tightrope_account()) WITH CHECK (owner_id = tightrope_account())"
    )
    op.execute(
        "CREATE POLICY scenario_delete ON scenario FOR DELETE "
        "USING (owner_id = tightrope_account())"
    )
    op.execute("ALTER TABLE account ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY account_self ON account FOR SELECT USING (id = tightrope_account())")
    op.execute(ACCOUNT_FOR)
    op.execute("REVOKE ALL ON FUNCTION tightrope_account_for(text, text, text, text) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS tightrope_account_for(text, text, text, text)")
    for table in (*OWNED, "scenario", "account"):
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for policy, table in [
        *((f"{t}_owner", t) for t in OWNED),
        ("scenario_read", "scenario"),
        ("scenario_insert", "scenario"),
        ("scenario_update", "scenario"),
        ("scenario_delete", "scenario"),
        ("account_self", "account"),
    ]:
        op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS tightrope_account()")
