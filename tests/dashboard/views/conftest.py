"""Fixtures of the page tests."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from data.demo import seed_demo
from data.environment import local_timezone
from tests.dashboard.views.pages import local_today


@pytest.fixture
def demo(engine: Engine) -> Engine:
    """The demo history ending today: fatigue up in the last five weeks, C-42 at +2.5 dread."""
    seed_demo(engine, local_today(), local_timezone())
    return engine
