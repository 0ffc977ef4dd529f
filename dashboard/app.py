"""Tightrope's Streamlit entry point: page set-up and navigation."""

from __future__ import annotations

import logging
import os

import streamlit as st

from dashboard.memory import trim_heap

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Tightrope", page_icon="🪢", layout="wide")

# Page scripts live in views/, not pages/: Streamlit would otherwise also serve every file in a
# pages/ folder on its own URL, skipping this script (its config and navigation).
PAGES = [
    st.Page("views/log.py", title="Log a session", url_path="log", default=True),
    st.Page("views/review.py", title="Weekly review", url_path="review"),
    st.Page("views/patterns.py", title="Patterns", url_path="patterns"),
    st.Page("views/supervision.py", title="Supervision packet", url_path="supervision"),
    st.Page("views/data.py", title="Your data", url_path="data"),
    st.Page("views/settings.py", title="Settings", url_path="settings"),
]

navigation = st.navigation(PAGES)
if os.environ.get("TIGHTROPE_DEMO") == "1":
    st.sidebar.info("Demo data: made-up sessions, not your journal.")
try:
    navigation.run()
finally:
    # Also when a page stops or reruns early (Streamlit does that by raising).
    trim_heap()
