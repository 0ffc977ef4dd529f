"""The page-wide CSS: on every page, and the stale fade without its in-between frames."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard.components.page_style import STALE_SNAP, STYLE
from tests.dashboard.views.pages import open_page


@pytest.mark.parametrize("page", ["log", "review"])
def test_every_page_gets_the_style(engine: Engine, page: str) -> None:
    at = open_page(page)
    assert [block.value for block in at.html].count(STYLE) == 1


def test_only_the_fade_duration_goes() -> None:
    # The delay stays Streamlit's: a quick run must not flash the page pale.
    assert "transition-duration: 0s" in STALE_SNAP
    assert "transition-delay" not in STALE_SNAP and "opacity" not in STALE_SNAP
    assert "stElementContainer" in STALE_SNAP
