"""`tightrope status`: each warning sign's level with its explanation, as text or JSON.

The JSON shape (issue 3)::

    {"as_of": "YYYY-MM-DD",
     "signs": {"dread": {"level": "none|watch|chronic", "explanation": "...",
                         "rolling_7d": n, "rolling_28d": n, "baseline": n,
                         "comparison": "usual"|"earlier"|"fixed"|null,
                         "window_days": n|null, "watch_days": n|null,
                         "chronic_since": "YYYY-MM-DD"|null, "held": bool}, ...},
     "overall": {"level": "...", "explanation": "..."}}

Numbers are rounded to two decimals; a rolling mean or baseline that does not exist yet (too
few logged days) is null. Days are local days in the machine's timezone (TZ respected).
`status_payload` builds the dict so other features can add keys. "patterns" lists every
comparison of the Patterns page over its default period (see core.patterns.patterns_payload);
"checkins" says whether a check-in is due and gives the latest scores with their changes in
words (core.checkin.summary.checkins_payload).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from core.checkin.record import CheckinRecord
from core.checkin.summary import checkins_payload
from core.patterns import PatternReport, default_since, find_patterns, findings, patterns_payload
from core.schema import SIGNS, empty_sessions
from core.settings import Thresholds
from core.warnings import Assessment, assess
from dashboard.account import current_account
from dashboard.cli.args import add_command, iso_day
from dashboard.cli.database import open_database
from data.environment import load_environment, local_timezone


def add_status_command(subparsers: Any) -> None:
    """Register `tightrope status` on the `tightrope` command's subparsers."""
    status = add_command(
        subparsers,
        "status",
        cmd_status,
        "show each warning sign's level with its explanation",
        "Judge dread, detachment and fatigue on a day (default: today) from the entries in your "
        "database (TIGHTROPE_DATABASE_URL), in this machine's timezone.",
    )
    status.add_argument(
        "--today", type=iso_day, metavar="YYYY-MM-DD", help="the day to judge (default: today)"
    )
    status.add_argument("--json", action="store_true", help="print JSON instead of text")


def status_payload(
    assessment: Assessment,
    patterns: PatternReport | None = None,
    checkins: Sequence[CheckinRecord] = (),
    *,
    checkin_every_days: int = Thresholds().checkin_every_days,
) -> dict[str, Any]:
    """The JSON-ready status dict of an assessment (the shape documented above)."""
    payload: dict[str, Any] = {
        "as_of": assessment.as_of.isoformat(),
        "signs": {
            sign: {
                "level": status.level,
                "explanation": status.explanation,
                "rolling_7d": status.rolling_7d,
                "rolling_28d": status.rolling_28d,
                "baseline": status.baseline,
                # Added with the evidence rules: which level a warning compared with.
                "comparison": status.comparison,
                # Added with the longer chronic windows: the days a chronic level looked at.
                "window_days": status.chronic_window,
                # Added with watch over longer windows: the days a watch level looked at.
                "watch_days": status.watch_window,
                # Added with held chronic: the first day of this spell at chronic, and whether
                # chronic is held (the sign reached it and is still at least at watch).
                "chronic_since": status.chronic_since and status.chronic_since.isoformat(),
                "held": status.held,
            }
            for sign, status in assessment.signs.items()
        },
        "overall": {
            "level": assessment.overall.level,
            "explanation": assessment.overall.explanation,
        },
    }
    # Every comparison the Patterns page shows for its default period (core.patterns).
    payload["patterns"] = [] if patterns is None else patterns_payload(patterns.comparisons)
    # The check-in questionnaires (core.checkin): due or not, the latest scores and their changes.
    payload["checkins"] = checkins_payload(
        checkins, today=assessment.as_of, every_days=checkin_every_days
    )
    return payload


def status_text(payload: dict[str, Any]) -> str:
    """The status as a few lines for a terminal."""
    lines = [f"Tightrope status on {payload['as_of']}", ""]
    overall = payload["overall"]
    lines += [f"Overall: {overall['level']}", f"  {overall['explanation']}", ""]
    for sign in SIGNS:
        entry = payload["signs"][sign]
        lines += [f"{sign.capitalize()}: {entry['level']}", f"  {entry['explanation']}"]
    checkins = payload.get("checkins")
    if checkins is not None:
        lines += ["", f"Check-in: {checkins['message']}"]
    return "\n".join(lines)


def load_status(
    today: date, tz: ZoneInfo, *, url: str | None = None
) -> tuple[Assessment, pd.DataFrame, Thresholds]:
    """Assess the configured database on `today`: the assessment, the sessions and thresholds.

    A database file that does not exist yet is read as empty and is not created.
    """
    from data.environment import sqlite_path
    from data.repository import load_sessions
    from data.settings_store import load_thresholds

    url = url or load_environment().database_url
    path = sqlite_path(url)
    if path is not None and not path.exists():
        sessions, thresholds = empty_sessions(), Thresholds()
    else:
        with open_database(url=url) as engine:
            sessions, thresholds = (
                load_sessions(engine, owner=current_account()),
                load_thresholds(engine, owner=current_account()),
            )
    assessment = assess(sessions, today=today, tz=tz, thresholds=thresholds)
    return assessment, sessions, thresholds


def load_checkins(*, url: str | None = None) -> list[CheckinRecord]:
    """Every check-in of the account in the configured database (none if it does not exist)."""
    from data.checkins import list_checkins
    from data.environment import sqlite_path

    url = url or load_environment().database_url
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return []
    with open_database(url=url) as engine:
        return list_checkins(engine, owner=current_account())


def cmd_status(args: argparse.Namespace) -> int:
    """Print each sign's level with its explanation (text or JSON)."""
    zone = local_timezone()
    today = args.today or datetime.now(zone).date()
    assessment, sessions, thresholds = load_status(today, zone)
    patterns = find_patterns(
        sessions, today=today, tz=zone, settings=thresholds, since=default_since(today)
    )
    payload = status_payload(
        assessment,
        patterns,
        load_checkins(),
        checkin_every_days=thresholds.checkin_every_days,
    )
    print(json.dumps(payload, ensure_ascii=False, indent=2) if args.json else status_text(payload))
    if not args.json:
        recurring = findings(patterns.comparisons, settings=thresholds)
        print("\nRecurring patterns:" if recurring else "\nRecurring patterns: none.")
        for sentence in recurring:
            print(f"  {sentence}")
    return 0
