"""The caches: one key for every product, each part of it gives a fresh product; safe to change."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from core.settings import Thresholds
from core.warnings import Assessment
from dashboard.cache import (
    PRACTICE_PEOPLE,
    CacheKey,
    SharedKey,
    cached_assessment,
    cached_checkin_figure,
    cached_checkin_tracking,
    cached_checkins,
    cached_flagged_clients,
    cached_log_lists,
    cached_packet,
    cached_pattern_figure,
    cached_patterns,
    cached_review_calendar,
    cached_review_trend,
    current_key,
)
from dashboard.packet.context import PacketOptions
from data.accounts import account_for
from data.checkins import add_checkin
from data.demo import seed_demo
from data.models import LOCAL_ACCOUNT_ID, SessionUpdate
from data.repository import add_session, get_session, recent_sessions, update_session
from data.settings_store import save_thresholds
from tests.factories import OWNER, checkin_answers, make_entry
from tests.paths import ROOT

BERLIN = ZoneInfo("Europe/Berlin")


pytestmark = pytest.mark.usefixtures("empty_caches")


def _assess(engine: Engine) -> Assessment:
    return cached_assessment(current_key(zone=BERLIN))


def test_a_change_to_the_returned_frames_never_reaches_the_cache(engine: Engine) -> None:
    add_session(engine, owner=OWNER, entry=make_entry(fatigue=5))
    first = _assess(engine)
    first.days["value"] = 99.0  # what a careless page might do
    first.weeks.loc[:, "this_week"] = 99.0
    again = _assess(engine)
    assert (again.days["value"] != 99.0).all()
    assert (again.weeks["this_week"] != 99.0).all()


def test_the_log_lists_show_a_save_at_once(engine: Engine) -> None:
    earlier = datetime.now(UTC) - timedelta(hours=2)
    add_session(engine, owner=OWNER, entry=make_entry(client_code="C-1", started_at=earlier))
    before = cached_log_lists(current_key())
    assert cached_log_lists(current_key()) is before  # nothing saved: read once
    add_session(engine, owner=OWNER, entry=make_entry(client_code="C-2", scenarios=["new tag"]))
    after = cached_log_lists(current_key())
    assert after.codes[0] == "C-2" and after.recent[0].client_code == "C-2"
    assert "new tag" in after.tags and "new tag" not in before.tags
    assert [row.client_code for row in after.recent] == ["C-2", "C-1"]


def test_a_save_gives_a_fresh_assessment(engine: Engine) -> None:
    add_session(
        engine,
        owner=OWNER,
        entry=make_entry(fatigue=2, started_at=datetime.now(UTC) - timedelta(days=1)),
    )
    before = _assess(engine)
    add_session(engine, owner=OWNER, entry=make_entry(fatigue=9))
    after = _assess(engine)
    # One more session, counted in each sign's row of its day.
    assert int(after.days["sessions"].sum()) == int(before.days["sessions"].sum()) + 3


# --- one key for every cached product -------------------------------------------------------

TODAY = date(2026, 11, 26)
BUILDERS = {
    "sessions": ("dashboard.cache", "load_sessions"),
    "ratings": ("dashboard.cache", "load_ratings"),
    "log lists": ("dashboard.cache", "recent_sessions"),
    "assessment": ("core.warnings", "assess"),
    "trend": ("dashboard.figures.signs", "trend_figure"),
    "calendar": ("dashboard.figures.signs", "calendar_figure"),
    "patterns": ("core.patterns", "find_patterns"),
    "pattern figure": ("dashboard.figures.patterns", "effects_figure"),
    "packet": ("dashboard.packet.context", "load_packet"),
    "checkins": ("data.checkins", "list_checkins"),
    "checkin figure": ("dashboard.figures.checkins", "scores_figure"),
    "checkin tracking": ("core.checkin.tracking", "track_checkins"),
    "flagged clients": ("core.checkin.tracking", "flagged_clients"),
}


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each cached product was built (a cache miss), by product."""
    counts: Counter[str] = Counter()
    # Modules that bind a builder by name at import must be imported before the spies go in:
    # imported later, tracking's own find_patterns calls would count as Patterns builds.
    for user in ("core.checkin.tracking", "dashboard.packet.context"):
        importlib.import_module(user)
    for product, (module, name) in BUILDERS.items():
        original = getattr(importlib.import_module(module), name)

        def spy(*args: Any, _product: str = product, _original: Any = original, **kw: Any) -> Any:
            counts[_product] += 1
            return _original(*args, **kw)

        monkeypatch.setattr(f"{module}.{name}", spy)
    return counts


def _build_everything(key: CacheKey) -> None:
    cached_log_lists(key)
    cached_assessment(key)
    cached_review_trend(key, sign="fatigue", start=None)
    cached_review_calendar(key, sign="fatigue")
    report = cached_patterns(key, since=None)
    cached_pattern_figure(key, since=None, name="effects", arg="fatigue", report=report)
    options = PacketOptions(TODAY - timedelta(days=27), TODAY)
    cached_packet(key, options=options, previous_id=None)
    cached_checkins(key)
    cached_checkin_figure(key, instrument="cbi")
    cached_checkin_tracking(key)
    cached_flagged_clients(key)


def _lower_threshold(engine: Engine) -> CacheKey:
    save_thresholds(engine, owner=OWNER, thresholds=Thresholds(absolute_threshold=5.0))
    return current_key(today=TODAY, zone=BERLIN)


def _add_entry(engine: Engine) -> CacheKey:
    add_session(
        engine,
        owner=OWNER,
        entry=make_entry(started_at=datetime.combine(TODAY, time(8), tzinfo=BERLIN), fatigue=9),
        now=datetime.combine(TODAY, time(23), tzinfo=BERLIN),
    )
    return current_key(today=TODAY, zone=BERLIN)


def _retag(engine: Engine) -> CacheKey:
    entry = recent_sessions(engine, owner=OWNER, limit=1)[0]
    stored = get_session(engine, owner=OWNER, entry_id=entry.id).iloc[0]
    fields = {name: stored[name] for name in ("client_code", "dread", "detachment", "fatigue")}
    started = stored["started_at"].to_pydatetime()
    update_session(
        engine,
        owner=OWNER,
        entry_id=entry.id,
        entry=SessionUpdate(started_at=started, scenarios=["boundary pushing"], **fields),
        now=datetime.combine(TODAY, time(23), tzinfo=BERLIN),
    )
    return current_key(today=TODAY, zone=BERLIN)


def _add_checkin(engine: Engine) -> CacheKey:
    add_checkin(engine, owner=OWNER, day=TODAY, instrument="cbi", answers=checkin_answers(option=0))
    return current_key(today=TODAY, zone=BERLIN)


def _other_account(engine: Engine) -> CacheKey:
    # Everything else the same: the account alone must tell one person's products from another's.
    other = account_for(engine, issuer="https://id.example", subject="b", display_name="B")
    return replace(current_key(today=TODAY, zone=BERLIN), account=other)


CHANGES: dict[str, Callable[[Engine], CacheKey]] = {
    "a threshold": _lower_threshold,
    "the zone": lambda engine: current_key(today=TODAY, zone=ZoneInfo("America/New_York")),
    "the day": lambda engine: current_key(today=TODAY + timedelta(days=1), zone=BERLIN),
    "a new entry": _add_entry,
    "a tag edit": _retag,
    "a new check-in": _add_checkin,
    "the account": _other_account,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_key_part_gives_every_product_afresh(
    engine: Engine, builds: Counter[str], change: str
) -> None:
    seed_demo(engine, TODAY, BERLIN, owner=OWNER)
    before = current_key(today=TODAY, zone=BERLIN)
    _build_everything(before)
    _build_everything(before)  # the same key: every product comes from the cache
    assert builds == Counter(dict.fromkeys(BUILDERS, 1))

    after = CHANGES[change](engine)
    assert after != before
    _build_everything(after)
    assert builds == Counter(dict.fromkeys(BUILDERS, 2)), change


def test_the_key_never_prints_the_database_url() -> None:
    key = current_key(today=TODAY, zone=BERLIN)
    assert "sqlite" not in repr(key)
    assert key.account == LOCAL_ACCOUNT_ID  # personal mode: the local account, no sign-in


# The engine holds nobody's rows (each transaction is scoped to its owner: data.db), so it alone
# may be cached by its URL.
UNKEYED_CACHES = {"_engine_for"}


def test_every_cache_is_keyed_by_a_key_that_names_the_account() -> None:
    # CacheKey for one's own data, SharedKey for what others share: both hold the reader's
    # account, so no cached product can be served to another account.
    keys = {"CacheKey": CacheKey, "SharedKey": SharedKey}
    assert all("account" in {f.name for f in fields(key)} for key in keys.values())
    tree = ast.parse((ROOT / "dashboard" / "cache.py").read_text(encoding="utf-8"))
    cached = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("cache_" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]
    assert len(cached) >= 10
    for function in cached:
        if function.name in UNKEYED_CACHES:
            continue
        first = function.args.args[0]
        assert first.annotation is not None and ast.unparse(first.annotation) in keys, function.name


def test_no_page_declares_a_cache_of_its_own() -> None:
    for page in sorted((ROOT / "dashboard").rglob("*.py")):
        if page.name == "cache.py":
            continue
        text = page.read_text(encoding="utf-8")
        assert "st.cache_data" not in text and "st.cache_resource" not in text, page


def test_a_review_chart_never_rebuilds_an_assessment_others_pushed_out(
    engine: Engine, builds: Counter[str]
) -> None:
    # A practice server: while one person's Review run draws its chart, two other people's runs
    # fill the assessment cache's entries. The chart is built from the assessment in hand.
    seed_demo(engine, TODAY, BERLIN, owner=OWNER)
    mine = current_key(today=TODAY, zone=BERLIN)
    assessment = cached_assessment(mine)
    for days in (1, 2):
        cached_assessment(replace(mine, today=TODAY + timedelta(days=days)))
    assert builds["assessment"] == 3
    cached_review_trend(mine, sign="fatigue", start=None, assessment=assessment)
    cached_review_calendar(mine, sign="fatigue", assessment=assessment)
    assert (builds["assessment"], builds["trend"], builds["calendar"]) == (3, 1, 1)


def test_the_digest_the_caches_hash_a_key_by_changes_with_every_part() -> None:
    key = current_key(today=TODAY, zone=BERLIN)
    assert replace(key).digest == key.digest  # an equal key, its digest worked out afresh
    changed: dict[str, Any] = {
        "database": "sqlite:///elsewhere.sqlite3",
        "version": replace(key.version, count=key.version.count + 1),
        "thresholds": replace(key.thresholds, absolute_threshold=5.5),
        "today": TODAY + timedelta(days=1),
        "zone": "America/New_York",
        "account": key.account + 1,
    }
    assert set(changed) == {part.name for part in fields(CacheKey)}
    for part, value in changed.items():
        assert replace(key, **{part: value}).digest != key.digest, part


def _cache_sizes(folder: Path) -> list[int]:
    """The caches' sizes as a server started in `folder` sets them when it loads them."""
    probe = (
        "import dashboard.cache as c; "
        "print(c.people_served(False), c.PEOPLE, c._assessment._info.max_entries, "
        "c._review_trend._info.max_entries)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=folder, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return [int(word) for word in done.stdout.split()]


def test_a_practice_server_keeps_every_persons_analyses(tmp_path: Path) -> None:
    # A personal install keeps one person's products; a server where people sign in keeps
    # PRACTICE_PEOPLE people's, so one person's visit does not push out everyone else's.
    assert _cache_sizes(tmp_path) == [1, 1, 2, 12]
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
        'cookie_secret = "test"\nclient_id = "a"\nclient_secret = "b"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    people = PRACTICE_PEOPLE
    assert _cache_sizes(tmp_path) == [1, people, 2 * people, 4 * people]
