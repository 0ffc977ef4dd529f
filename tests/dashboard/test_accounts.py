"""Two accounts behind one dashboard: B never sees, counts or exports A's journal.

The dashboard learns its account in one place (dashboard.account.current_account); here B "signs
in" by replacing that one function, right after A's results were cached. On SQLite and on
PostgreSQL (where row-level security also stands behind every query).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

import dashboard.account
from core.settings import Thresholds
from dashboard.cache import (
    cached_assessment,
    cached_checkin_tracking,
    cached_checkins,
    cached_packet,
    cached_patterns,
    cached_sessions,
    current_key,
)
from dashboard.cli import main
from dashboard.packet.context import PacketOptions
from data.accounts import account_for
from data.backup import SERVER_BACKUPS
from data.demo import seed_demo
from data.environment import local_timezone
from data.repository import count_sessions, load_sessions
from data.settings_store import save_thresholds
from tests.dashboard.views.pages import local_today, open_page
from tests.factories import OWNER

pytestmark = [
    pytest.mark.parametrize("backend", ["sqlite", "postgresql"]),
    pytest.mark.usefixtures("empty_caches"),
]

A = OWNER
A_CODE = "C-42"  # a client of the demo history


@pytest.fixture
def a_journal(engine: Engine) -> Engine:
    """A (the local account) keeps the demo history."""
    seed_demo(engine, local_today(), local_timezone(), owner=A)
    return engine


def sign_in(monkeypatch: pytest.MonkeyPatch, account: int) -> None:
    """Make `account` the dashboard's account, wherever current_account was imported."""
    original = dashboard.account.current_account
    for module in list(sys.modules.values()):
        if getattr(module, "current_account", None) is original:
            monkeypatch.setattr(module, "current_account", lambda: account)


@pytest.fixture
def b(a_journal: Engine) -> int:
    """A second account with nothing of its own."""
    return account_for(a_journal, issuer="https://id.example", subject="b", display_name="B")


def test_each_cache_serves_b_its_own_results_after_a_s_were_cached(
    a_journal: Engine, b: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = PacketOptions(local_today().replace(day=1), local_today())
    key_a = current_key()
    assert key_a.account == A and not cached_sessions(key_a).empty
    assert cached_assessment(key_a).days.size > 0
    assert not cached_patterns(key_a, since=None).sessions.empty
    assert not cached_packet(key_a, options=options, previous_id=None)[0]  # A's is not empty
    assert len(cached_checkins(key_a)) == 6
    assert cached_checkin_tracking(key_a).means.shape[0] == 6

    sign_in(monkeypatch, b)
    key_b = current_key()
    assert key_b.account == b and key_b != key_a
    assert cached_sessions(key_b).empty
    assert cached_assessment(key_b).days.empty
    assert cached_patterns(key_b, since=None).status == "empty"
    assert cached_checkins(key_b) == []
    assert cached_checkin_tracking(key_b).means.empty
    empty, html = cached_packet(key_b, options=options, previous_id=None)
    assert empty and A_CODE.encode() not in html
    # The account alone tells keys apart, even if everything else were the same.
    assert cached_sessions(replace(key_a, account=b)).empty


@pytest.mark.parametrize(
    "view", ["review", "patterns", "log", "checkin", "supervision", "data", "settings"]
)
def test_b_s_pages_show_nothing_of_a(
    a_journal: Engine, b: int, monkeypatch: pytest.MonkeyPatch, view: str, backend: str
) -> None:
    save_thresholds(a_journal, owner=A, thresholds=Thresholds(absolute_threshold=7.5))
    seen_by_a = open_page(view)  # A's results are cached now
    sign_in(monkeypatch, b)
    at = open_page(view)
    shown = " ".join(str(element.value) for element in at.main if hasattr(element, "value"))
    assert A_CODE not in shown
    # Every page of A's shows something of A's journal or settings that B's must not.
    if view in ("log", "patterns", "supervision"):
        assert "No sessions logged yet" in " ".join(info.value for info in at.info)
        assert "No sessions logged yet" not in " ".join(i.value for i in seen_by_a.info)
    if view == "log":  # A's recent entries name A's clients; B's list is empty
        codes = set(load_sessions(a_journal, owner=A)["client_code"])
        assert any(f"`{code}`" in page_text(seen_by_a) for code in codes)
        assert not any(f"`{code}`" in shown for code in codes)
    if view == "settings":  # A's own fixed line is not B's
        assert seen_by_a.number_input(key="setting_absolute_threshold").value == 7.5
        assert at.number_input(key="setting_absolute_threshold").value == 6.0
    if view == "checkin":  # A's demo check-ins: B has none, so none is shown
        assert "Work-related burnout: 60.7" not in shown
        assert any("No check-in yet" in info.value for info in at.info)
    if view in ("review", "data", "checkin"):
        assert shown != " ".join(
            str(element.value) for element in seen_by_a.main if hasattr(element, "value")
        )
    if view == "data":
        assert {m.label: m.value for m in at.metric}["Entries"] == "0"
        if backend == "postgresql":  # a server's backups are the server's: the page says so
            assert SERVER_BACKUPS in [info.value for info in at.info]


def page_text(at: AppTest) -> str:
    return " ".join(str(element.value) for element in at.main if hasattr(element, "value"))


def test_b_s_status_and_export_hold_nothing_of_a(
    a_journal: Engine,
    b: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    assert main(["status", "--json"]) == 0
    status_a = json.loads(capsys.readouterr().out)
    sign_in(monkeypatch, b)
    assert main(["status", "--json"]) == 0
    status_b = json.loads(capsys.readouterr().out)
    assert status_b != status_a
    assert all(sign["baseline"] is None for sign in status_b["signs"].values())
    assert status_a["checkins"]["count"] == 6 and status_b["checkins"]["count"] == 0
    assert main(["export", str(tmp_path / "b.csv")]) == 0
    assert (tmp_path / "b.csv").read_text().count("\n") == 1  # the header only
    # B deleting everything of theirs leaves A's journal whole.
    before = count_sessions(a_journal, owner=A)
    assert main(["delete-all", "--yes-delete-everything"]) == 0
    assert count_sessions(a_journal, owner=A) == before > 0
    assert not load_sessions(a_journal, owner=A).empty
