"""The cached analytics: shared per data version, recomputed after a save, safe to change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import streamlit as st
from sqlalchemy import Engine

from core.warnings import Assessment
from dashboard.cache import cached_assessment, current_key
from data.repository import add_session
from tests.factories import make_entry

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _empty_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _assess(engine: Engine) -> Assessment:
    return cached_assessment(current_key(zone=BERLIN))


def test_a_change_to_the_returned_frames_never_reaches_the_cache(engine: Engine) -> None:
    add_session(engine, make_entry(fatigue=5))
    first = _assess(engine)
    first.days["value"] = 99.0  # what a careless page might do
    first.weeks.loc[:, "this_week"] = 99.0
    again = _assess(engine)
    assert (again.days["value"] != 99.0).all()
    assert (again.weeks["this_week"] != 99.0).all()


def test_a_save_gives_a_fresh_assessment(engine: Engine) -> None:
    add_session(engine, make_entry(fatigue=2, started_at=datetime.now(UTC) - timedelta(days=1)))
    before = _assess(engine)
    add_session(engine, make_entry(fatigue=9))
    after = _assess(engine)
    # One more session, counted in each sign's row of its day.
    assert int(after.days["sessions"].sum()) == int(before.days["sessions"].sum()) + 3
