"""A practice: who may sign in (permits), who is a clinical lead (roles), its settings.

Three small tables without an owner, kept on every database so the schema is one, but used
on PostgreSQL only (personal mode has one local account and no sign-in):

- practice_permit: an e-mail domain whose people may sign in, or one invited e-mail address
  (both lowercased). The dashboard's role gets no right on it at all: it learns whether a person
  may sign in only through tightrope_sign_in, which runs with its owner's rights.
- practice_role: the accounts the administrator made clinical leads. Row-level security lets
  an account read its own row only, so nobody learns who else is a lead.
- practice_config: the practice's settings, such as `min_group`, the fewest opted-in
  therapists the practice view shows counts for.

tightrope_sign_in(issuer, subject, name, email) returns the account of a permitted person,
creating it at the first sign-in (tightrope_account_for, migration 0005), and NULL for anyone
else. Whether the provider verified the e-mail is the caller's check.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The domain is whatever follows the last "@"; an address without one matches nothing.
SIGN_IN = """
CREATE FUNCTION tightrope_sign_in(
    p_issuer text, p_subject text, p_name text, p_email text
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    address text := lower(btrim(p_email));
    domain text := substring(lower(btrim(p_email)) from '@([^@]+)$');
    found integer;
BEGIN
    IF address IS NULL OR domain IS NULL OR p_issuer = 'tightrope:local' THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM practice_permit
        WHERE (kind = 'domain' AND value = domain) OR (kind = 'email' AND value = address)
    ) THEN
        RETURN NULL;
    END IF;
    found := tightrope_account_for(p_issuer, p_subject, p_name, address);
    -- The provider's address may change; an invitation or a lead is found by the newest one.
    UPDATE account SET email = address WHERE id = found AND email IS DISTINCT FROM address;
    RETURN found;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "practice_permit",
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", name="pk_practice_permit"),
        sa.CheckConstraint("kind IN ('domain', 'email')", name="ck_practice_permit_kind"),
        sa.CheckConstraint("value = lower(value)", name="ck_practice_permit_lowercase"),
    )
    op.create_table(
        "practice_role",
        sa.Column(
            "account_id", sa.Integer, sa.ForeignKey("account.id"), primary_key=True, nullable=False
        ),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("granted_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("role IN ('lead')", name="ck_practice_role_role"),
    )
    op.create_table(
        "practice_config",
        sa.Column("key", sa.String(80), primary_key=True, nullable=False),
        sa.Column("value", sa.String, nullable=False),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE practice_role ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY practice_role_self ON practice_role FOR SELECT "
        "USING (account_id = tightrope_account())"
    )
    op.execute(SIGN_IN)
    op.execute("REVOKE ALL ON FUNCTION tightrope_sign_in(text, text, text, text) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS tightrope_sign_in(text, text, text, text)")
    op.drop_table("practice_config")
    op.drop_table("practice_role")  # PostgreSQL drops its policy with it
    op.drop_table("practice_permit")
