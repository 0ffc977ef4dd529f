"""The logging reminder on the Log and Review pages (AppTest): one line, only while lapsing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.repository import add_session
from tests.factories import OWNER, make_entry
from tests.paths import APP

BERLIN = ZoneInfo("Europe/Berlin")
SENTENCE = "You logged 1 of your last 6 working days"


def weekdays_before(today: date, count: int) -> list[date]:
    """The last `count` Monday-to-Friday dates before `today`, newest first."""
    found: list[date] = []
    day = today - timedelta(days=1)
    while len(found) < count:
        if day.weekday() < 5:
            found.append(day)
        day -= timedelta(days=1)
    return found


def log_on(engine: Engine, days: list[date]) -> None:
    """One entry at 10:00 on each of `days`."""
    for day in days:
        started = datetime.combine(day, time(10), tzinfo=BERLIN)
        add_session(engine, owner=OWNER, entry=make_entry(started_at=started))


def seed(engine: Engine, *, lapsing: bool) -> None:
    """Mon-Fri for about seven weeks; when lapsing, only one of the last six weekdays logged."""
    today = datetime.now(BERLIN).date()
    history = weekdays_before(today, 40)
    # The newest of the last six weekdays, then nothing until the six are past.
    log_on(engine, [history[0], *history[6:]] if lapsing else history)


def captions(engine: Engine, page: str | None = None) -> list[str]:
    """The captions of the Log page, or of `page` opened from it."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception
    return [caption.value for caption in at.caption]


@pytest.mark.parametrize("page", [None, "views/review.py"], ids=["log", "review"])
def test_a_lapse_is_mentioned_once_in_one_line(engine: Engine, page: str | None) -> None:
    seed(engine, lapsing=True)
    found = [text for text in captions(engine, page) if "working days" in text]
    assert found == [f"{SENTENCE} (the weekdays you usually log on)."]


@pytest.mark.parametrize("page", [None, "views/review.py"], ids=["log", "review"])
def test_steady_logging_is_never_nagged(engine: Engine, page: str | None) -> None:
    seed(engine, lapsing=False)
    assert not [text for text in captions(engine, page) if "working days" in text]
