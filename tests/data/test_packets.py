"""The packet log: recording exports and the Supervision page's default period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from data.packets import (
    Packet,
    default_period,
    last_packet,
    list_packets,
    previous_packet,
    record_packet,
)

TODAY = date(2026, 11, 26)


def _packet(start: date, end: date) -> Packet:
    return Packet(1, datetime(2026, 11, 1, tzinfo=UTC), start, end, "pdf")


def test_record_and_read_back(engine: Engine) -> None:
    assert last_packet(engine) is None
    first = record_packet(
        engine,
        start=date(2026, 10, 1),
        end=date(2026, 10, 28),
        fmt="html",
        now=datetime(2026, 10, 28, tzinfo=UTC),
    )
    second = record_packet(
        engine,
        start=date(2026, 10, 29),
        end=date(2026, 11, 11),
        fmt="pdf",
        now=datetime(2026, 11, 11, tzinfo=UTC),
    )
    packets = list_packets(engine)
    assert [p.id for p in packets] == [second, first]
    latest = last_packet(engine)
    assert latest is not None
    assert (latest.period_start, latest.period_end, latest.format) == (
        date(2026, 10, 29),
        date(2026, 11, 11),
        "pdf",
    )
    assert latest.created_at == datetime(2026, 11, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "fmt"),
    [(date(2026, 11, 2), date(2026, 11, 1), "pdf"), (date(2026, 11, 1), date(2026, 11, 2), "docx")],
)
def test_bad_records_are_refused_and_nothing_is_saved(
    engine: Engine, start: date, end: date, fmt: str
) -> None:
    with pytest.raises(ValueError):
        record_packet(engine, start=start, end=end, fmt=fmt)
    assert list_packets(engine) == []


def test_previous_packet_is_the_latest_that_ended_before_the_start(engine: Engine) -> None:
    record_packet(engine, start=date(2026, 9, 1), end=date(2026, 9, 30), fmt="pdf")
    record_packet(engine, start=date(2026, 10, 1), end=date(2026, 10, 31), fmt="html")
    record_packet(engine, start=date(2026, 11, 1), end=date(2026, 11, 26), fmt="pdf")
    previous = previous_packet(engine, start=date(2026, 11, 1))
    assert previous is not None and previous.period_end == date(2026, 10, 31)
    assert previous_packet(engine, start=date(2026, 9, 1)) is None


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, (TODAY - timedelta(days=27), TODAY)),
        (_packet(date(2026, 10, 29), date(2026, 11, 11)), (date(2026, 11, 12), TODAY)),
        (_packet(date(2026, 6, 1), date(2026, 6, 30)), (date(2026, 7, 1), TODAY)),
        (_packet(date(2026, 11, 1), TODAY), (TODAY - timedelta(days=27), TODAY)),
        (_packet(date(2026, 11, 1), date(2026, 11, 25)), (TODAY, TODAY)),
    ],
)
def test_default_period(last: Packet | None, expected: tuple[date, date]) -> None:
    assert default_period(last, TODAY) == expected
    start, end = default_period(last, TODAY)
    assert start <= end
