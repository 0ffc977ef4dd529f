"""Reads and writes of check-ins (completed questionnaires), as core.checkin records.

Every function takes the `owner` and touches that account's rows only: each query filters by
owner, and on PostgreSQL the transaction is scoped to the owner for row-level security too
(migration 0006). Answers are validated with core.checkin.scoring before anything is written,
and scores are computed from the stored answers on reading. Delete-all removes check-ins with
the rest (data.maintenance deletes from every owned table).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from numbers import Integral
from typing import cast

from sqlalchemy import Engine, Table, delete, insert, select

from core.checkin.instruments import INSTRUMENTS
from core.checkin.record import CheckinRecord
from core.checkin.scoring import CheckinError, answer_problems, score_answers
from data.db import owner_connection
from data.models import CheckinRow, utcnow

log = logging.getLogger(__name__)

CHECKIN: Table = CheckinRow.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass


@dataclass(frozen=True)
class StoredCheckin:
    """A stored check-in with its answers (item id -> option index) and when it was saved."""

    id: int
    record: CheckinRecord
    answers: dict[str, int]
    created_at: datetime


def checkin_problems(instrument: str, answers: Mapping[str, object]) -> list[str]:
    """Why these answers cannot be saved, in plain words (empty when they can)."""
    if instrument not in INSTRUMENTS:
        return [f"There is no questionnaire called {instrument!r}."]
    return answer_problems(INSTRUMENTS[instrument], answers)


def add_checkin(
    engine: Engine,
    *,
    owner: int,
    day: date,
    instrument: str,
    answers: Mapping[str, object],
    now: datetime | None = None,
) -> int:
    """Store `owner`'s completed check-in of `day`; returns its id (see `add_checkins`)."""
    (new_id,) = add_checkins(engine, owner=owner, day=day, answers={instrument: answers}, now=now)
    return new_id


def add_checkins(
    engine: Engine,
    *,
    owner: int,
    day: date,
    answers: Mapping[str, Mapping[str, object]],
    now: datetime | None = None,
) -> list[int]:
    """Store `owner`'s check-ins of `day` (instrument -> its answers) in one transaction.

    Raises CheckinError listing every problem of every instrument when an answer is missing or
    invalid; then nothing is written, not even the instruments that were complete. A check-in of
    the same instrument on the same day is replaced (answering again the same day corrects it).
    Returns the new ids in the order of `answers`.
    """
    problems = [p for key, given in answers.items() for p in checkin_problems(key, given)]
    if problems:
        raise CheckinError(" ".join(problems))
    stamp = now or utcnow()
    ids: list[int] = []
    with owner_connection(engine, owner=owner) as connection:
        for instrument, given in answers.items():
            clean = {item_id: int(cast(Integral, value)) for item_id, value in given.items()}
            connection.execute(
                delete(CHECKIN).where(
                    CHECKIN.c.owner_id == owner,
                    CHECKIN.c.taken_on == day,
                    CHECKIN.c.instrument == instrument,
                )
            )
            new_id = connection.execute(
                insert(CHECKIN)
                .values(
                    owner_id=owner,
                    taken_on=day,
                    instrument=instrument,
                    answers=json.dumps(clean, sort_keys=True),
                    created_at=stamp,
                )
                .returning(CHECKIN.c.id)
            ).scalar_one()
            ids.append(int(new_id))
    log.info("saved %d check-ins", len(ids))
    return ids


def insert_checkins(
    engine: Engine,
    *,
    owner: int,
    checkins: Mapping[tuple[date, str], Mapping[str, object]],
    now: datetime | None = None,
) -> int:
    """Store `owner`'s check-ins ((day, instrument) -> answers) in one transaction; returns how
    many were added. One already stored for the same day and instrument is kept and skipped.

    Raises CheckinError listing every problem when any answer is invalid; then nothing is written.
    """
    problems = [p for (_, key), given in checkins.items() for p in checkin_problems(key, given)]
    if problems:
        raise CheckinError(" ".join(problems))
    stamp = now or utcnow()
    with owner_connection(engine, owner=owner) as connection:
        stored = {
            (row.taken_on, row.instrument)
            for row in connection.execute(
                select(CHECKIN.c.taken_on, CHECKIN.c.instrument).where(CHECKIN.c.owner_id == owner)
            )
        }
        rows = [
            {
                "owner_id": owner,
                "taken_on": day,
                "instrument": instrument,
                "answers": json.dumps(
                    {k: int(cast(Integral, v)) for k, v in given.items()}, sort_keys=True
                ),
                "created_at": stamp,
            }
            for (day, instrument), given in checkins.items()
            if (day, instrument) not in stored
        ]
        if rows:
            connection.execute(insert(CHECKIN), rows)
    log.info("inserted %d check-ins", len(rows))
    return len(rows)


def stored_checkins(engine: Engine, *, owner: int) -> list[StoredCheckin]:
    """Every check-in of `owner` with its answers, oldest day first."""
    query = (
        select(CHECKIN)
        .where(CHECKIN.c.owner_id == owner)
        .order_by(CHECKIN.c.taken_on, CHECKIN.c.instrument, CHECKIN.c.id)
    )
    with owner_connection(engine, owner=owner) as connection:
        rows = connection.execute(query).all()
    out: list[StoredCheckin] = []
    for row in rows:
        instrument = INSTRUMENTS.get(row.instrument)
        answers = json.loads(row.answers)
        if instrument is None or answer_problems(instrument, answers):
            # Written by a later version (a new instrument or item): not scored by this one.
            log.warning("check-in %s cannot be scored by this version; left out", row.id)
            continue
        scores = score_answers(instrument, answers)
        created = row.created_at
        out.append(
            StoredCheckin(
                id=row.id,
                record=CheckinRecord(day=row.taken_on, instrument=row.instrument, scores=scores),
                answers={str(k): int(v) for k, v in answers.items()},
                created_at=created,
            )
        )
    return out


def list_checkins(engine: Engine, *, owner: int) -> list[CheckinRecord]:
    """Every check-in of `owner` as core records (day, instrument, scores), oldest first."""
    return [stored.record for stored in stored_checkins(engine, owner=owner)]


def delete_checkin(engine: Engine, *, owner: int, checkin_id: int) -> bool:
    """Delete `owner`'s check-in `checkin_id`; returns whether it existed."""
    with owner_connection(engine, owner=owner) as connection:
        deleted = connection.execute(
            delete(CHECKIN).where(CHECKIN.c.owner_id == owner, CHECKIN.c.id == checkin_id)
        ).rowcount
    return bool(deleted)
