"""Accounts: the local one of personal mode, and one per person who signs in to a practice."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, Table, insert, select, text

from data.models import Account, utcnow

log = logging.getLogger(__name__)

ACCOUNT: Table = Account.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass


def account_for(
    engine: Engine, *, issuer: str, subject: str, display_name: str, email: str | None = None
) -> int:
    """The id of the account of (`issuer`, `subject`), created at its first sign-in.

    On PostgreSQL the dashboard's role may read its own account row only, so this goes through
    tightrope_account_for (migration 0005), which runs with the table owner's rights.
    """
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            found = connection.execute(
                text("SELECT tightrope_account_for(:issuer, :subject, :name, :email)"),
                {"issuer": issuer, "subject": subject, "name": display_name, "email": email},
            ).scalar_one()
        return int(found)
    with engine.begin() as connection:
        query = select(ACCOUNT.c.id).where(
            ACCOUNT.c.oidc_issuer == issuer, ACCOUNT.c.oidc_subject == subject
        )
        found = connection.execute(query).scalar_one_or_none()
        if found is not None:
            return int(found)
        new_id = connection.execute(
            insert(ACCOUNT)
            .values(
                oidc_issuer=issuer,
                oidc_subject=subject,
                display_name=display_name,
                email=email,
                created_at=utcnow(),
            )
            .returning(ACCOUNT.c.id)
        ).scalar_one()
    log.info("created account %s", new_id)
    return int(new_id)
