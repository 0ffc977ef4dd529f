"""Sharing by consent: supervision grants, shared packets, the access log, the practice view.

- supervision_grant: a therapist (owner) lets another account of the practice (supervisor) see
  their levels and/or trends, until revoked (revoked_at). Made and revoked only through
  tightrope_invite_supervisor and tightrope_revoke_supervisor: the dashboard's role cannot read
  another account's address, and a grant cannot be changed to point at someone else. The owner
  sees their grants; a supervisor sees the grants to them.
- shared_packet: a packet the therapist chose to share with one supervisor. The owner reads,
  adds and removes their own; a supervisor reads one only through tightrope_shared_packet,
  and only while the grant is active.
- access_log: written only by the functions a supervisor reads through (so no read goes
  unlogged), read by the owner.
- practice_opt_in: the therapists who let their ratings count in the practice view.

A supervisor's reads (tightrope_supervisees, tightrope_shared_ratings,
tightrope_shared_settings, tightrope_shared_packets, tightrope_shared_packet) and the lead's
tightrope_practice_ratings run with their owner's rights (SECURITY DEFINER, search_path pinned
to pg_catalog, public as PostgreSQL's documentation advises) and check the grant, or the lead
role and the minimum group, themselves. Ratings only ever leave as started_at and the three
ratings: never a client code, a tag, a reflection or a note.

Tables on every database (one schema); functions and row-level security on PostgreSQL only.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SAFE_PATH = "pg_catalog, public, pg_temp"
"""search_path of every function that runs with the owner's rights: anyone may create temporary
tables, and PostgreSQL searches the session's temporary schema first unless pg_temp is named, last
(PostgreSQL documentation, CREATE FUNCTION, "Writing SECURITY DEFINER Functions Safely")."""
EARLIER_FUNCTIONS = (
    "tightrope_account_for(text, text, text, text)",
    "tightrope_sign_in(text, text, text, text)",
)
OWNER_POLICY = (
    "CREATE POLICY {table}_owner ON {table} "
    "USING (owner_id = tightrope_account()) WITH CHECK (owner_id = tightrope_account())"
)
COALESCE_MINUTES = 10
"""A supervisor's repeated look at the same thing within this many minutes is one log line."""
PRACTICE_HISTORY_DAYS = 550
"""The days the practice view reads: twelve weeks judged, each against a year and more before."""

LOG_ACCESS = f"""
CREATE FUNCTION tightrope_log_access(p_owner integer, p_what text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    me integer := tightrope_account();
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM access_log
        WHERE owner_id = p_owner AND viewer_id = me AND what = p_what
          AND at > (now() AT TIME ZONE 'UTC') - interval '{COALESCE_MINUTES} minutes'
    ) THEN
        INSERT INTO access_log (owner_id, viewer_id, viewer_name, what, at)
        SELECT p_owner, me, a.display_name, p_what, now() AT TIME ZONE 'UTC'
        FROM account a WHERE a.id = me;
    END IF;
END
$$
"""
# The active grant of p_owner to the current account, or NULL.
ACTIVE_GRANT = """
CREATE FUNCTION tightrope_active_grant(p_owner integer) RETURNS supervision_grant
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
    SELECT * FROM supervision_grant
    WHERE owner_id = p_owner AND supervisor_id = tightrope_account() AND revoked_at IS NULL
    ORDER BY id DESC LIMIT 1
$$
"""
INVITE = """
CREATE FUNCTION tightrope_invite_supervisor(
    p_email text, p_share_levels boolean, p_share_trends boolean
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    me integer := tightrope_account();
    supervisor integer;
    grant_id integer;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'no account in this transaction' USING ERRCODE = '42501';
    END IF;
    SELECT id INTO supervisor FROM account
    WHERE lower(email) = lower(btrim(p_email)) AND oidc_issuer <> 'tightrope:local'
    ORDER BY id LIMIT 1;
    IF supervisor IS NULL THEN
        RETURN NULL;  -- they have never signed in
    END IF;
    UPDATE supervision_grant SET share_levels = p_share_levels, share_trends = p_share_trends
    WHERE owner_id = me AND supervisor_id = supervisor AND revoked_at IS NULL
    RETURNING id INTO grant_id;
    IF grant_id IS NULL THEN  -- the check constraint refuses oneself as supervisor
        INSERT INTO supervision_grant
            (owner_id, supervisor_id, share_levels, share_trends, created_at)
        VALUES (me, supervisor, p_share_levels, p_share_trends, now() AT TIME ZONE 'UTC')
        RETURNING id INTO grant_id;
    END IF;
    RETURN grant_id;
END
$$
"""
REVOKE = """
CREATE FUNCTION tightrope_revoke_supervisor(p_grant integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
BEGIN
    UPDATE supervision_grant SET revoked_at = now() AT TIME ZONE 'UTC'
    WHERE id = p_grant AND owner_id = tightrope_account() AND revoked_at IS NULL;
    RETURN FOUND;
END
$$
"""
GRANTS_GIVEN = """
CREATE FUNCTION tightrope_grants_given() RETURNS TABLE (
    id integer, supervisor_id integer, supervisor_name text, supervisor_email text,
    share_levels boolean, share_trends boolean, created_at timestamp, revoked_at timestamp
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
    SELECT g.id, g.supervisor_id, a.display_name::text, a.email::text,
           g.share_levels, g.share_trends, g.created_at, g.revoked_at
    FROM supervision_grant g JOIN account a ON a.id = g.supervisor_id
    WHERE g.owner_id = tightrope_account()
    ORDER BY g.revoked_at IS NOT NULL, g.created_at DESC, g.id DESC
$$
"""
SUPERVISEES = """
CREATE FUNCTION tightrope_supervisees() RETURNS TABLE (
    owner_id integer, display_name text, since timestamp,
    share_levels boolean, share_trends boolean
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT ON (g.owner_id) g.owner_id, a.display_name::text AS name, g.created_at,
               g.share_levels, g.share_trends
        FROM supervision_grant g JOIN account a ON a.id = g.owner_id
        WHERE g.supervisor_id = tightrope_account() AND g.revoked_at IS NULL
        ORDER BY g.owner_id, g.id DESC
    LOOP
        PERFORM tightrope_log_access(
            r.owner_id, 'your name, in their list of people who share with them'
        );
        owner_id := r.owner_id;
        display_name := r.name;
        since := r.created_at;
        share_levels := r.share_levels;
        share_trends := r.share_trends;
        RETURN NEXT;
    END LOOP;
END
$$
"""
SHARED_RATINGS = """
CREATE FUNCTION tightrope_shared_ratings(p_owner integer) RETURNS TABLE (
    started_at timestamp, dread integer, detachment integer, fatigue integer
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    active supervision_grant := tightrope_active_grant(p_owner);
BEGIN
    IF active.id IS NULL OR NOT (active.share_levels OR active.share_trends) THEN
        RETURN;
    END IF;
    PERFORM tightrope_log_access(p_owner, 'your ratings (dread, detachment, fatigue)');
    RETURN QUERY
        SELECT e.started_at, e.dread::integer, e.detachment::integer, e.fatigue::integer
        FROM session_entry e WHERE e.owner_id = p_owner ORDER BY e.started_at;
END
$$
"""
SHARED_SETTINGS = """
CREATE FUNCTION tightrope_shared_settings(p_owner integer) RETURNS TABLE (key text, value text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    active supervision_grant := tightrope_active_grant(p_owner);
BEGIN
    IF active.id IS NULL OR NOT (active.share_levels OR active.share_trends) THEN
        RETURN;
    END IF;
    PERFORM tightrope_log_access(p_owner, 'your warning-level settings');
    RETURN QUERY
        SELECT s.key::text, s.value::text FROM setting s
        WHERE s.owner_id = p_owner AND s.key LIKE 'threshold.%';
END
$$
"""
SHARED_PACKETS = """
CREATE FUNCTION tightrope_shared_packets(p_owner integer) RETURNS TABLE (
    id integer, format text, title text, created_at timestamp
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    active supervision_grant := tightrope_active_grant(p_owner);
BEGIN
    IF active.id IS NULL THEN
        RETURN;
    END IF;
    PERFORM tightrope_log_access(p_owner, 'the list of packets you shared');
    RETURN QUERY
        SELECT p.id, p.format::text, p.title::text, p.created_at FROM shared_packet p
        WHERE p.owner_id = p_owner AND p.supervisor_id = tightrope_account()
        ORDER BY p.created_at DESC, p.id DESC;
END
$$
"""
SHARED_PACKET = """
CREATE FUNCTION tightrope_shared_packet(p_packet integer) RETURNS bytea
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    found shared_packet;
BEGIN
    SELECT * INTO found FROM shared_packet
    WHERE id = p_packet AND supervisor_id = tightrope_account();
    IF found.id IS NULL OR (tightrope_active_grant(found.owner_id)).id IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM tightrope_log_access(found.owner_id, 'the packet "' || found.title || '"');
    RETURN found.content;
END
$$
"""
PRACTICE_RATINGS = f"""
CREATE FUNCTION tightrope_practice_ratings() RETURNS TABLE (
    member integer, settings jsonb, started_at timestamp[],
    dread integer[], detachment integer[], fatigue integer[]
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    needed integer;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM practice_role WHERE account_id = tightrope_account() AND role = 'lead'
    ) THEN
        RAISE EXCEPTION 'the practice view is for clinical leads' USING ERRCODE = '42501';
    END IF;
    SELECT GREATEST(3, COALESCE(
        (SELECT CASE WHEN value ~ '^[0-9]{{1,6}}$' THEN value::integer END
         FROM practice_config WHERE key = 'min_group'), 5))
    INTO needed;
    IF (SELECT count(*) FROM practice_opt_in) < needed THEN
        RETURN;  -- below the minimum group nothing leaves the database
    END IF;
    -- Member numbers are drawn afresh on every call: nothing links one call's members to
    -- another's, nor to an account.
    RETURN QUERY
        WITH members AS (
            SELECT o.owner_id, row_number() OVER (ORDER BY random())::integer AS number
            FROM practice_opt_in o
        )
        SELECT m.number,
               COALESCE((SELECT jsonb_object_agg(s.key, s.value) FROM setting s
                         WHERE s.owner_id = m.owner_id AND s.key LIKE 'threshold.%'), '{{}}'),
               COALESCE(array_agg(e.started_at ORDER BY e.started_at)
                        FILTER (WHERE e.id IS NOT NULL), '{{}}'),
               COALESCE(array_agg(e.dread::integer ORDER BY e.started_at)
                        FILTER (WHERE e.id IS NOT NULL), '{{}}'),
               COALESCE(array_agg(e.detachment::integer ORDER BY e.started_at)
                        FILTER (WHERE e.id IS NOT NULL), '{{}}'),
               COALESCE(array_agg(e.fatigue::integer ORDER BY e.started_at)
                        FILTER (WHERE e.id IS NOT NULL), '{{}}')
        FROM members m
        LEFT JOIN session_entry e ON e.owner_id = m.owner_id
            AND e.started_at
                >= (now() AT TIME ZONE 'UTC') - {PRACTICE_HISTORY_DAYS} * interval '1 day'
        GROUP BY m.owner_id, m.number
        ORDER BY m.number;
END
$$
"""
# Delete-all (data.maintenance) on PostgreSQL: the owner's side of sharing goes with their
# journal, while the dashboard's role can delete neither a grant nor a line of the log itself.
DELETE_SHARING = """
CREATE FUNCTION tightrope_delete_sharing() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$
DECLARE
    me integer := tightrope_account();
BEGIN
    DELETE FROM shared_packet WHERE owner_id = me;
    DELETE FROM access_log WHERE owner_id = me;
    DELETE FROM supervision_grant WHERE owner_id = me;
    DELETE FROM practice_opt_in WHERE owner_id = me;
END
$$
"""
FUNCTIONS = {
    "tightrope_log_access(integer, text)": LOG_ACCESS,
    "tightrope_active_grant(integer)": ACTIVE_GRANT,
    "tightrope_invite_supervisor(text, boolean, boolean)": INVITE,
    "tightrope_revoke_supervisor(integer)": REVOKE,
    "tightrope_grants_given()": GRANTS_GIVEN,
    "tightrope_supervisees()": SUPERVISEES,
    "tightrope_shared_ratings(integer)": SHARED_RATINGS,
    "tightrope_shared_settings(integer)": SHARED_SETTINGS,
    "tightrope_shared_packets(integer)": SHARED_PACKETS,
    "tightrope_shared_packet(integer)": SHARED_PACKET,
    "tightrope_practice_ratings()": PRACTICE_RATINGS,
    "tightrope_delete_sharing()": DELETE_SHARING,
}


def _owner(*, primary_key: bool = False) -> sa.Column[int]:
    return sa.Column(
        "owner_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False, primary_key=primary_key
    )


def upgrade() -> None:
    op.create_table(
        "supervision_grant",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("supervisor_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("share_levels", sa.Boolean, nullable=False),
        sa.Column("share_trends", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.CheckConstraint("owner_id <> supervisor_id", name="ck_supervision_grant_not_self"),
    )
    op.create_index("ix_supervision_grant_owner_id", "supervision_grant", ["owner_id"])
    op.create_index("ix_supervision_grant_supervisor_id", "supervision_grant", ["supervisor_id"])
    op.create_table(
        "shared_packet",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("supervisor_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index(
        "ix_shared_packet_owner_supervisor", "shared_packet", ["owner_id", "supervisor_id"]
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("viewer_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("viewer_name", sa.String(120), nullable=False),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_access_log_owner_at", "access_log", ["owner_id", "at"])
    op.create_table(
        "practice_opt_in",
        _owner(primary_key=True),
        sa.Column("since", sa.DateTime, nullable=False),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("supervision_grant", "shared_packet", "access_log", "practice_opt_in"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(OWNER_POLICY.format(table="practice_opt_in"))
    # A packet is shared only with someone the owner shares with now.
    op.execute(
        "CREATE POLICY shared_packet_owner ON shared_packet "
        "USING (owner_id = tightrope_account()) WITH CHECK (owner_id = tightrope_account() "
        "AND EXISTS (SELECT 1 FROM supervision_grant g WHERE g.owner_id = tightrope_account() "
        "AND g.supervisor_id = shared_packet.supervisor_id AND g.revoked_at IS NULL))"
    )
    op.execute(
        "CREATE POLICY supervision_grant_read ON supervision_grant FOR SELECT "
        "USING (owner_id = tightrope_account() OR supervisor_id = tightrope_account())"
    )
    op.execute(
        "CREATE POLICY access_log_owner ON access_log FOR SELECT "
        "USING (owner_id = tightrope_account())"
    )
    for signature, body in FUNCTIONS.items():
        op.execute(body.replace("{SAFE_PATH}", SAFE_PATH))
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    # The same for the functions of migrations 0005 and 0007, made before this was known here.
    for signature in EARLIER_FUNCTIONS:
        op.execute(f"ALTER FUNCTION {signature} SET search_path = {SAFE_PATH}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for signature in reversed(FUNCTIONS):
            op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    for table in ("practice_opt_in", "access_log", "shared_packet", "supervision_grant"):
        op.drop_table(table)  # PostgreSQL drops indexes and policies with it
