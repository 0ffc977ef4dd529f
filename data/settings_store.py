"""Thresholds stored in the `setting` table: one row per changed threshold, its value as JSON.

Only values that differ from the default are stored, so a better default in a later version
reaches everyone who never changed that threshold. A stored value that no longer validates
(edited by hand, or a range tightened by an update) falls back to its default with a logged
warning naming the setting, never its value.
"""

from __future__ import annotations

import json
import logging
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, Engine, delete, select
from sqlmodel import col

from core.settings import SettingsError, Thresholds, check_value
from data.db import owner_connection, session_scope
from data.models import Setting, utcnow

log = logging.getLogger(__name__)

PREFIX = "threshold."


def _key(name: str) -> str:
    return PREFIX + name


def _mine(owner: int) -> Any:
    return (col(Setting.owner_id) == owner) & col(Setting.key).startswith(PREFIX)


def load_thresholds(engine: Engine, *, owner: int) -> Thresholds:
    """`owner`'s stored thresholds; anything missing or invalid takes its default."""
    with owner_connection(engine, owner=owner) as connection:
        return thresholds_in(connection, owner=owner)


def thresholds_in(connection: Connection, *, owner: int) -> Thresholds:
    """load_thresholds within a transaction already scoped to `owner` (data.db)."""
    query = select(col(Setting.key), col(Setting.value)).where(_mine(owner))
    rows = connection.execute(query).all()
    return thresholds_from_rows([(key, raw) for key, raw in rows])


def thresholds_from_rows(rows: list[tuple[str, str]]) -> Thresholds:
    """Thresholds from stored (key, JSON value) rows; anything missing or invalid: its default.

    Shared with data.sharing and data.practice, which read another owner's rows through the
    database's sharing functions: a supervisor or the practice view judges with that person's
    own settings.
    """
    known = {f.name for f in fields(Thresholds)}
    values: dict[str, object] = {}
    for key, raw in rows:
        name = key[len(PREFIX) :]
        if name not in known:
            continue  # a setting an older or newer version knew: harmless, ignored
        try:
            values[name] = check_value(name, json.loads(raw))
        except (ValueError, SettingsError):  # JSONDecodeError is a ValueError
            log.warning("stored setting %s is not valid; using its default", name)
    try:
        return Thresholds.from_mapping(values)
    except SettingsError:
        log.warning("stored settings do not fit together; using the defaults")
        return Thresholds()


def save_thresholds(engine: Engine, *, owner: int, thresholds: Thresholds) -> None:
    """Store every threshold of `owner` that differs from its default (one transaction)."""
    defaults = Thresholds().to_mapping()
    chosen = thresholds.to_mapping()
    with session_scope(engine, owner=owner) as session:
        session.execute(delete(Setting).where(_mine(owner)))
        now = utcnow()
        for name, value in chosen.items():
            if value != defaults[name]:
                session.add(
                    Setting(owner_id=owner, key=_key(name), value=json.dumps(value), updated_at=now)
                )
    log.info("saved thresholds")


def reset_thresholds(engine: Engine, *, owner: int) -> None:
    """Forget every threshold `owner` stored: all defaults again."""
    with session_scope(engine, owner=owner) as session:
        session.execute(delete(Setting).where(_mine(owner)))
    log.info("reset thresholds to their defaults")
