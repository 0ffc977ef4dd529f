"""Tightrope's Streamlit entry point: page set-up and navigation."""

from __future__ import annotations

import logging
import os

import streamlit as st

from dashboard.cache import get_engine, reset_engine
from dashboard.common import show_flash
from dashboard.memory import trim_heap
from data.damage import DamagedDatabaseError, is_damage

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Tightrope", page_icon="🪢", layout="wide")

# Page scripts live in views/, not pages/: Streamlit would otherwise also serve every file in a
# pages/ folder on its own URL, skipping this script (its config and navigation).
PAGES = [
    st.Page("views/log.py", title="Log a session", url_path="log"),
    st.Page("views/review.py", title="Weekly review", url_path="review"),
    st.Page("views/patterns.py", title="Patterns", url_path="patterns"),
    st.Page("views/checkin.py", title="Check-in", url_path="checkin"),
    st.Page("views/supervision.py", title="Supervision packet", url_path="supervision"),
    st.Page("views/data.py", title="Your data", url_path="data"),
    st.Page("views/settings.py", title="Settings", url_path="settings"),
]
DAMAGED = "views/damaged.py"
DAMAGED_TITLE = "Your journal cannot be read"


def _front_door() -> None:
    # Streamlit serves its default page at "/" only, and its own url_path then says "Page not
    # found". So the default is this hidden page, which sends "/" on to the Log page at /log:
    # every page, Log included, keeps one address that works when typed or bookmarked.
    st.switch_page(PAGES[0])


def _pages(damage: DamagedDatabaseError | None) -> list[st.Page]:
    """The pages of this run: the usual ones, or the damaged-journal screen at every address."""
    if damage is None:
        home = st.Page(
            _front_door, title="Tightrope", url_path="", default=True, visibility="hidden"
        )
        return [home, *PAGES]
    return [
        st.Page(DAMAGED, title=DAMAGED_TITLE, default=True),
        *(
            st.Page(DAMAGED, title=page.title, url_path=page.url_path, visibility="hidden")
            for page in PAGES
        ),
    ]


def _damage() -> DamagedDatabaseError | None:
    """Whether the journal file cannot be read; checked once per process (cache.get_engine)."""
    try:
        get_engine()
    except DamagedDatabaseError as damage:
        return damage
    return None


navigation = st.navigation(_pages(_damage()))
if os.environ.get("TIGHTROPE_DEMO") == "1":
    st.sidebar.info("Demo data: made-up sessions, not your journal.")
if navigation.url_path:  # not the front door, whose run ends by moving on to /log
    show_flash("journal_flash")  # left by a restore on the damaged-journal screen
try:
    navigation.run()
except Exception as error:
    # Damage that appears while the app runs (the file was overwritten meanwhile): check the file
    # afresh and, if it really cannot be read, show the damaged-journal screen instead.
    if not is_damage(error):
        raise
    reset_engine()
    if _damage() is None:
        raise
    st.rerun()
finally:
    # Also when a page stops or reruns early (Streamlit does that by raising).
    trim_heap()
