"""A practice on PostgreSQL: who may sign in, who is a clinical lead, the practice's settings.

Sign-in runs as the dashboard's role through tightrope_sign_in (migration 0007), which alone may
read the permits. The administrator's functions (permit_domain, permit_email, withdraw_permit,
permits, set_lead, set_min_group) take the engine of the role that owns the tables
(TIGHTROPE_MIGRATION_DATABASE_URL): the dashboard's role may change none of it.

Nothing here logs an e-mail address or a domain: logs are kept longer than anyone expects.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

import pandas as pd
from sqlalchemy import Engine, Table, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError

from core.settings import Thresholds
from data.db import owner_connection
from data.frames import ratings_frame
from data.models import PracticeConfig, PracticeOptIn, PracticePermit, PracticeRole, utcnow
from data.settings_store import thresholds_from_rows

log = logging.getLogger(__name__)

PERMIT: Table = PracticePermit.__table__  # type: ignore[attr-defined]  # set by SQLModel
ROLE: Table = PracticeRole.__table__  # type: ignore[attr-defined]
CONFIG: Table = PracticeConfig.__table__  # type: ignore[attr-defined]
OPT_IN: Table = PracticeOptIn.__table__  # type: ignore[attr-defined]

LEAD: Final = "lead"
MIN_GROUP_KEY: Final = "min_group"
MEMBERS_CHANGED_KEY: Final = "members_changed"
"""When someone last opted in to or out of the practice view (written by migration 0009's
trigger, in UTC)."""
MIN_GROUP_DEFAULT: Final = 5
"""The fewest opted-in therapists the practice view shows counts for (Viva Insights, Lattice: 5)."""
MIN_GROUP_FLOOR: Final = 3
"""Below three, one member of the group could work out another's level from their own."""
MIN_GROUP_CEILING: Final = 1000
NEEDS_POSTGRESQL: Final = (
    "A practice needs PostgreSQL: personal mode (a SQLite file) has one local account and no "
    "sign-in. Set TIGHTROPE_DATABASE_URL to the practice's server (README, Running Tightrope "
    "for a practice)."
)
NOT_SIGNED_IN_YET: Final = "They need to sign in to Tightrope once first."
NOT_A_LEAD: Final = "The practice view is for clinical leads; the administrator names them."

NAME_MAX: Final = 120  # account.display_name
EMAIL_MAX: Final = 320  # account.email
PermitKind = Literal["domain", "email"]
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@([^@\s]+)$")


class PracticeError(ValueError):
    """A practice request that cannot be done, in a sentence to show as it is."""


@dataclass(frozen=True)
class Permit:
    """One permit: a whole e-mail domain, or one invited address."""

    kind: PermitKind
    value: str
    created_at: datetime


def require_postgresql(engine: Engine) -> None:
    """Raise PracticeError with a plain sentence unless `engine` is a PostgreSQL database."""
    if engine.dialect.name != "postgresql":
        raise PracticeError(NEEDS_POSTGRESQL)


def normal_domain(domain: str) -> str:
    """`domain` lowercased without a leading "@"; PracticeError when it is not a domain name."""
    value = domain.strip().lower().removeprefix("@")
    if not _DOMAIN.match(value):
        raise PracticeError(
            "That is not an e-mail domain: write it like practice.example, without a name or @."
        )
    return value


def normal_email(email: str) -> str:
    """`email` lowercased and trimmed; PracticeError when it is not an e-mail address."""
    value = email.strip().lower()
    matched = _EMAIL.match(value)
    if matched is None or not _DOMAIN.match(matched.group(1)):
        raise PracticeError("That is not an e-mail address: write it like name@practice.example.")
    return value


def permit_kind(value: str) -> PermitKind:
    """Whether an administrator's `value` names an address (it has an "@") or a domain."""
    return "email" if "@" in value.strip().removeprefix("@") else "domain"


# Signing in (the dashboard's role).


def sign_in(
    engine: Engine, *, issuer: str, subject: str, display_name: str, email: str
) -> int | None:
    """The account of a person the practice permits (created at their first sign-in), else None.

    Permitted: the address was invited, or its domain is allowed (case does not matter). The
    caller checks that the identity provider verified the address before asking.
    """
    require_postgresql(engine)
    # The provider's name as one line that fits the account's column (a long or multi-line name
    # must not turn a permitted sign-in into a database error).
    name = " ".join(display_name.split())[:NAME_MAX] or "Therapist"
    with engine.begin() as connection:
        found = connection.execute(
            text("SELECT tightrope_sign_in(:issuer, :subject, :name, :email)"),
            {
                "issuer": issuer,
                "subject": subject,
                "name": name,
                "email": email.strip()[:EMAIL_MAX],
            },
        ).scalar_one()
    if found is None:
        log.info("refused a sign-in: not permitted by the practice")
        return None
    return int(found)


def is_lead(engine: Engine, *, account: int) -> bool:
    """Whether `account` is a clinical lead (row-level security shows an account its own role)."""
    if engine.dialect.name != "postgresql":
        return False  # personal mode: one therapist, no practice view
    with owner_connection(engine, owner=account) as connection:
        query = select(ROLE.c.role).where(ROLE.c.account_id == account, ROLE.c.role == LEAD)
        return connection.execute(query).first() is not None


def min_group(engine: Engine) -> int:
    """The fewest opted-in therapists the practice view shows counts for (default 5)."""
    require_postgresql(engine)
    with engine.connect() as connection:
        stored = connection.execute(
            select(CONFIG.c.value).where(CONFIG.c.key == MIN_GROUP_KEY)
        ).scalar_one_or_none()
    try:
        return max(MIN_GROUP_FLOOR, int(stored)) if stored is not None else MIN_GROUP_DEFAULT
    except ValueError:
        log.warning("the stored practice setting %s is not a number; using 5", MIN_GROUP_KEY)
        return MIN_GROUP_DEFAULT


def members_changed(engine: Engine) -> datetime | None:
    """When someone last joined or left the practice view (aware UTC), or None: never."""
    require_postgresql(engine)
    with engine.connect() as connection:
        stored = connection.execute(
            select(CONFIG.c.value).where(CONFIG.c.key == MEMBERS_CHANGED_KEY)
        ).scalar_one_or_none()
    if stored is None:
        return None
    try:
        return datetime.fromisoformat(stored).astimezone(UTC)
    except ValueError:
        # Unreadable: treat it as now, so no week from before an unknown change is shown.
        log.warning("the stored practice setting %s is not a time", MEMBERS_CHANGED_KEY)
        return utcnow()


# The administrator's functions (the engine of the role that owns the tables).


def _add_permit(engine: Engine, *, kind: PermitKind, value: str) -> None:
    require_postgresql(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(PERMIT)
            .values(kind=kind, value=value, created_at=utcnow())
            .on_conflict_do_nothing()
        )
    log.info("added a practice permit of kind %s", kind)


def permit_domain(engine: Engine, *, domain: str) -> str:
    """Let everyone with an address at `domain` sign in; returns the domain as stored."""
    value = normal_domain(domain)
    _add_permit(engine, kind="domain", value=value)
    return value


def permit_email(engine: Engine, *, email: str) -> str:
    """Invite one address (whatever its domain); returns the address as stored."""
    value = normal_email(email)
    _add_permit(engine, kind="email", value=value)
    return value


def withdraw_permit(engine: Engine, *, value: str) -> bool:
    """Remove the permit for a domain or an address; False when there was none.

    Sign-in asks on every visit, so nobody new gets in with it; accounts and journals stay.
    """
    require_postgresql(engine)
    kind = permit_kind(value)
    normal = normal_email(value) if kind == "email" else normal_domain(value)
    with engine.begin() as connection:
        removed = connection.execute(
            delete(PERMIT).where(PERMIT.c.kind == kind, PERMIT.c.value == normal)
        ).rowcount
    log.info("withdrew %d practice permit(s) of kind %s", removed, kind)
    return bool(removed)


def permits(engine: Engine) -> list[Permit]:
    """Every permit, domains first, each kind in alphabetical order."""
    require_postgresql(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            select(PERMIT.c.kind, PERMIT.c.value, PERMIT.c.created_at).order_by(
                PERMIT.c.kind, PERMIT.c.value
            )
        ).all()
    return [Permit(kind, value, created) for kind, value, created in rows]


def set_lead(engine: Engine, *, email: str, lead: bool) -> None:
    """Make the account signed in with `email` a clinical lead, or no longer one.

    PracticeError when nobody has signed in with that address yet: an account exists only
    from its first sign-in.
    """
    require_postgresql(engine)
    address = normal_email(email)
    with engine.begin() as connection:
        accounts = (
            connection.execute(
                text("SELECT id FROM account WHERE lower(email) = :address"), {"address": address}
            )
            .scalars()
            .all()
        )
        if not accounts:
            raise PracticeError(NOT_SIGNED_IN_YET)
        if lead:
            connection.execute(
                insert(ROLE)
                .values([{"account_id": a, "role": LEAD, "granted_at": utcnow()} for a in accounts])
                .on_conflict_do_nothing()
            )
        else:
            connection.execute(delete(ROLE).where(ROLE.c.account_id.in_(accounts)))
    log.info("%s the lead role for %d account(s)", "gave" if lead else "took", len(accounts))


def lead_count(engine: Engine) -> int:
    """How many accounts are clinical leads (the administrator's engine sees them all)."""
    require_postgresql(engine)
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(ROLE).where(ROLE.c.role == LEAD)
            ).scalar_one()
        )


def set_min_group(engine: Engine, *, size: int) -> None:
    """Store the fewest opted-in therapists the practice view shows counts for."""
    require_postgresql(engine)
    if not MIN_GROUP_FLOOR <= size <= MIN_GROUP_CEILING:
        raise PracticeError(
            f"The minimum group must be between {MIN_GROUP_FLOOR} and {MIN_GROUP_CEILING}: "
            "with fewer, one person could work out another's level."
        )
    with engine.begin() as connection:
        statement = insert(CONFIG).values(key=MIN_GROUP_KEY, value=str(size))
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[CONFIG.c.key], set_={"value": statement.excluded.value}
            )
        )
    log.info("set the practice's minimum group to %d", size)


# The practice view (PostgreSQL): opting in, and what a clinical lead's view is computed from.


@dataclass(frozen=True)
class Member:
    """One opted-in therapist as the practice view sees them: a number drawn afresh on every
    read, their warning-level settings and their ratings (no code, tag or text)."""

    number: int
    thresholds: Thresholds
    sessions: pd.DataFrame


def set_opt_in(engine: Engine, *, owner: int, opted_in: bool) -> None:
    """Let `owner`'s ratings count in the practice view (unnamed), or stop it at once."""
    require_postgresql(engine)
    with owner_connection(engine, owner=owner) as connection:
        if opted_in:
            connection.execute(
                insert(OPT_IN).values(owner_id=owner, since=utcnow()).on_conflict_do_nothing()
            )
        else:
            connection.execute(delete(OPT_IN).where(OPT_IN.c.owner_id == owner))
    log.info("practice view opt-in %s", "given" if opted_in else "withdrawn")


def opted_in_since(engine: Engine, *, owner: int) -> datetime | None:
    """Since when `owner` counts in the practice view; None when they do not."""
    if engine.dialect.name != "postgresql":
        return None
    with owner_connection(engine, owner=owner) as connection:
        since: datetime | None = connection.execute(
            select(OPT_IN.c.since).where(OPT_IN.c.owner_id == owner)
        ).scalar_one_or_none()
    return since


def practice_ratings(engine: Engine, *, lead: int) -> list[Member]:
    """Every opted-in therapist's ratings and settings for clinical lead `lead`.

    Empty while fewer than the minimum group opted in: the database itself holds them back.
    PracticeError when `lead` is not a clinical lead.
    """
    require_postgresql(engine)
    try:
        with owner_connection(engine, owner=lead) as connection:
            rows = connection.execute(text("SELECT * FROM tightrope_practice_ratings()")).all()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise PracticeError(NOT_A_LEAD) from None
        raise
    return [
        Member(
            number=row.member,
            thresholds=thresholds_from_rows(list((row.settings or {}).items())),
            sessions=ratings_frame(
                list(row.started_at),
                {"dread": row.dread, "detachment": row.detachment, "fatigue": row.fatigue},
            ),
        )
        for row in rows
    ]
