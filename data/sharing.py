"""Sharing with a supervisor by consent (PostgreSQL): grants, shared packets, the access log.

A therapist invites another account of the practice by its e-mail address, chooses what to
share (levels, trends) and revokes it at once; a revoked grant ends access on the next query,
because every read goes through a database function that checks the grant (migration 0008)
and writes the owner's access log. Nothing here caches what a supervisor reads: a cache would
outlive a revocation.

What leaves an owner's journal for a supervisor: the start time and the three ratings of each
entry, the owner's warning-level settings and the packets they shared; never a client code, a
tag, a reflection or a note.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import pandas as pd
from sqlalchemy import Engine, TextualSelect, delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from core.schema import SIGNS
from core.settings import Thresholds
from data.db import owner_connection
from data.frames import ratings_frame
from data.models import AccessLog, SharedPacket, UTCDateTime, utcnow
from data.practice import NOT_SIGNED_IN_YET, normal_email, require_postgresql
from data.settings_store import PREFIX, thresholds_from_rows

log = logging.getLogger(__name__)

PACKET: Final = SharedPacket.__table__  # type: ignore[attr-defined]  # set by SQLModel
ACCESS: Final = AccessLog.__table__  # type: ignore[attr-defined]
TITLE_MAX: Final = 200
NOT_YOURSELF: Final = "You cannot be your own supervisor: invite someone else's address."


class SharingError(ValueError):
    """A sharing request that cannot be done, in a sentence to show next to the field."""


@dataclass(frozen=True)
class Grant:
    """One supervisor a therapist shares with (or did, when revoked_at is set)."""

    id: int
    supervisor_id: int
    supervisor_name: str
    supervisor_email: str | None
    share_levels: bool
    share_trends: bool
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Whether the supervisor can still see what is shared."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Supervisee:
    """A therapist who shares with the current account, seen from the supervisor's side."""

    owner_id: int
    display_name: str
    since: datetime
    share_levels: bool
    share_trends: bool


@dataclass(frozen=True)
class PacketShare:
    """A shared packet without its bytes: what it is, for whom, since when."""

    id: int
    supervisor_id: int
    format: str
    title: str
    created_at: datetime


@dataclass(frozen=True)
class Access:
    """One line of the access log: who looked at what, when."""

    viewer_name: str
    what: str
    at: datetime


def _times(sql: str, *columns: str) -> TextualSelect:
    """`sql` with its timestamp `columns` read as data.models.UTCDateTime does a table's:
    stored as naive UTC, returned aware."""
    return text(sql).columns(**{column: UTCDateTime() for column in columns})


# The therapist's side.


ACTIVE_GRANT_INDEX: Final = "uq_supervision_grant_active"
"""One active grant per therapist and supervisor (migration 0010)."""


def _violates(error: IntegrityError, constraint: str) -> bool:
    """Whether `error` is PostgreSQL refusing a row for `constraint`.

    Asked of the driver's own error (the cause): the one in `error.orig` may be a copy without
    its diagnostics, made to strip the refused row's values (data.db).
    """
    for driver_error in (error.__cause__, error.orig):
        diag = getattr(driver_error, "diag", None)
        if getattr(diag, "constraint_name", None) == constraint:
            return True
    return False


def invite_supervisor(
    engine: Engine, *, owner: int, email: str, share_levels: bool, share_trends: bool
) -> int:
    """Share with the account that signed in with `email`; returns the grant's id.

    Inviting the same person again changes what is shared; with neither levels nor trends they
    see only the packets shared with them. SharingError when the address is not an address, is
    one's own, or nobody signed in with it yet.
    """
    require_postgresql(engine)
    try:
        address = normal_email(email)
    except ValueError as error:
        raise SharingError(str(error)) from None
    found = None
    for attempt in (1, 2):
        try:
            with owner_connection(engine, owner=owner) as connection:
                found = connection.execute(
                    text("SELECT tightrope_invite_supervisor(:email, :levels, :trends)"),
                    {"email": address, "levels": share_levels, "trends": share_trends},
                ).scalar_one()
            break
        except IntegrityError as error:
            if _violates(error, ACTIVE_GRANT_INDEX) and attempt == 1:
                continue  # the same invitation at the same moment made the grant: change it
            if _violates(error, ACTIVE_GRANT_INDEX):
                raise
            raise SharingError(NOT_YOURSELF) from None  # ck_supervision_grant_not_self
    if found is None:
        raise SharingError(NOT_SIGNED_IN_YET)
    log.info("shared with a supervisor (grant %s)", found)
    return int(found)


def revoke_supervisor(engine: Engine, *, owner: int, grant: int) -> bool:
    """End a grant now; the supervisor's next query sees nothing. False when not active.

    The packets shared with that supervisor are taken back in the same transaction: a later
    invitation of the same person must not bring them back.
    """
    require_postgresql(engine)
    with owner_connection(engine, owner=owner) as connection:
        supervisor = connection.execute(
            text("SELECT supervisor_id FROM tightrope_grants_given() WHERE id = :grant"),
            {"grant": grant},
        ).scalar()
        done = bool(
            connection.execute(
                text("SELECT tightrope_revoke_supervisor(:grant)"), {"grant": grant}
            ).scalar_one()
        )
        if done and supervisor is not None:
            connection.execute(
                delete(PACKET).where(
                    PACKET.c.owner_id == owner, PACKET.c.supervisor_id == supervisor
                )
            )
    log.info("revoked grant %s: %s", grant, done)
    return done


def grants_given(engine: Engine, *, owner: int) -> list[Grant]:
    """Everyone `owner` shares or shared with: active grants first, newest first."""
    require_postgresql(engine)
    with owner_connection(engine, owner=owner) as connection:
        query = _times("SELECT * FROM tightrope_grants_given()", "created_at", "revoked_at")
        rows = connection.execute(query).all()
    return [
        Grant(
            id=row.id,
            supervisor_id=row.supervisor_id,
            supervisor_name=row.supervisor_name,
            supervisor_email=row.supervisor_email,
            share_levels=row.share_levels,
            share_trends=row.share_trends,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )
        for row in rows
    ]


def share_packet(
    engine: Engine, *, owner: int, supervisor: int, fmt: str, title: str, content: bytes
) -> int:
    """Give one supervisor (with an active grant) a copy of a packet; returns its id."""
    require_postgresql(engine)
    name = " ".join(title.split())[:TITLE_MAX] or "Supervision packet"
    if fmt not in ("html", "pdf"):
        raise SharingError("A packet is shared as HTML or PDF.")
    with owner_connection(engine, owner=owner) as connection:
        active = connection.execute(
            text(
                "SELECT 1 FROM supervision_grant WHERE owner_id = :owner "
                "AND supervisor_id = :supervisor AND revoked_at IS NULL"
            ),
            {"owner": owner, "supervisor": supervisor},
        ).first()
        if active is None:
            raise SharingError("Share with this supervisor first, then share a packet.")
        new_id = connection.execute(
            insert(PACKET)
            .values(
                owner_id=owner,
                supervisor_id=supervisor,
                format=fmt,
                title=name,
                content=content,
                created_at=utcnow(),
            )
            .returning(PACKET.c.id)
        ).scalar_one()
    log.info("shared packet %s (%s, %d bytes)", new_id, fmt, len(content))
    return int(new_id)


def packets_shared(engine: Engine, *, owner: int) -> list[PacketShare]:
    """The packets `owner` shared, newest first (without their bytes)."""
    require_postgresql(engine)
    query = (
        select(
            PACKET.c.id,
            PACKET.c.supervisor_id,
            PACKET.c.format,
            PACKET.c.title,
            PACKET.c.created_at,
        )
        .where(PACKET.c.owner_id == owner)
        .order_by(PACKET.c.created_at.desc(), PACKET.c.id.desc())
    )
    with owner_connection(engine, owner=owner) as connection:
        rows = connection.execute(query).all()
    return [PacketShare(*row) for row in rows]


def unshare_packet(engine: Engine, *, owner: int, packet: int) -> bool:
    """Take a shared packet back (deleted); False when there was none."""
    require_postgresql(engine)
    with owner_connection(engine, owner=owner) as connection:
        removed = connection.execute(
            delete(PACKET).where(PACKET.c.id == packet, PACKET.c.owner_id == owner)
        ).rowcount
    return bool(removed)


def access_log(engine: Engine, *, owner: int, limit: int = 200) -> list[Access]:
    """Who looked at what `owner` shares, and when: newest first."""
    require_postgresql(engine)
    query = (
        select(ACCESS.c.viewer_name, ACCESS.c.what, ACCESS.c.at)
        .where(ACCESS.c.owner_id == owner)
        .order_by(ACCESS.c.at.desc(), ACCESS.c.id.desc())
        .limit(limit)
    )
    with owner_connection(engine, owner=owner) as connection:
        rows = connection.execute(query).all()
    return [Access(*row) for row in rows]


# The supervisor's side: every call below is logged in the owner's access log by the database.


def supervisees(engine: Engine, *, supervisor: int) -> list[Supervisee]:
    """Everyone who shares with `supervisor` now, by name."""
    require_postgresql(engine)
    with owner_connection(engine, owner=supervisor) as connection:
        rows = connection.execute(_times("SELECT * FROM tightrope_supervisees()", "since")).all()
    found = [
        Supervisee(row.owner_id, row.display_name, row.since, row.share_levels, row.share_trends)
        for row in rows
    ]
    return sorted(found, key=lambda s: (s.display_name.casefold(), s.owner_id))


def shared_ratings(engine: Engine, *, supervisor: int, owner: int) -> pd.DataFrame:
    """`owner`'s ratings as a session frame, without codes, tags or text; empty unless shared."""
    require_postgresql(engine)
    with owner_connection(engine, owner=supervisor) as connection:
        rows = connection.execute(
            text("SELECT * FROM tightrope_shared_ratings(:owner)"), {"owner": owner}
        ).all()
    return ratings_frame(
        [row.started_at for row in rows], {sign: [getattr(r, sign) for r in rows] for sign in SIGNS}
    )


def shared_thresholds(engine: Engine, *, supervisor: int, owner: int) -> Thresholds:
    """`owner`'s warning-level settings, so a supervisor sees the levels the therapist sees."""
    require_postgresql(engine)
    with owner_connection(engine, owner=supervisor) as connection:
        rows = connection.execute(
            text("SELECT key, value FROM tightrope_shared_settings(:owner)"), {"owner": owner}
        ).all()
    return thresholds_from_rows([(k, v) for k, v in rows if k.startswith(PREFIX)])


def shared_packets(engine: Engine, *, supervisor: int, owner: int) -> list[PacketShare]:
    """The packets `owner` shared with `supervisor` while the grant is active, newest first."""
    require_postgresql(engine)
    with owner_connection(engine, owner=supervisor) as connection:
        rows = connection.execute(
            _times("SELECT * FROM tightrope_shared_packets(:owner)", "created_at"), {"owner": owner}
        ).all()
    return [PacketShare(row.id, supervisor, row.format, row.title, row.created_at) for row in rows]


def shared_packet_content(engine: Engine, *, supervisor: int, packet: int) -> bytes | None:
    """One shared packet's bytes for its supervisor; None once the grant is revoked."""
    require_postgresql(engine)
    with owner_connection(engine, owner=supervisor) as connection:
        content = connection.execute(
            text("SELECT tightrope_shared_packet(:packet)"), {"packet": packet}
        ).scalar_one()
    return None if content is None else bytes(content)
