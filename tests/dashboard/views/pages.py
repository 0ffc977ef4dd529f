"""The app under AppTest, opened on one page, and the local day the pages judge."""

from __future__ import annotations

from datetime import date, datetime

from streamlit.testing.v1 import AppTest

from data.environment import local_timezone
from tests.paths import APP


def local_today() -> date:
    """Today in the machine's timezone (the tests fix TZ): the day every page judges."""
    return datetime.now(local_timezone()).date()


def open_page(page: str) -> AppTest:
    """The app switched to `views/<page>.py` after its first run, with no exception."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at
