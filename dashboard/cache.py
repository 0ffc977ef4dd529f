"""Cached analytics for pages: recomputed only when the entries, thresholds, day or zone change.

The cache key is `data.repository.data_version(engine)` (a token rewritten on every insert,
update and delete) plus the database URL, the thresholds, `today` and the timezone. Saving on
the Log page calls none of this: the next visit to an analytics page recomputes once.
Add other cached analytics (patterns, packet) here in the same shape.
"""

from __future__ import annotations

from dataclasses import astuple, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from core.patterns import PatternReport, find_patterns
from core.settings import Thresholds
from core.warnings import Assessment, assess
from dashboard.figures.signs import calendar_figure, trend_figure
from dashboard.memory import release_free_memory
from data.repository import data_version, load_sessions
from data.settings_store import load_thresholds

# Entries per cached analysis: a save makes a new data version, and the old one is never asked
# for again, so the current and the previous one (another day, zone or thresholds) are enough.
# With 8, a session of saves and Review visits kept eight ten-year frames and assessments.
CACHE_ENTRIES = 2
FIGURE_CACHE_ENTRIES = 12

ThresholdKey = tuple[tuple[str, Any], ...]


def threshold_key(thresholds: Thresholds) -> ThresholdKey:
    """A hashable, order-stable form of the thresholds for cache keys."""
    return tuple(sorted(thresholds.to_mapping().items()))


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _key(engine: Engine, thresholds: Thresholds) -> tuple[str, tuple[Any, ...], ThresholdKey]:
    """Database, data version and thresholds: the leading part of every cache key here."""
    return _url(engine), astuple(data_version(engine)), threshold_key(thresholds)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _sessions(url: str, version: tuple[Any, ...], _engine: Engine) -> pd.DataFrame:
    return load_sessions(_engine)


def cached_sessions(engine: Engine) -> pd.DataFrame:
    """Every entry as a session frame, read from the database once per data version."""
    return _sessions(_url(engine), astuple(data_version(engine)), engine)


# cache_resource, not cache_data: one shared object instead of unpickling a ten-year assessment
# (about 1.2 MB of frames) on every Review run. Callers get shallow copies (cached_assessment):
# with pandas' copy-on-write a change to a copy never reaches the cached frames.
@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES)
def _assessment(
    url: str,
    version: tuple[Any, ...],
    thresholds: ThresholdKey,
    today: date,
    zone: str,
    _engine: Engine,
) -> Assessment:
    sessions = _sessions(url, version, _engine)
    assessment = assess(
        sessions,
        today=today,
        tz=ZoneInfo(zone),
        thresholds=Thresholds.from_mapping(dict(thresholds)),
    )
    del sessions
    release_free_memory()  # a cache miss: the analysis' temporary frames are garbage now
    return assessment


def cached_assessment(
    engine: Engine, *, today: date, tz: ZoneInfo, thresholds: Thresholds
) -> Assessment:
    """core.warnings.assess on every stored entry, cached per data version and inputs."""
    shared = _assessment(*_key(engine, thresholds), today, tz.key, engine)
    return replace(shared, days=shared.days.copy(deep=False), weeks=shared.weeks.copy(deep=False))


# Figures are kept as objects (cache_resource), not pickled: building Plotly figures is most of a
# Review page run (about 0.2 s of CPU for ten years), and unpickling one validates it all again.
# st.plotly_chart copies a figure (to_dict) before sending it, so sharing one is safe.
# One figure per entry, built only when shown: the page draws one sign at a time, and a bound of
# three signs by four periods keeps the cache to a few MiB (measured ~0.4 MiB per figure).
@st.cache_resource(show_spinner=False, max_entries=FIGURE_CACHE_ENTRIES)
def _review_trend(
    url: str,
    version: tuple[Any, ...],
    thresholds: ThresholdKey,
    today: date,
    zone: str,
    sign: str,
    start: date | None,
    _engine: Engine,
) -> go.Figure:
    days = _assessment(url, version, thresholds, today, zone, _engine).days
    cut = Thresholds.from_mapping(dict(thresholds)).absolute_threshold
    # No legend: the Review page's caption names every line (the packet's charts keep theirs).
    return trend_figure(days, sign, absolute_threshold=cut, start=start, legend=False)


def cached_review_trend(
    engine: Engine,
    *,
    today: date,
    tz: ZoneInfo,
    thresholds: Thresholds,
    sign: str,
    start: date | None,
) -> go.Figure:
    """The Review trend chart of one sign, built once per data version, thresholds, day and
    period."""
    return _review_trend(*_key(engine, thresholds), today, tz.key, sign, start, engine)


@st.cache_resource(show_spinner=False, max_entries=FIGURE_CACHE_ENTRIES)
def _review_calendar(
    url: str,
    version: tuple[Any, ...],
    thresholds: ThresholdKey,
    today: date,
    zone: str,
    sign: str,
    _engine: Engine,
) -> go.Figure:
    assessment = _assessment(url, version, thresholds, today, zone, _engine)
    return calendar_figure(assessment.days, sign, end=assessment.as_of)


def cached_review_calendar(
    engine: Engine, *, today: date, tz: ZoneInfo, thresholds: Thresholds, sign: str
) -> go.Figure:
    """The Review calendar heatmap of one sign, built once per data version and inputs."""
    return _review_calendar(*_key(engine, thresholds), today, tz.key, sign, engine)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _patterns(
    url: str,
    version: tuple[Any, ...],
    thresholds: ThresholdKey,
    today: date,
    zone: str,
    since: date | None,
    _engine: Engine,
) -> PatternReport:
    sessions = _sessions(url, version, _engine)
    report = find_patterns(
        sessions,
        today=today,
        tz=ZoneInfo(zone),
        settings=Thresholds.from_mapping(dict(thresholds)),
        since=since,
    )
    del sessions
    release_free_memory()  # a cache miss: every group comparison's temporaries are garbage now
    return report


def cached_patterns(
    engine: Engine, *, today: date, tz: ZoneInfo, thresholds: Thresholds, since: date | None
) -> PatternReport:
    """core.patterns.find_patterns on every stored entry, cached per data version and inputs."""
    return _patterns(*_key(engine, thresholds), today, tz.key, since, engine)


def current_thresholds(engine: Engine) -> Thresholds:
    """The thresholds the therapist chose (defaults where they chose nothing)."""
    return load_thresholds(engine)


def local_today(tz: ZoneInfo) -> date:
    """Today in the therapist's timezone."""
    return datetime.now(tz).date()
