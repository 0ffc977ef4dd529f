"""Accounts, and an owner for every entry, own tag, tag link, setting, packet and data revision.

Every existing row goes to one local account (id 1, the account of personal mode), so a personal
database upgrades without loss. The guide's five built-in tags keep no owner: everyone has them.
Uniqueness becomes per owner (two therapists may both see "C-01" at 9:00), and reads go through
an (owner, time) index. The data revision becomes one row per owner, so one person's save never
empties another's caches.

SQLite changes constraints by rebuilding a table (alembic's batch mode) with foreign keys off for
the migration (data.schema.migration_lock) and its triggers dropped and made again.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LOCAL_ACCOUNT_ID = 1
LOCAL_ISSUER = "tightrope:local"
EVENTS = ("INSERT", "UPDATE", "DELETE")
# Reflected SQLite constraints without a name (scenario.name's UNIQUE) get one to be dropped by.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}

SQLITE_TRIGGER = """
CREATE TRIGGER session_entry_revision_{event} AFTER {EVENT} ON session_entry BEGIN
    INSERT INTO data_revision (owner_id, token, changes)
    VALUES ({row}.owner_id, lower(hex(randomblob(8))), 1)
    ON CONFLICT (owner_id) DO UPDATE SET token = excluded.token, changes = changes + 1;
END
"""
# One statement trigger per event with its transition table: an import of ten thousand entries
# rewrites its owner's token once, not ten thousand times.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION tightrope_touch_data_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO data_revision (owner_id, token, changes)
        SELECT owner_id, substr(md5(random()::text || clock_timestamp()::text), 1, 16), 1
        FROM (SELECT DISTINCT owner_id FROM changed_rows_old) AS owners
        ON CONFLICT (owner_id) DO UPDATE
        SET token = EXCLUDED.token, changes = data_revision.changes + 1;
    ELSE
        INSERT INTO data_revision (owner_id, token, changes)
        SELECT owner_id, substr(md5(random()::text || clock_timestamp()::text), 1, 16), 1
        FROM (SELECT DISTINCT owner_id FROM changed_rows) AS owners
        ON CONFLICT (owner_id) DO UPDATE
        SET token = EXCLUDED.token, changes = data_revision.changes + 1;
    END IF;
    RETURN NULL;
END
$$
"""
PG_TRIGGERS = {
    "INSERT": "REFERENCING NEW TABLE AS changed_rows",
    "UPDATE": "REFERENCING NEW TABLE AS changed_rows",
    "DELETE": "REFERENCING OLD TABLE AS changed_rows_old",
}


def _owner() -> sa.Column[int]:
    return sa.Column("owner_id", sa.Integer, nullable=True)  # required once every row has one


def _own(table: str, *, where: str = "") -> None:
    """Add owner_id to `table`, give every row to the local account, then require it."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(_owner())
    op.execute(f"UPDATE {table} SET owner_id = {LOCAL_ACCOUNT_ID}{where}")


def _triggers(dialect: str) -> None:
    if dialect == "sqlite":
        for event in EVENTS:
            row = "OLD" if event == "DELETE" else "NEW"
            op.execute(SQLITE_TRIGGER.format(event=event.lower(), EVENT=event, row=row))
    elif dialect == "postgresql":
        op.execute(PG_FUNCTION)
        for event, transition in PG_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER session_entry_revision_{event.lower()} AFTER {event} "
                f"ON session_entry {transition} FOR EACH STATEMENT "
                "EXECUTE FUNCTION tightrope_touch_data_revision()"
            )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    account = op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("oidc_issuer", sa.String(255), nullable=False),
        sa.Column("oidc_subject", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_account_oidc"),
    )
    op.bulk_insert(
        account,
        [
            {
                "id": LOCAL_ACCOUNT_ID,
                "display_name": "Local account",
                "oidc_issuer": LOCAL_ISSUER,
                "oidc_subject": "local",
                "email": None,
                "created_at": datetime.now(UTC).replace(tzinfo=None),
            }
        ],
    )
    if dialect == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('account', 'id'), 1)")

    # The revision triggers write data_revision, which is rebuilt per owner below.
    if dialect == "sqlite":
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS session_entry_revision_{event.lower()}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS session_entry_revision ON session_entry")

    _own("session_entry")
    with op.batch_alter_table("session_entry") as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key("fk_session_entry_owner", "account", ["owner_id"], ["id"])
        batch.drop_constraint("uq_session_entry_start_client", type_="unique")
        batch.create_unique_constraint(
            "uq_session_entry_owner_start_client", ["owner_id", "started_at", "client_code"]
        )
        batch.drop_index("ix_session_entry_started_at")
        batch.create_index("ix_session_entry_owner_started_at", ["owner_id", "started_at"])

    # Built-in tags keep no owner; every own tag so far is the local account's.
    _own("scenario", where=" WHERE NOT builtin")
    unique_name = "scenario_name_key" if dialect == "postgresql" else "uq_scenario_name"
    with op.batch_alter_table("scenario", naming_convention=NAMING) as batch:
        batch.create_foreign_key("fk_scenario_owner", "account", ["owner_id"], ["id"])
        batch.drop_constraint(unique_name, type_="unique")
        batch.create_unique_constraint("uq_scenario_owner_name", ["owner_id", "name"])

    with op.batch_alter_table("session_scenario") as batch:
        batch.add_column(_owner())
    op.execute(
        "UPDATE session_scenario SET owner_id = "
        "(SELECT owner_id FROM session_entry WHERE session_entry.id = session_scenario.session_id)"
    )
    with op.batch_alter_table("session_scenario") as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key("fk_session_scenario_owner", "account", ["owner_id"], ["id"])
        batch.create_index("ix_session_scenario_owner_id", ["owner_id", "session_id"])

    # A new primary key (owner, key): a new table, the rows copied over (nothing refers to it).
    op.create_table(
        "setting_owned",
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("value", sa.String, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "key", name="pk_setting"),
    )
    op.execute(
        "INSERT INTO setting_owned (owner_id, key, value, updated_at) "
        f"SELECT {LOCAL_ACCOUNT_ID}, key, value, updated_at FROM setting"
    )
    op.drop_table("setting")
    op.rename_table("setting_owned", "setting")

    _own("packet")
    with op.batch_alter_table("packet") as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key("fk_packet_owner", "account", ["owner_id"], ["id"])
        batch.create_index("ix_packet_owner_created_at", ["owner_id", "created_at"])

    op.drop_table("data_revision")
    op.create_table(
        "data_revision",
        sa.Column(
            "owner_id", sa.Integer, sa.ForeignKey("account.id"), primary_key=True, nullable=False
        ),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
    )
    op.execute(
        "INSERT INTO data_revision (owner_id, token, changes) "
        f"VALUES ({LOCAL_ACCOUNT_ID}, 'owners', 0)"
    )
    _triggers(dialect)


def downgrade() -> None:
    raise NotImplementedError(
        "Revision 0004 gives every row an owner and cannot be undone; restore the backup "
        "taken before the upgrade (before-migration-0003-…) instead."
    )
