"""The log of exported supervision packets, so the next one can start where the last ended."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import col

from data.db import session_scope
from data.models import PacketRecord, utcnow

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf")
DEFAULT_WEEKS = 4


@dataclass(frozen=True)
class Packet:
    """One exported packet: when it was made and which days it covered (inclusive)."""

    id: int
    created_at: datetime
    period_start: date
    period_end: date
    format: str


def _packet(record: PacketRecord) -> Packet:
    assert record.id is not None
    return Packet(
        record.id, record.created_at, record.period_start, record.period_end, record.format
    )


def record_packet(
    engine: Engine, *, start: date, end: date, fmt: str, now: datetime | None = None
) -> int:
    """Remember that a packet for `start`–`end` was exported as `fmt`; returns its id."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown packet format {fmt!r}; use one of {', '.join(FORMATS)}")
    if end < start:
        raise ValueError("the packet period ends before it starts")
    with session_scope(engine) as session:
        record = PacketRecord(
            created_at=now or utcnow(), period_start=start, period_end=end, format=fmt
        )
        session.add(record)
        session.flush()
        assert record.id is not None
        new_id = record.id
    log.info("recorded %s packet %s", fmt, new_id)
    return new_id


def list_packets(engine: Engine) -> list[Packet]:
    """Every exported packet, newest first."""
    query = select(PacketRecord).order_by(
        col(PacketRecord.created_at).desc(), col(PacketRecord.id).desc()
    )
    with session_scope(engine) as session:
        return [_packet(r) for r in session.execute(query).scalars()]


def last_packet(engine: Engine) -> Packet | None:
    """The most recently exported packet, or None before the first export."""
    packets = list_packets(engine)
    return packets[0] if packets else None


def previous_packet(engine: Engine, *, start: date) -> Packet | None:
    """The latest packet that ended before `start`: what "since the last packet" compares with."""
    earlier = [p for p in list_packets(engine) if p.period_end < start]
    return max(earlier, key=lambda p: (p.period_end, p.created_at), default=None)


def default_period(last: Packet | None, today: date) -> tuple[date, date]:
    """Since the day after the last packet ended, else the last four weeks; always ends today.

    When the last packet already reached today, nothing is new since it, so the last four weeks
    are the useful default instead.
    """
    four_weeks = (today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), today)
    if last is None:
        return four_weeks
    start = last.period_end + timedelta(days=1)
    if start > today:
        return four_weeks
    return start, today
