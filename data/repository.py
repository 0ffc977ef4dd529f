"""Reads and writes of session entries; every read returns a frame in the core.schema shape."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.schema import SESSION_COLUMNS, as_sessions, empty_sessions
from data.db import session_scope
from data.models import (
    DataRevision,
    Scenario,
    SessionCreate,
    SessionEntry,
    SessionScenario,
    SessionUpdate,
    normalise_tag,
    utcnow,
)

log = logging.getLogger(__name__)

# Core tables for queries: typed columns (mypy sees SQLModel's class attributes as values).
ENTRY: Table = SessionEntry.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass
SCENARIO: Table = Scenario.__table__  # type: ignore[attr-defined]
LINK: Table = SessionScenario.__table__  # type: ignore[attr-defined]
REVISION: Table = DataRevision.__table__  # type: ignore[attr-defined]

FUTURE_TOLERANCE = timedelta(minutes=5)


class EntryError(ValueError):
    """A save that was refused, with a message meant for the therapist."""


class DuplicateEntryError(EntryError):
    """An entry for this client at this start time already exists."""


@dataclass(frozen=True)
class DataVersion:
    """Changes whenever any entry is added, edited or deleted: the key for cached analytics."""

    token: str
    count: int
    max_id: int


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
        scenario = session.execute(select(Scenario).where(SCENARIO.c.name == tag)).scalars().first()
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
    session.execute(delete(LINK).where(LINK.c.session_id == entry.id))
    for scenario_id in _scenario_ids(session, scenarios):
        session.add(SessionScenario(session_id=entry.id, scenario_id=scenario_id))
    return entry.id


def add_session(engine: Engine, *, entry: SessionCreate, now: datetime | None = None) -> int:
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
    engine: Engine, *, entry_id: int, entry: SessionUpdate, now: datetime | None = None
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


def delete_session(engine: Engine, *, entry_id: int) -> bool:
    """Delete one entry (its tags go with it); returns whether it existed."""
    with session_scope(engine) as session:
        stored = session.get(SessionEntry, entry_id)
        if stored is None:
            return False
        session.delete(stored)
    log.info("deleted session entry %s", entry_id)
    return True


def get_session(engine: Engine, *, entry_id: int) -> pd.DataFrame:
    """One entry as a one-row session frame (empty when it does not exist)."""
    return _frame(engine, ENTRY.c.id == entry_id)


def _tags(connection: Connection, ids: list[int] | None) -> dict[int, list[str]]:
    """Scenario names by entry id, alphabetical: of the entries `ids`, or of every entry."""
    query = (
        select(LINK.c.session_id, SCENARIO.c.name)
        .join(SCENARIO, SCENARIO.c.id == LINK.c.scenario_id)
        .order_by(SCENARIO.c.name)
    )
    if ids is not None:
        query = query.where(LINK.c.session_id.in_(ids))
    tags: dict[int, list[str]] = {}
    for session_id, name in connection.execute(query):
        tags.setdefault(session_id, []).append(name)
    return tags


READ_CHUNK_ROWS = 1000
"""Rows turned into a frame at a time when reading entries (see `_frame`)."""


def _frame(engine: Engine, *where: ColumnElement[bool], limit: int | None = None) -> pd.DataFrame:
    names = [c for c in SESSION_COLUMNS if c != "scenarios"]
    query = select(*(ENTRY.c[c] for c in names))
    query = query.order_by(ENTRY.c.started_at.desc(), ENTRY.c.id.desc())
    for condition in where:
        query = query.where(condition)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        # A chunk of rows at a time: ten years are ~12,500 rows of Python objects (a datetime
        # and a Row each), and holding them all at once left ~4 MiB of freed but fragmented
        # memory in the server for good (benchmarks/memory_by_page.py). Same rows, same time.
        result = connection.execution_options(yield_per=READ_CHUNK_ROWS).execute(query)
        chunks = [pd.DataFrame(rows, columns=names) for rows in result.partitions()]
        if not chunks:
            return empty_sessions()
        frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        del chunks
        ids = frame["id"].tolist()
        # Every entry's tags in one query; only the chosen entries' when some were left out.
        tags = _tags(connection, ids if limit is not None or where else None)
    frame["scenarios"] = [tags.get(i, []) for i in ids]
    return as_sessions(frame.iloc[::-1].reset_index(drop=True))


def load_sessions(engine: Engine) -> pd.DataFrame:
    """Every entry, oldest first, as a session frame."""
    return _frame(engine)


@dataclass(frozen=True)
class RecentEntry:
    """One line of the Log page's recent list: what it shows, nothing private."""

    id: int
    started_at: datetime
    client_code: str
    dread: int
    detachment: int
    fatigue: int
    scenarios: tuple[str, ...]
    grounding_done: bool


def recent_sessions(engine: Engine, *, limit: int = 10) -> list[RecentEntry]:
    """The `limit` most recent entries, newest first."""
    # Plain rows, not a session frame: the Log page reads this after every save, and building
    # and coercing a DataFrame for ten rows cost 9-20 ms of the save's rerun (the query itself
    # ~1 ms through the started_at index). Notes and reflections are not read at all.
    query = (
        select(
            ENTRY.c.id,
            ENTRY.c.started_at,
            ENTRY.c.client_code,
            ENTRY.c.dread,
            ENTRY.c.detachment,
            ENTRY.c.fatigue,
            ENTRY.c.grounding_done,
        )
        .order_by(ENTRY.c.started_at.desc(), ENTRY.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        tags = _tags(connection, [row.id for row in rows]) if rows else {}
    return [
        RecentEntry(
            id=row.id,
            started_at=row.started_at,
            client_code=row.client_code,
            dread=row.dread,
            detachment=row.detachment,
            fatigue=row.fatigue,
            scenarios=tuple(tags.get(row.id, ())),
            grounding_done=bool(row.grounding_done),
        )
        for row in rows
    ]


RECENT_CODES_WINDOW = 500
"""Newest entries scanned for the quick pick before falling back to grouping every entry."""


def recent_client_codes(engine: Engine, *, limit: int = 12) -> list[str]:
    """Client codes by most recent session, for the quick pick on the Log page."""
    # The newest entries through the started_at index first: grouping ten years of entries on
    # every Log page run costs tens of milliseconds, and the codes are almost always in there.
    newest = (
        select(ENTRY.c.client_code)
        .order_by(ENTRY.c.started_at.desc(), ENTRY.c.id.desc())
        .limit(RECENT_CODES_WINDOW)
    )
    with engine.connect() as connection:
        seen = list(dict.fromkeys(row.client_code for row in connection.execute(newest)))
        scanned_all = (
            len(seen) < limit
            and connection.execute(select(func.count()).select_from(ENTRY)).scalar_one()
            <= RECENT_CODES_WINDOW
        )
        if len(seen) >= limit or scanned_all:
            return seen[:limit]
        query = (
            select(ENTRY.c.client_code, func.max(ENTRY.c.started_at).label("last"))
            .group_by(ENTRY.c.client_code)
            .order_by(func.max(ENTRY.c.started_at).desc())
            .limit(limit)
        )
        return [row.client_code for row in connection.execute(query)]


def scenario_names(engine: Engine) -> list[str]:
    """Every scenario tag: the guide's built-in five first, then the therapist's own A–Z."""
    query = select(SCENARIO.c.name).order_by(SCENARIO.c.builtin.desc(), SCENARIO.c.name)
    with engine.connect() as connection:
        return [row.name for row in connection.execute(query)]


def count_sessions(engine: Engine) -> int:
    """How many entries are stored."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(ENTRY)).scalar_one())


def count_sessions_between(engine: Engine, *, start: datetime, end: datetime) -> int:
    """How many entries started in [start, end): aware datetimes, e.g. local midnights."""
    query = (
        select(func.count())
        .select_from(ENTRY)
        .where(ENTRY.c.started_at >= start, ENTRY.c.started_at < end)
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def data_version(engine: Engine) -> DataVersion:
    """A cheap fingerprint of the entries, for caching analytics between saves."""
    # The token is rewritten by triggers on every insert, update and delete (migration 0003),
    # whichever code path wrote; count and max id are a second guard, e.g. after a restore.
    query = select(func.count(), func.coalesce(func.max(ENTRY.c.id), 0))
    with engine.connect() as connection:
        token = connection.execute(select(REVISION.c.token)).scalar_one_or_none()
        count, max_id = connection.execute(query).one()
    return DataVersion(str(token), int(count), int(max_id))


def insert_frame(engine: Engine, *, frame: pd.DataFrame) -> int:
    """Insert a session frame in one transaction, skipping rows already stored; returns rows added.

    The frame must already be validated (see data.models.SessionCreate). All or nothing: an error
    rolls back every row. Rows go in with a few multi-row statements, not one flush per row, so
    ten thousand entries take about a second.
    """
    if frame.empty:
        return 0
    now = utcnow()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Take the write lock before reading which rows exist, so no other writer can add
            # one of them in between; BEGIN IMMEDIATE waits out busy_timeout like any write.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            existing = {
                (started.replace(tzinfo=UTC) if started.tzinfo is None else started, code)
                for started, code in connection.execute(
                    select(ENTRY.c.started_at, ENTRY.c.client_code)
                )
            }
            entries: list[dict[str, object]] = []
            tags: list[list[str]] = []
            for row in frame.to_dict("records"):
                started = row["started_at"].to_pydatetime()
                if (started, row["client_code"]) in existing:
                    continue
                existing.add((started, row["client_code"]))
                entries.append(
                    {
                        "started_at": started,
                        "client_code": row["client_code"],
                        "dread": int(row["dread"]),
                        "detachment": int(row["detachment"]),
                        "fatigue": int(row["fatigue"]),
                        "reflection_reaction": row["reflection_reaction"],
                        "reflection_held_back": row["reflection_held_back"],
                        "reflection_themes": row["reflection_themes"],
                        "note": row["note"],
                        "grounding_done": bool(row["grounding_done"]),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                tags.append([normalise_tag(tag) for tag in row["scenarios"]])
            if entries:
                _insert_entries(connection, entries, tags)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    log.info("inserted %d session entries", len(entries))
    return len(entries)


def _insert_entries(
    connection: Connection, entries: list[dict[str, object]], tags: list[list[str]]
) -> None:
    """Insert entries, any new tag names and the links between them, on one connection."""
    names = {tag for row in tags for tag in row}
    tag_ids = {
        name: tag_id for tag_id, name in connection.execute(select(SCENARIO.c.id, SCENARIO.c.name))
    }
    missing = sorted(names - tag_ids.keys())
    if missing:
        connection.execute(insert(SCENARIO), [{"name": n, "builtin": False} for n in missing])
        tag_ids = {
            name: tag_id
            for tag_id, name in connection.execute(select(SCENARIO.c.id, SCENARIO.c.name))
        }
    # RETURNING in parameter order gives each new row's id, so tags attach to the right entry.
    ids = connection.execute(
        insert(ENTRY).returning(ENTRY.c.id, sort_by_parameter_order=True), entries
    ).scalars()
    links = [
        {"session_id": entry_id, "scenario_id": tag_ids[tag]}
        for entry_id, row in zip(ids, tags, strict=True)
        for tag in dict.fromkeys(row)
    ]
    if links:
        connection.execute(insert(LINK), links)
