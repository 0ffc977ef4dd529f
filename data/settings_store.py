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

from sqlalchemy import Engine, delete, select
from sqlmodel import col

from core.settings import SettingsError, Thresholds, check_value
from data.db import session_scope
from data.models import Setting, utcnow

log = logging.getLogger(__name__)

PREFIX = "threshold."


def _key(name: str) -> str:
    return PREFIX + name


def load_thresholds(engine: Engine) -> Thresholds:
    """The stored thresholds; anything missing or invalid takes its default."""
    known = {f.name for f in fields(Thresholds)}
    query = select(col(Setting.key), col(Setting.value)).where(col(Setting.key).startswith(PREFIX))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
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


def save_thresholds(engine: Engine, *, thresholds: Thresholds) -> None:
    """Store every threshold that differs from its default (one transaction)."""
    defaults = Thresholds().to_mapping()
    chosen = thresholds.to_mapping()
    with session_scope(engine) as session:
        session.execute(delete(Setting).where(col(Setting.key).startswith(PREFIX)))
        now = utcnow()
        for name, value in chosen.items():
            if value != defaults[name]:
                session.add(Setting(key=_key(name), value=json.dumps(value), updated_at=now))
    log.info("saved thresholds")


def reset_thresholds(engine: Engine) -> None:
    """Forget every stored threshold: all defaults again."""
    with session_scope(engine) as session:
        session.execute(delete(Setting).where(col(Setting.key).startswith(PREFIX)))
    log.info("reset thresholds to their defaults")
