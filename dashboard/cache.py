"""Every Streamlit cache of the dashboard, and the one key they all share.

`st.cache_*` is shared by every session of a server, so a cached product must be keyed by
everything it depends on, or one visit is served another's result: `CacheKey` holds the
database, its data version (a token rewritten by triggers on every write to an entry, migration
0003; a tag edit rewrites its entry's updated_at, so it counts), the thresholds, today, the
timezone and the account whose rows it shows (dashboard.account). Pages build one key per run with
`current_key()` and pass it whole; no page declares a cache of its own (tests/dashboard/
test_cache.py checks both).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from core.schema import SIGNS
from core.settings import Thresholds
from dashboard.account import current_account, practice_mode
from dashboard.memory import release_free_memory
from data.damage import check_readable
from data.db import make_engine, owner_connection
from data.environment import load_environment, local_timezone
from data.repository import (
    DataVersion,
    RecentEntry,
    data_version_in,
    load_ratings,
    load_sessions,
    recent_client_codes,
    recent_sessions,
    scenario_names,
)
from data.schema import ensure_schema, isolation_problem
from data.settings_store import thresholds_in

if TYPE_CHECKING:  # the analyses' modules load with the first page that needs them
    from core.checkin.record import CheckinRecord
    from core.checkin.tracking import CheckinClients, Tracking
    from core.patterns import PatternReport
    from core.warnings import Assessment
    from dashboard.packet.context import PacketOptions

# How many people's analyses the caches keep at once. The caches are the server's, shared by
# every session: on a practice server sized for one person, each Review visit pushed the last
# person's analysis out, and with people working at once nobody's was ever found again.
PRACTICE_PEOPLE = 25


def people_served(practice: bool) -> int:
    """People the caches are sized for: one on a personal install, PRACTICE_PEOPLE when people
    sign in (an `[auth]` section in Streamlit's secrets, read when this module loads)."""
    return PRACTICE_PEOPLE if practice else 1


PEOPLE = people_served(practice_mode())
# Entries per cached analysis and person: a save makes a new data version, and the old one is
# never asked for again, so the current and the previous one (another day, zone or thresholds)
# are enough. With 8, a session of saves and Review visits kept eight ten-year frames and
# assessments.
CACHE_ENTRIES = 2 * PEOPLE
# The Review page draws one sign at a time: three signs by four periods keep the cache to a few
# MiB for one person (measured ~0.4 MiB per ten-year figure). In a practice, four a person: the
# sign and period each person looks at, and the ones they switched from.
FIGURE_CACHE_ENTRIES = 12 if PEOPLE == 1 else 4 * PEOPLE
# The Patterns page's seven figures for the current report and one earlier one.
PATTERN_FIGURE_ENTRIES = 64
# The Log page's lists of everyone working at once (a few KiB each): fewer, and on a practice
# server people's saves would push each other's out and every run would read them again.
LOG_LIST_ENTRIES = 64


@dataclass(frozen=True)
class CacheKey:
    """Everything a cached analysis, figure or packet depends on, passed whole to every cache."""

    database: str = field(repr=False)  # the URL the engine was made from (may hold a password)
    version: DataVersion
    thresholds: Thresholds
    today: date
    zone: str
    account: int  # the owner id: one person's results are never served to another

    @property
    def tz(self) -> ZoneInfo:
        """The timezone local days are counted in."""
        return ZoneInfo(self.zone)

    @cached_property
    def digest(self) -> str:
        """A digest of every part of the key, what the caches hash it by (BY_DIGEST)."""
        # Pickled, not repr'd: a part left out of its repr (the database URL) still counts.
        parts = tuple(getattr(self, part.name) for part in fields(self))
        return hashlib.sha256(pickle.dumps(parts)).hexdigest()


# Streamlit hashes a dataclass argument through dataclasses.asdict, every threshold included:
# ~2 ms per cached call, and a Review run makes several. The key's digest is worked out once
# per key instead (a run builds one key with current_key and passes it to every cache).
BY_DIGEST: Final[dict[str | type[Any], Callable[[Any], Any]]] = {CacheKey: lambda key: key.digest}


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    # A file SQLite cannot read raises DamagedDatabaseError (app.py shows it in plain words);
    # an exception is not cached, so the check runs again until the file is restored.
    check_readable(engine)
    ensure_schema(engine)
    return engine


@functools.lru_cache(maxsize=4)
def _isolation_problem_for(url: str) -> str | None:  # about the server, nobody's data
    return isolation_problem(_engine_for(url))


def cached_isolation_problem() -> str | None:
    """On PostgreSQL, why row-level security would not hold for the dashboard's role (it owns
    the tables, or bypasses it), or None; asked of the server once per process."""
    url = load_environment().database_url
    if not url.startswith("postgresql"):
        return None
    return _isolation_problem_for(url)


def reset_engine() -> None:
    """Forget the engine and its check: the database file was replaced or found damaged."""
    _engine_for.clear()


def get_engine() -> Engine:
    """The engine for the configured database, migrated to the newest schema once per process."""
    return _engine_for(load_environment().database_url)


def engine_of(key: CacheKey) -> Engine:
    """The engine of the database `key` was made for."""
    return _engine_for(key.database)


def current_key(
    *, today: date | None = None, zone: ZoneInfo | None = None, account: int | None = None
) -> CacheKey:
    """The key of this run: the account's data as it is now, its thresholds, today, zone.

    `account` names it when a page was handed its account (dashboard.practice_pages);
    otherwise it is dashboard.account's.
    """
    url = load_environment().database_url
    engine = _engine_for(url)
    zone = zone or local_timezone()
    owner = current_account() if account is None else account
    # One transaction for both reads: this runs on every run of every page, the Log form's too.
    with owner_connection(engine, owner=owner) as connection:
        version = data_version_in(connection, owner=owner)
        thresholds = thresholds_in(connection, owner=owner)
    return CacheKey(
        database=url,
        version=version,
        thresholds=thresholds,
        today=today or datetime.now(zone).date(),
        zone=zone.key,
        account=owner,
    )


def clear_all() -> None:
    """Drop every cached product (after an import, restore or delete, to free their memory)."""
    st.cache_data.clear()
    for cached in (
        _log_lists,
        _assessment,
        _review_trend,
        _review_calendar,
        _pattern_figure,
        _packet,
        _checkin_figure,
        _shared_assessment,
        _shared_trend,
    ):
        cached.clear()


@st.cache_data(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=CACHE_ENTRIES)
def cached_sessions(key: CacheKey) -> pd.DataFrame:
    """Every entry of the key's account as a session frame, read once per key."""
    return load_sessions(engine_of(key), owner=key.account)


@dataclass(frozen=True)
class LogLists:
    """What the Log page offers and lists: recent client codes, the tags, the latest entries."""

    codes: tuple[str, ...]
    tags: tuple[str, ...]
    recent: tuple[RecentEntry, ...]


# Read once per key, not on every run of the Log page's form: picking a code, moving a slider
# and Save each rerun it, and nothing it lists changes until the key's data version does (a save,
# edit or delete here, in another tab or by an import). Immutable, so shared (cache_resource).
@st.cache_resource(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=LOG_LIST_ENTRIES)
def _log_lists(key: CacheKey) -> LogLists:
    engine = engine_of(key)
    return LogLists(
        codes=tuple(recent_client_codes(engine, owner=key.account)),
        tags=tuple(scenario_names(engine, owner=key.account)),
        recent=tuple(recent_sessions(engine, owner=key.account, limit=10)),
    )


def cached_log_lists(key: CacheKey) -> LogLists:
    """The Log page's recent client codes, tags and ten latest entries, once per key."""
    return _log_lists(key)


# cache_resource, not cache_data: one shared object instead of unpickling a ten-year assessment
# (about 1.2 MB of frames) on every Review run. Callers get shallow copies (cached_assessment):
# with pandas' copy-on-write a change to a copy never reaches the cached frames.
@st.cache_resource(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=CACHE_ENTRIES)
def _assessment(key: CacheKey) -> Assessment:
    from core.warnings import assess

    # The ratings alone, read for this analysis and not kept: the Review page shows no client
    # code, tag or note, and reading and caching every entry whole cost more than assessing it.
    sessions = load_ratings(engine_of(key), owner=key.account)
    assessment = assess(sessions, today=key.today, tz=key.tz, thresholds=key.thresholds)
    del sessions
    release_free_memory()  # a cache miss: the analysis' temporary frames are garbage now
    return assessment


def cached_assessment(key: CacheKey) -> Assessment:
    """core.warnings.assess on every stored entry, once per key."""
    shared = _assessment(key)
    return replace(shared, days=shared.days.copy(deep=False), weeks=shared.weeks.copy(deep=False))


# Figures are kept as objects (cache_resource), not pickled: building Plotly figures is most of a
# Review page run (about 0.2 s of CPU for ten years), and unpickling one validates it all again.
# st.plotly_chart copies a figure (to_dict) before sending it, so sharing one is safe.
# The days come from the caller's assessment (a leading underscore: not part of the cache key,
# which already names them): looking the assessment up again here rebuilt it whenever other
# people's Review runs had pushed it out of its two entries meanwhile, which on a practice server
# with 20 people reviewing at once happened within one run (BENCHMARKS.md, "Practice server under
# load").
@st.cache_resource(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=FIGURE_CACHE_ENTRIES)
def _review_trend(key: CacheKey, sign: str, start: date | None, _days: pd.DataFrame) -> go.Figure:
    from dashboard.figures.signs import trend_figure

    cut = key.thresholds.absolute_threshold
    # No legend: the Review page's caption names every line (the packet's charts keep theirs).
    return trend_figure(_days, sign, absolute_threshold=cut, start=start, legend=False)


def cached_review_trend(
    key: CacheKey, *, sign: str, start: date | None, assessment: Assessment | None = None
) -> go.Figure:
    """The Review trend chart of one sign from `start` (everything when None), once per key.

    `assessment`: the key's own, when the caller holds it already (the Review page does).
    """
    days = (assessment if assessment is not None else _assessment(key)).days
    return _review_trend(key, sign, start, days)


@st.cache_resource(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=FIGURE_CACHE_ENTRIES)
def _review_calendar(key: CacheKey, sign: str, _assessment_of_key: Assessment) -> go.Figure:
    from dashboard.figures.signs import calendar_figure

    return calendar_figure(_assessment_of_key.days, sign, end=_assessment_of_key.as_of)


def cached_review_calendar(
    key: CacheKey, *, sign: str, assessment: Assessment | None = None
) -> go.Figure:
    """The Review calendar heatmap of one sign, once per key (`assessment`: the key's own)."""
    return _review_calendar(key, sign, assessment if assessment is not None else _assessment(key))


@st.cache_data(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=CACHE_ENTRIES)
def cached_patterns(key: CacheKey, *, since: date | None) -> PatternReport:
    """core.patterns.find_patterns on the entries since `since` (all when None), once per key."""
    # Imported here: only this page needs the pattern analysis (and scipy.special with it).
    from core.patterns import find_patterns

    sessions = cached_sessions(key)
    report = find_patterns(
        sessions, today=key.today, tz=key.tz, settings=key.thresholds, since=since
    )
    del sessions
    release_free_memory()  # a cache miss: every group comparison's temporaries are garbage now
    return report


# Kept as objects: Plotly spends tens of milliseconds validating each figure, and a click on
# the heatmap's sign or the client list would otherwise rebuild all seven. The key and period
# say which report a figure belongs to; the report itself is not hashed (leading underscore).
@st.cache_resource(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=PATTERN_FIGURE_ENTRIES)
def _pattern_figure(
    key: CacheKey, since: date | None, name: str, arg: str, _report: PatternReport
) -> go.Figure:
    from dashboard.figures import patterns as figures

    if name == "effects":
        return figures.effects_figure(_report.comparisons, arg)
    if name == "scenarios":
        return figures.scenario_figure(_report.comparisons)
    if name == "heatmap":
        return figures.heatmap_figure(_report.sessions, arg)
    if name == "load":
        return figures.load_figure(_report.sessions, arg)
    return figures.client_figure(_report.sessions, arg)


def cached_pattern_figure(
    key: CacheKey, *, since: date | None, name: str, arg: str, report: PatternReport
) -> go.Figure:
    """One Patterns chart ('effects', 'scenarios', 'heatmap', 'load' or 'client') of `report`,
    which must be `cached_patterns(key, since=since)`."""
    return _pattern_figure(key, since, name, arg, report)


# cache_resource, not cache_data: the HTML is ~5 MB (plotly.js inlined) and immutable bytes, so
# every run shares the one copy instead of unpickling a fresh one; two entries cover a toggle.
# Bytes, not str: the download button hands these very bytes to Streamlit's media store, which
# keys them by content, so a rerun stores nothing new.
@st.cache_resource(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=2)
def _packet(key: CacheKey, options: PacketOptions, previous_id: int | None) -> tuple[bool, bytes]:
    from dashboard.packet.context import load_packet
    from dashboard.packet.render import render_packet

    context = load_packet(
        engine_of(key),
        options,
        owner=key.account,
        today=key.today,
        tz=key.tz,
        thresholds=key.thresholds,
    )
    empty, html = context.empty, render_packet(context).encode("utf-8")
    del context
    # A cache miss: the analyses, figures and the 5 MB str the bytes came from are garbage now,
    # and glibc would keep their ~10-20 MiB in the server (benchmarks/memory_by_page.py).
    release_free_memory()
    return empty, html


def cached_packet(
    key: CacheKey, *, options: PacketOptions, previous_id: int | None
) -> tuple[bool, bytes]:
    """The packet for `options` as (empty, HTML bytes), once per key, options and previous
    packet (the packet compares with it)."""
    return _packet(key, options, previous_id)


# Check-ins: the key's data version changes with every saved or deleted check-in too (triggers
# on the checkin table, migration 0006), so a save is seen at once.
@st.cache_data(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=CACHE_ENTRIES)
def cached_checkins(key: CacheKey) -> list[CheckinRecord]:
    """Every check-in of the key's account (day, instrument, scores), oldest first."""
    from data.checkins import list_checkins

    return list_checkins(engine_of(key), owner=key.account)


@st.cache_resource(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=FIGURE_CACHE_ENTRIES)
def _checkin_figure(key: CacheKey, instrument: str) -> go.Figure:
    from core.checkin.instruments import INSTRUMENTS
    from dashboard.figures.checkins import scores_figure

    return scores_figure(INSTRUMENTS[instrument], cached_checkins(key))


def cached_checkin_figure(key: CacheKey, *, instrument: str) -> go.Figure:
    """The chart of one instrument's scores over time, once per key."""
    return _checkin_figure(key, instrument)


@st.cache_data(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=CACHE_ENTRIES)
def cached_checkin_tracking(key: CacheKey) -> Tracking:
    """core.checkin.tracking.track_checkins: the session ratings against the CBI check-ins."""
    from core.checkin.tracking import track_checkins

    return track_checkins(
        cached_sessions(key), cached_checkins(key), tz=key.tz, settings=key.thresholds
    )


@st.cache_data(show_spinner=False, hash_funcs=BY_DIGEST, max_entries=CACHE_ENTRIES)
def cached_flagged_clients(key: CacheKey) -> list[CheckinClients]:
    """core.checkin.tracking.flagged_clients: per CBI check-in, the clients the Patterns page
    flagged and saw in the four weeks before it."""
    from core.checkin.tracking import flagged_clients

    return flagged_clients(
        cached_sessions(key), cached_checkins(key), tz=key.tz, settings=key.thresholds
    )


# What others share (data.sharing, data.practice) is read afresh on every run: the database
# checks the grant, the lead role and the minimum group, and logs the read, so a revocation or
# an opt-out counts at once. Only the analysis of what was read is cached, keyed by its content
# (a digest), the account that reads it, today and the zone: never a read itself.


@dataclass(frozen=True)
class SharedKey:
    """Everything an analysis of someone else's shared ratings depends on, the reader included."""

    account: int  # who reads: one reader's results are never served to another
    owner: int  # whose ratings (0 for the practice view's unnamed members)
    digest: str  # of the ratings and settings just read
    today: date
    zone: str


def content_digest(frames: list[pd.DataFrame], settings: list[Thresholds]) -> str:
    """A digest of ratings frames and their settings, the same whatever their order."""
    parts = sorted(
        hashlib.sha256(
            pd.util.hash_pandas_object(frame[["started_at", *SIGNS]], index=False)
            .to_numpy()
            .tobytes()
        ).hexdigest()
        + repr(thresholds)
        for frame, thresholds in zip(frames, settings, strict=True)
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def shared_key(
    *, account: int, owner: int, frames: list[pd.DataFrame], settings: list[Thresholds]
) -> SharedKey:
    """The key for what `account` just read of `owner` (or of the practice's members)."""
    zone = local_timezone()
    return SharedKey(
        account=account,
        owner=owner,
        digest=content_digest(frames, settings),
        today=datetime.now(zone).date(),
        zone=zone.key,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_assessment(
    key: SharedKey, _sessions: pd.DataFrame, _thresholds: Thresholds
) -> Assessment:
    from core.warnings import assess

    return assess(_sessions, today=key.today, tz=ZoneInfo(key.zone), thresholds=_thresholds)


def cached_shared_assessment(
    key: SharedKey, *, sessions: pd.DataFrame, thresholds: Thresholds
) -> Assessment:
    """core.warnings.assess on ratings someone shares, with their settings; `key` must be
    `shared_key` of exactly these."""
    shared = _shared_assessment(key, sessions, thresholds)
    return replace(shared, days=shared.days.copy(deep=False), weeks=shared.weeks.copy(deep=False))


SHARED_TREND_DAYS = 182
"""A supervisor's trend charts show the last six months, as the Review page opens."""


@st.cache_resource(show_spinner=False, max_entries=FIGURE_CACHE_ENTRIES)
def _shared_trend(
    key: SharedKey, sign: str, absolute_threshold: float, _days: pd.DataFrame
) -> go.Figure:
    from dashboard.figures.signs import trend_figure

    start = key.today - timedelta(days=SHARED_TREND_DAYS)
    return trend_figure(
        _days, sign, absolute_threshold=absolute_threshold, start=start, legend=False
    )


def cached_shared_trend(
    key: SharedKey, *, sign: str, assessment: Assessment, absolute_threshold: float
) -> go.Figure:
    """The Review trend chart of one sign of a shared assessment (the last six months)."""
    return _shared_trend(key, sign, absolute_threshold, assessment.days)


@st.cache_data(show_spinner=False, max_entries=4)
def _practice_counts(
    key: SharedKey, _members: list[tuple[pd.DataFrame, Thresholds]]
) -> pd.DataFrame:
    from core.practice import level_counts

    return level_counts(_members, today=key.today, tz=ZoneInfo(key.zone))


def cached_practice_counts(
    key: SharedKey, *, members: list[tuple[pd.DataFrame, Thresholds]]
) -> pd.DataFrame:
    """core.practice.level_counts of the members just read; `key` is their shared_key."""
    return _practice_counts(key, members)
