"""The logging reminder on the Log and Review pages: one quiet line, only while logging lapses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import streamlit as st
from sqlalchemy import Engine

from core.reminder import ReminderRule, logging_lapse
from core.warnings import Assessment
from dashboard.account import current_account
from dashboard.common import tz
from data.activity import logged_days

RULE = ReminderRule()


def _show(logged: Iterable[date], *, today: date) -> None:
    lapse = logging_lapse(logged, today=today, rule=RULE)
    if lapse is not None:
        st.caption(lapse.sentence())


def log_page_reminder(engine: Engine) -> None:
    """The reminder from the start times of the last weeks (the Log page loads no history)."""
    zone = tz()
    today = datetime.now(zone).date()
    since = datetime.combine(today - timedelta(days=RULE.history_days), time(), tzinfo=zone)
    _show(logged_days(engine, owner=current_account(), since=since, zone=zone), today=today)


def review_reminder(assessment: Assessment) -> None:
    """The reminder from the days the Review page has already assessed."""
    days = assessment.days
    logged = days.loc[days["sessions"].to_numpy() > 0, "day"]
    _show(set(logged.dt.date), today=assessment.as_of)
