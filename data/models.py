"""SQLModel tables and the validating models in front of them (the full-stack template's way)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from pydantic import field_validator
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, SQLModel

from core.schema import RATING_MAX, RATING_MIN

LOCAL_ACCOUNT_ID = 1
"""The account of personal mode (migration 0004 creates it first): no sign-in, owns every row."""
LOCAL_ISSUER = "tightrope:local"
"""The `oidc_issuer` of the local account: no identity provider vouches for it."""

CLIENT_CODE_MAX = 40
TEXT_MAX = 4000  # a note or reflection; a page of text, far beyond "one line of reflection"
TAG_MAX = 60
TAGS_MAX = 12


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC (SQLite has no zone) and reads them back aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def _owner_column() -> Any:
    # A Column per table (a Column object belongs to one table): who owns the row.
    return Field(sa_column=Column(Integer, ForeignKey("account.id"), nullable=False))


class Account(SQLModel, table=True):
    """A person who keeps a journal: the owner of every entry, own tag, setting and packet.

    Personal mode has one, the local account; a practice server gets one per person at their
    first sign-in (issuer and subject from the practice's OpenID Connect provider).
    """

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_account_oidc"),)

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(max_length=120)
    oidc_issuer: str = Field(max_length=255)
    oidc_subject: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


_SPACES = re.compile(r"\s+")


def normalise_tag(name: str) -> str:
    """Lower-case with single spaces, so "Boundary  Pushing" and "boundary pushing" match."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip().lower()


# Control characters (Unicode category Cc) except tab and newline: they break CSV and HTML.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean_text(value: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


class SessionBase(SQLModel):
    """Fields a therapist enters for one client session."""

    started_at: datetime
    client_code: str = Field(min_length=1, max_length=CLIENT_CODE_MAX)
    dread: int = Field(ge=RATING_MIN, le=RATING_MAX)
    detachment: int = Field(ge=RATING_MIN, le=RATING_MAX)
    fatigue: int = Field(ge=RATING_MIN, le=RATING_MAX)
    reflection_reaction: str = Field(default="", max_length=TEXT_MAX)
    reflection_held_back: str = Field(default="", max_length=TEXT_MAX)
    reflection_themes: str = Field(default="", max_length=TEXT_MAX)
    note: str = Field(default="", max_length=TEXT_MAX)
    grounding_done: bool = False


class SessionCreate(SessionBase):
    """A new session entry, validated: aware time, a trimmed one-line code, clean text and tags."""

    scenarios: list[str] = Field(default_factory=list, max_length=TAGS_MAX)

    @field_validator("started_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("the start time needs a timezone")
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("the start time is out of range") from None

    @field_validator("client_code", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = _SPACES.sub(" ", _clean_text(value))
        return value

    @field_validator(
        "reflection_reaction", "reflection_held_back", "reflection_themes", "note", mode="before"
    )
    @classmethod
    def _text(cls, value: Any) -> Any:
        if value is None:
            return ""
        return _clean_text(value) if isinstance(value, str) else value

    @field_validator("scenarios", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.split(";")
        tags: list[str] = []
        # ";" separates tags in the CSV format, so a tag can never contain one: split it.
        parts = [part for raw in value for part in str(raw).split(";")]
        for raw in parts:
            tag = normalise_tag(_clean_text(raw))
            if not tag:
                continue
            if len(tag) > TAG_MAX:
                raise ValueError(f"a scenario tag is longer than {TAG_MAX} characters")
            if tag not in tags:
                tags.append(tag)
        return tags


class SessionUpdate(SessionCreate):
    """An edit replaces every field of an entry; it validates exactly like a new one."""


def _range_check(column: str) -> CheckConstraint:
    return CheckConstraint(
        f"{column} BETWEEN {RATING_MIN} AND {RATING_MAX}", name=f"ck_session_entry_{column}_range"
    )


class SessionEntry(SessionBase, table=True):
    """One client session as stored. Table models skip validation: build them from SessionCreate."""

    __tablename__ = "session_entry"
    __table_args__ = (
        _range_check("dread"),
        _range_check("detachment"),
        _range_check("fatigue"),
        CheckConstraint(
            f"length(client_code) BETWEEN 1 AND {CLIENT_CODE_MAX}",
            name="ck_session_entry_client_code_length",
        ),
        # One entry per client per start time: a double submit or a re-import adds nothing.
        UniqueConstraint(
            "owner_id", "started_at", "client_code", name="uq_session_entry_owner_start_client"
        ),
        # Every read is one owner's entries by time: the index does the work at any size.
        Index("ix_session_entry_owner_started_at", "owner_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = _owner_column()
    started_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Scenario(SQLModel, table=True):
    """A scenario tag: the guide's five are built in (no owner), each person may add their own."""

    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_scenario_owner_name"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("account.id"), nullable=True)
    )
    name: str = Field(max_length=TAG_MAX)
    builtin: bool = False


class SessionScenario(SQLModel, table=True):
    """Which scenario tags one session carries (normalised: one row per tag)."""

    __tablename__ = "session_scenario"
    __table_args__ = (Index("ix_session_scenario_owner_id", "owner_id", "session_id"),)

    owner_id: int = _owner_column()  # the entry's owner, so row-level security needs no join
    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("session_entry.id", ondelete="CASCADE"), primary_key=True
        )
    )
    scenario_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("scenario.id", ondelete="RESTRICT"), primary_key=True, index=True
        )
    )


class Setting(SQLModel, table=True):
    """One stored user setting (a threshold and the like), its value as JSON text."""

    __tablename__ = "setting"

    owner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), primary_key=True, nullable=False)
    )
    key: str = Field(primary_key=True, max_length=80)
    value: str
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PacketRecord(SQLModel, table=True):
    """A supervision packet that was exported, so the next one can start where it ended."""

    __tablename__ = "packet"
    __table_args__ = (Index("ix_packet_owner_created_at", "owner_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = _owner_column()
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    period_start: date
    period_end: date
    format: str = Field(max_length=8)


CHECKIN_INSTRUMENT_MAX = 16


class CheckinRow(SQLModel, table=True):
    """One completed check-in questionnaire as stored: its local day, instrument and answers.

    Answers only, as a JSON object of item id to the chosen option's index (core.checkin.scoring);
    scores are computed on reading, so they always follow the instrument's published scoring.
    Build rows through data.checkins.add_checkin, which validates every answer first.
    """

    __tablename__ = "checkin"
    __table_args__ = (
        # One check-in per instrument and local day: answering again the same day replaces it.
        # Its index (owner, day, …) also serves every read, one owner's check-ins by day.
        UniqueConstraint(
            "owner_id", "taken_on", "instrument", name="uq_checkin_owner_day_instrument"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = _owner_column()
    taken_on: date
    instrument: str = Field(max_length=CHECKIN_INSTRUMENT_MAX)
    answers: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DataRevision(SQLModel, table=True):
    """One row per owner whose token database triggers rewrite on every change to their entries.

    Per owner, so one person's save never empties another's caches (nor tells them about it).
    """

    __tablename__ = "data_revision"

    owner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), primary_key=True, nullable=False)
    )
    token: str = Field(max_length=32)
    changes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class PracticePermit(SQLModel, table=True):
    """Who may sign in to a practice: everyone of an e-mail domain, or one invited address.

    Values are lowercased (a check constraint holds it): addresses are compared without case.
    Read only by tightrope_sign_in (migration 0007) and the administrator's commands.
    """

    __tablename__ = "practice_permit"
    __table_args__ = (
        CheckConstraint("kind IN ('domain', 'email')", name="ck_practice_permit_kind"),
        CheckConstraint("value = lower(value)", name="ck_practice_permit_lowercase"),
    )

    kind: str = Field(primary_key=True, max_length=8)
    value: str = Field(primary_key=True, max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PracticeRole(SQLModel, table=True):
    """A role the practice's administrator gave an account: `lead` sees the practice view."""

    __tablename__ = "practice_role"
    __table_args__ = (CheckConstraint("role IN ('lead')", name="ck_practice_role_role"),)

    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), primary_key=True, nullable=False)
    )
    role: str = Field(max_length=16)
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PracticeConfig(SQLModel, table=True):
    """One practice-wide setting (such as `min_group`), its value as text."""

    __tablename__ = "practice_config"

    key: str = Field(primary_key=True, max_length=80)
    value: str


class SupervisionGrant(SQLModel, table=True):
    """A therapist (owner) shares with a supervisor: their levels, their trends, until revoked.

    Made and revoked through tightrope_invite_supervisor and tightrope_revoke_supervisor
    (migration 0008); data.sharing is the way in from Python.
    """

    __tablename__ = "supervision_grant"
    __table_args__ = (
        CheckConstraint("owner_id <> supervisor_id", name="ck_supervision_grant_not_self"),
        Index("ix_supervision_grant_owner_id", "owner_id"),
        Index("ix_supervision_grant_supervisor_id", "supervisor_id"),
        # One active grant per pair (migration 0010): two invitations at once make one grant.
        Index(
            "uq_supervision_grant_active",
            "owner_id",
            "supervisor_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = _owner_column()
    supervisor_id: int = Field(sa_column=Column(Integer, ForeignKey("account.id"), nullable=False))
    share_levels: bool
    share_trends: bool
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SharedPacket(SQLModel, table=True):
    """A packet (its bytes) that a therapist chose to share with one supervisor."""

    __tablename__ = "shared_packet"
    __table_args__ = (Index("ix_shared_packet_owner_supervisor", "owner_id", "supervisor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = _owner_column()
    supervisor_id: int = Field(sa_column=Column(Integer, ForeignKey("account.id"), nullable=False))
    format: str = Field(max_length=8)
    title: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AccessLog(SQLModel, table=True):
    """One look a supervisor took at what a therapist shares: who, what, when (owner reads)."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_owner_at", "owner_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = _owner_column()
    viewer_id: int = Field(sa_column=Column(Integer, ForeignKey("account.id"), nullable=False))
    viewer_name: str = Field(max_length=120)
    what: str = Field(max_length=300)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PracticeOptIn(SQLModel, table=True):
    """A therapist who lets their ratings count, unnamed, in the practice view, and since when."""

    __tablename__ = "practice_opt_in"

    owner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), primary_key=True, nullable=False)
    )
    since: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
