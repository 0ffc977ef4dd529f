"""The demo database: six months of realistic, deterministic sessions ending today, and six
monthly check-ins that agree with its fatigue episode."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine

from core.checkin.instruments import CBI
from core.synthetic import demo_history, make_sessions
from data.checkins import add_checkin
from data.repository import count_sessions, insert_frame

# CBI targets per check-in, oldest first (personal, work-related, client-related). Steady for
# five months, then the last one, taken inside the fatigue episode (its last five weeks), is
# reliably worse on the personal and work-related scales; client-related drifts up a little
# with the difficult client C-42, not reliably.
DEMO_CBI: Final = (
    (37.5, 32.1, 33.3),
    (33.3, 28.6, 37.5),
    (41.7, 35.7, 33.3),
    (37.5, 32.1, 37.5),
    (37.5, 35.7, 41.7),
    (62.5, 60.7, 41.7),
)
DEMO_CHECKIN_EVERY: Final = 28
DEMO_LAST_CHECKIN_AGO: Final = 5
"""Days before today of the last demo check-in: the next one is not yet due."""


def demo_sessions(today: date, tz: ZoneInfo, *, until: datetime | None = None) -> pd.DataFrame:
    """The demo history as a session frame: same `today` and timezone, same rows.

    With `until`, sessions starting after it are left out, so the demo holds no future session.
    """
    # 32 weekly slots give about 25 sessions in a working week, 3–7 a day.
    frame = make_sessions(replace(demo_history(today), tz=tz.key, n_clients=32))
    if until is not None:
        frame = frame[frame["started_at"] <= pd.Timestamp(until)].reset_index(drop=True)
    return frame


def cbi_answers(personal: float, work: float, client: float) -> dict[str, int]:
    """CBI answers (option indices) whose scale scores come nearest these targets."""
    targets = {"personal": personal, "work": work, "client": client}
    answers: dict[str, int] = {}
    for scale in CBI.scales:
        n = len(scale.items)
        steps = round(targets[scale.key] / 25 * n)  # quarter-steps of 25 points, over all items
        for position, item_id in enumerate(scale.items):
            level = steps // n + (1 if position < steps % n else 0)  # 0 (none) to 4 (always)
            reversed_item = CBI.item(item_id).reversed
            answers[item_id] = level if reversed_item else 4 - level
    return answers


def demo_checkins(today: date) -> list[tuple[date, dict[str, int]]]:
    """The demo's six monthly CBI check-ins as (day, answers), oldest first."""
    last = today - timedelta(days=DEMO_LAST_CHECKIN_AGO)
    count = len(DEMO_CBI)
    return [
        (last - timedelta(days=DEMO_CHECKIN_EVERY * (count - 1 - k)), cbi_answers(*DEMO_CBI[k]))
        for k in range(count)
    ]


def seed_demo(
    engine: Engine, today: date, tz: ZoneInfo, *, owner: int, until: datetime | None = None
) -> int:
    """Fill `owner`'s empty demo journal with entries and check-ins; returns the entries added.

    A journal that already holds entries is left alone.
    """
    if count_sessions(engine, owner=owner):
        return 0
    added = insert_frame(engine, owner=owner, frame=demo_sessions(today, tz, until=until))
    for day, answers in demo_checkins(today):
        add_checkin(engine, owner=owner, day=day, instrument=CBI.key, answers=answers)
    return added
