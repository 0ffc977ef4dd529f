"""data.activity: the local days holding an entry, for the logging reminder."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from data.activity import logged_days
from data.repository import add_session
from tests.factories import OWNER, make_entry

BERLIN = ZoneInfo("Europe/Berlin")


def test_days_are_local_and_start_at_since(engine: Engine) -> None:
    # 23:30 UTC on 9 Nov is 00:30 on 10 Nov in Berlin: the local day counts.
    late = datetime(2026, 11, 9, 23, 30, tzinfo=ZoneInfo("UTC"))
    for started in (late, late + timedelta(hours=10), late - timedelta(days=20)):
        add_session(engine, owner=OWNER, entry=make_entry(started_at=started))
    since = datetime(2026, 11, 1, tzinfo=BERLIN)
    assert logged_days(engine, owner=OWNER, since=since, zone=BERLIN) == {date(2026, 11, 10)}


def test_an_empty_database_has_no_logged_days(engine: Engine) -> None:
    assert (
        logged_days(engine, owner=OWNER, since=datetime(2026, 1, 1, tzinfo=BERLIN), zone=BERLIN)
        == set()
    )
