"""Reads and writes of session entries; every read returns a frame in the core.schema shape."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.schema import SESSION_COLUMNS, SIGNS, as_sessions, empty_sessions
from data.db import session_scope
from data.models import (
    Scenario,
    SessionCreate,
    SessionEntry,
    SessionScenario,
    SessionUpdate,
    normalise_tag,
    utcnow,
)

log = logging.getLogger(__name__)

FUTURE_TOLERANCE = timedelta(minutes=5)


class EntryError(ValueError):
    """A save that was refused, with a message meant for the therapist."""


class DuplicateEntryError(EntryError):
    """An entry for this client at this start time already exists."""


@dataclass(frozen=True)
class DataVersion:
    """Changes whenever any entry is added, edited or deleted: the key for cached analytics."""

    count: int
    max_id: int
    last_update: str


def check_not_future(started_at: datetime, now: datetime | None = None) -> None:
    """Refuse a start time more than a few minutes ahead of now (a typo in the date, usually)."""
    now = now or datetime.now(UTC)
    if started_at - now > FUTURE_TOLERANCE:
        raise EntryError(
            "The start time is in the future. Check the date and time: "
            "sessions can be logged once they have started."
        )


def _scenario_ids(session: Session, names: Iterable[str]) -> list[int]:
    ids: list[int] = []
    for name in names:
        tag = normalise_tag(name)
        scenario = session.execute(select(Scenario).where(Scenario.name == tag)).scalars().first()
        if scenario is None:
            scenario = Scenario(name=tag, builtin=False)
            session.add(scenario)
            session.flush()
        assert scenario.id is not None
        ids.append(scenario.id)
    return ids


def _store(session: Session, entry: SessionEntry, scenarios: Sequence[str]) -> int:
    session.add(entry)
    session.flush()
    assert entry.id is not None
    session.execute(delete(SessionScenario).where(SessionScenario.session_id == entry.id))  # type: ignore[arg-type]  # sqlmodel column typing
    for scenario_id in _scenario_ids(session, scenarios):
        session.add(SessionScenario(session_id=entry.id, scenario_id=scenario_id))
    return entry.id


def add_session(engine: Engine, entry: SessionCreate, *, now: datetime | None = None) -> int:
    """Store one validated entry with its tags in one transaction and return its id."""
    check_not_future(entry.started_at, now)
    fields = entry.model_dump(exclude={"scenarios"})
    try:
        with session_scope(engine) as session:
            new_id = _store(session, SessionEntry(**fields), entry.scenarios)
    except IntegrityError as error:
        if "uq_session_entry_start_client" in str(error) or "UNIQUE" in str(error):
            raise DuplicateEntryError(
                "This session is already saved (same client code and start time)."
            ) from None
        raise
    log.info("saved session entry %s", new_id)
    return new_id


def update_session(
    engine: Engine, entry_id: int, entry: SessionUpdate, *, now: datetime | None = None
) -> None:
    """Replace every field of entry `entry_id`; raises EntryError when it no longer exists."""
    check_not_future(entry.started_at, now)
    try:
        with session_scope(engine) as session:
            stored = session.get(SessionEntry, entry_id)
            if stored is None:
                raise EntryError("That entry no longer exists; it may have been deleted.")
            for key, value in entry.model_dump(exclude={"scenarios"}).items():
                setattr(stored, key, value)
            stored.updated_at = utcnow()
            _store(session, stored, entry.scenarios)
    except IntegrityError:
        raise DuplicateEntryError(
            "Another entry already has this client code and start time."
        ) from None
    log.info("updated session entry %s", entry_id)


def delete_session(engine: Engine, entry_id: int) -> bool:
    """Delete one entry (its tags go with it); returns whether it existed."""
    with session_scope(engine) as session:
        stored = session.get(SessionEntry, entry_id)
        if stored is None:
            return False
        session.delete(stored)
    log.info("deleted session entry %s", entry_id)
    return True


def get_session(engine: Engine, entry_id: int) -> pd.DataFrame:
    """One entry as a one-row session frame (empty when it does not exist)."""
    return _frame(engine, SessionEntry.id == entry_id)  # type: ignore[arg-type]


def _frame(engine: Engine, *where: object, limit: int | None = None) -> pd.DataFrame:
    columns = [getattr(SessionEntry, c) for c in SESSION_COLUMNS if c != "scenarios"]
    query = select(*columns).order_by(SessionEntry.started_at.desc(), SessionEntry.id.desc())  # type: ignore[attr-defined]
    for condition in where:
        query = query.where(condition)  # type: ignore[arg-type]
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        if not rows:
            return empty_sessions()
        ids = [row.id for row in rows]
        tag_query = (
            select(SessionScenario.session_id, Scenario.name)
            .join(Scenario, Scenario.id == SessionScenario.scenario_id)  # type: ignore[arg-type]
            .order_by(Scenario.name)
        )
        if limit is not None or where:
            tag_query = tag_query.where(SessionScenario.session_id.in_(ids))  # type: ignore[attr-defined]
        tags: dict[int, list[str]] = {}
        for session_id, name in connection.execute(tag_query):
            tags.setdefault(session_id, []).append(name)
    frame = pd.DataFrame(rows, columns=[c for c in SESSION_COLUMNS if c != "scenarios"])
    frame["scenarios"] = [tags.get(i, []) for i in ids]
    return as_sessions(frame.iloc[::-1].reset_index(drop=True))


def load_sessions(engine: Engine) -> pd.DataFrame:
    """Every entry, oldest first, as a session frame."""
    return _frame(engine)


def recent_sessions(engine: Engine, limit: int = 10) -> pd.DataFrame:
    """The `limit` most recent entries, newest first."""
    return _frame(engine, limit=limit).iloc[::-1].reset_index(drop=True)


def recent_client_codes(engine: Engine, limit: int = 12) -> list[str]:
    """Client codes by most recent session, for the quick pick on the Log page."""
    query = (
        select(SessionEntry.client_code, func.max(SessionEntry.started_at).label("last"))
        .group_by(SessionEntry.client_code)
        .order_by(func.max(SessionEntry.started_at).desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [row.client_code for row in connection.execute(query)]


def scenario_names(engine: Engine) -> list[str]:
    """Every scenario tag: the guide's built-in five first, then the therapist's own A–Z."""
    query = select(Scenario.name).order_by(Scenario.builtin.desc(), Scenario.name)  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return [row.name for row in connection.execute(query)]


def count_sessions(engine: Engine) -> int:
    """How many entries are stored."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(SessionEntry)).scalar_one())


def data_version(engine: Engine) -> DataVersion:
    """A cheap fingerprint of the entries, for caching analytics between saves."""
    query = select(
        func.count(), func.coalesce(func.max(SessionEntry.id), 0), func.max(SessionEntry.updated_at)
    )
    with engine.connect() as connection:
        count, max_id, last = connection.execute(query).one()
    return DataVersion(int(count), int(max_id), str(last))


def insert_frame(engine: Engine, frame: pd.DataFrame) -> int:
    """Insert a session frame in one transaction, skipping rows already stored; returns rows added.

    The frame must already be validated (see data.models.SessionCreate). All or nothing: an error
    rolls back every row.
    """
    if frame.empty:
        return 0
    now = utcnow()
    added = 0
    with session_scope(engine) as session:
        existing = {
            (started.replace(tzinfo=UTC) if started.tzinfo is None else started, code)
            for started, code in session.execute(
                select(SessionEntry.started_at, SessionEntry.client_code)
            )
        }
        tag_ids: dict[str, int] = {}
        for row in frame.itertuples(index=False):
            started = row.started_at.to_pydatetime()
            if (started, row.client_code) in existing:
                continue
            existing.add((started, row.client_code))
            entry = SessionEntry(
                started_at=started,
                client_code=row.client_code,
                dread=int(row.dread),
                detachment=int(row.detachment),
                fatigue=int(row.fatigue),
                reflection_reaction=row.reflection_reaction,
                reflection_held_back=row.reflection_held_back,
                reflection_themes=row.reflection_themes,
                note=row.note,
                grounding_done=bool(row.grounding_done),
                created_at=now,
                updated_at=now,
            )
            session.add(entry)
            session.flush()
            assert entry.id is not None
            for tag in row.scenarios:
                if tag not in tag_ids:
                    tag_ids[tag] = _scenario_ids(session, [tag])[0]
                session.add(SessionScenario(session_id=entry.id, scenario_id=tag_ids[tag]))
            added += 1
    log.info("inserted %d session entries", added)
    return added
