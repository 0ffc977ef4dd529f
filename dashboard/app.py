"""Tightrope's Streamlit entry point: page set-up and navigation."""

from __future__ import annotations

import logging
import os

import streamlit as st

from dashboard.account import practice_mode, resolve_sign_in, sign_out, signed_in_identity
from dashboard.cache import cached_isolation_problem, get_engine, reset_engine
from dashboard.common import md, show_flash
from dashboard.components.page_style import page_style
from dashboard.memory import freeze_modules, trim_heap
from dashboard.practice_pages import practice_pages
from dashboard.signin import (
    AUTH_SECTION,
    SigninConfigError,
    check_auth_section,
    practice_database_problem,
)
from data.damage import DamagedDatabaseError, is_damage
from data.environment import load_environment
from data.practice import is_lead

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Tightrope", page_icon="🪢", layout="wide")
freeze_modules()  # at the process's first run, before anyone's data is read (dashboard.memory)

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
SIGN_IN = "views/signin.py"
REFUSED = "views/refused.py"


def _front_door() -> None:
    # Streamlit serves its default page at "/" only, and its own url_path then says "Page not
    # found". So the default is this hidden page, which sends "/" on to the Log page at /log:
    # every page, Log included, keeps one address that works when typed or bookmarked.
    st.switch_page(PAGES[0])


def _everywhere(script: str, title: str) -> list[st.Page]:
    """`script` as the one page, served at "/" and at every page's address instead of it."""
    return [
        st.Page(script, title=title, default=True),
        *(
            st.Page(script, title=page.title, url_path=page.url_path, visibility="hidden")
            for page in PAGES
        ),
    ]


def _pages(damage: DamagedDatabaseError | None) -> list[st.Page]:
    """The pages of this run: the usual ones, or the damaged-journal screen at every address."""
    if damage is None:
        home = st.Page(
            _front_door, title="Tightrope", url_path="", default=True, visibility="hidden"
        )
        return [home, *PAGES]
    return _everywhere(DAMAGED, DAMAGED_TITLE)


def _practice_problem() -> str | None:
    """Why this practice server cannot serve anyone (its settings), in plain words, or None."""
    try:
        check_auth_section(st.secrets[AUTH_SECTION])
    except SigninConfigError as error:
        return f"{error} Ask your practice's administrator."
    problem = practice_database_problem(load_environment().database_url)
    if problem is None and (isolation := cached_isolation_problem()) is not None:
        # Row-level security would not keep one therapist's rows from another's: serve nobody.
        return f"{isolation} Until then this server signs nobody in."
    return problem


def _practice_pages() -> list[st.Page]:
    """Practice mode: sign-in first, a refusal for whom the practice has not permitted, and the
    usual pages with a sign-out button for everyone else."""
    problem = _practice_problem()
    if problem is not None:
        st.error(problem)
        st.stop()
    engine = get_engine()
    signed_in = resolve_sign_in(engine)
    if signed_in is None:
        return _everywhere(SIGN_IN, "Sign in")
    if signed_in.account is None:
        return _everywhere(REFUSED, "No access")
    identity = signed_in_identity()
    if identity is not None:
        st.sidebar.caption(md(f"Signed in as {identity.email or identity.display_name}"))
    if st.sidebar.button("Sign out", key="sign_out"):
        sign_out()
    # Sharing, People you supervise and, for a clinical lead (read on every run: the
    # administrator may change it at any time), the Practice view.
    lead = is_lead(engine, account=signed_in.account)
    return [*_pages(None), *practice_pages(account=signed_in.account, lead=lead)]


def _damage() -> DamagedDatabaseError | None:
    """Whether the journal file cannot be read; checked once per process (cache.get_engine)."""
    try:
        get_engine()
    except DamagedDatabaseError as damage:
        return damage
    return None


page_style()
navigation = st.navigation(_practice_pages() if practice_mode() else _pages(_damage()))
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
