"""`tightrope status`: levels with explanations as text or the issue's JSON, local days."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine

from core.schema import GUIDE_ACTIONS, SIGNS, as_sessions
from dashboard.cli import main
from data.checkins import add_checkin
from data.demo import demo_checkins, demo_sessions
from data.environment import DATABASE_URL_VARIABLE, sqlite_url
from data.repository import insert_frame
from tests.factories import OWNER
from tests.paths import ROOT

TODAY = date(2026, 11, 26)


def status_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["status", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_exactly_the_issues_shape(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    insert_frame(engine, owner=OWNER, frame=demo_sessions(TODAY, ZoneInfo("Europe/Berlin")))
    payload = status_json(capsys, "--today", "2026-11-26")
    # patterns: issue 4; checkins: issue 17
    assert set(payload) == {"as_of", "signs", "overall", "patterns", "checkins"}
    assert payload["as_of"] == "2026-11-26"
    signs = payload["signs"]
    assert isinstance(signs, dict) and list(signs) == list(SIGNS)
    for entry in signs.values():
        assert set(entry) == {
            "level",
            "explanation",
            "rolling_7d",
            "rolling_28d",
            "baseline",
            "comparison",
            "window_days",
            "watch_days",
            "chronic_since",
            "held",
        }
        assert entry["comparison"] in {None, "usual", "earlier", "fixed"}
        assert (entry["window_days"] in {28, 42, 56}) == (entry["level"] == "chronic")
        assert (entry["watch_days"] in {14, 28, 42, 56}) == (entry["level"] == "watch")
        chronic = entry["level"] == "chronic"
        assert (entry["chronic_since"] is not None) == chronic
        assert entry["held"] in ({True, False} if chronic else {False})
        if chronic:
            assert date.fromisoformat(entry["chronic_since"]) <= TODAY
        assert entry["level"] in ("none", "watch", "chronic")
        assert isinstance(entry["explanation"], str) and entry["explanation"].endswith(".")
        for key in ("rolling_7d", "rolling_28d", "baseline"):
            assert isinstance(entry[key], float)
    overall = payload["overall"]
    assert isinstance(overall, dict) and set(overall) == {"level", "explanation"}
    # The demo's planted fatigue episode (the last five weeks) is chronic.
    assert signs["fatigue"]["level"] == "chronic"
    assert overall["level"] == "chronic"
    assert all(action in overall["explanation"] for action in GUIDE_ACTIONS)


def test_text_output_names_every_sign(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    insert_frame(engine, owner=OWNER, frame=demo_sessions(TODAY, ZoneInfo("Europe/Berlin")))
    assert main(["status", "--today", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Tightrope status on 2026-11-26")
    assert "Overall: chronic" in out
    assert "Fatigue: chronic" in out and "Dread: " in out and "Detachment: " in out


def test_an_empty_database(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    payload = status_json(capsys, "--today", "2026-11-26")
    assert payload["overall"] == {
        "level": "none",
        "explanation": "No sessions logged yet, so there is nothing to judge.",
    }
    signs = payload["signs"]
    assert isinstance(signs, dict)
    assert signs["dread"]["rolling_7d"] is None and signs["dread"]["baseline"] is None


def test_a_missing_database_file_is_read_as_empty_and_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "journal.sqlite3"
    monkeypatch.setenv(DATABASE_URL_VARIABLE, sqlite_url(target))
    payload = status_json(capsys, "--today", "2026-11-26")
    assert payload["overall"]["level"] == "none"  # type: ignore[index]
    assert not target.exists()


def test_a_bad_date_is_refused_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["status", "--today", "26/11/2026"])
    assert exit_info.value.code == 2
    assert "is not a date like 2026-11-26" in capsys.readouterr().err


def _status_in(zone: str, url: str) -> dict[str, object]:
    env = {**os.environ, "TZ": zone, DATABASE_URL_VARIABLE: url}
    result = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "status", "--json", "--today", "2026-11-26"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_days_are_local_days_in_the_machines_timezone(engine: Engine, db_url: str) -> None:
    # 20:00 UTC on 26 November is still the 26th in UTC but already the 27th in Tokyo.
    frame = pd.DataFrame(
        {
            "started_at": pd.to_datetime(["2026-11-25 10:00Z", "2026-11-26 20:00Z"]),
            "client_code": ["C-01", "C-02"],
            "dread": [4, 8],
            "detachment": [4, 8],
            "fatigue": [4, 8],
        }
    )
    insert_frame(engine, owner=OWNER, frame=as_sessions(frame))
    in_utc = _status_in("UTC", db_url)["signs"]
    in_tokyo = _status_in("Asia/Tokyo", db_url)["signs"]
    assert in_utc["fatigue"]["rolling_7d"] == 6.0  # type: ignore[index]
    assert in_tokyo["fatigue"]["rolling_7d"] is None  # type: ignore[index]  # one day: too few


def test_checkins_say_what_is_due_and_the_latest_scores_in_words(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = ZoneInfo("Europe/Berlin")
    insert_frame(engine, owner=OWNER, frame=demo_sessions(TODAY, zone))
    for day, answers in demo_checkins(TODAY):
        add_checkin(engine, owner=OWNER, day=day, instrument="cbi", answers=answers)
    checkins = status_json(capsys, "--today", "2026-11-26")["checkins"]
    assert isinstance(checkins, dict)
    # The demo's last check-in was five days ago: the next is due in 23 days.
    assert checkins["due"] is False and checkins["next_on"] == "2026-12-19"
    assert checkins["count"] == 6
    work = next(row for row in checkins["latest"] if row["scale"] == "work")
    assert work == {
        "instrument": "cbi",
        "day": "2026-11-21",
        "scale": "work",
        "score": 60.71,
        "since_previous": "reliably worse",
        "since_first": "reliably worse",
    }
    # As of a day before the last check-in, that one is not counted yet.
    earlier = status_json(capsys, "--today", "2026-11-20")["checkins"]
    assert isinstance(earlier, dict) and earlier["count"] == 5 and earlier["due"] is False


def test_an_empty_database_has_a_check_in_due(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    checkins = status_json(capsys, "--today", "2026-11-26")["checkins"]
    assert checkins == {
        "due": True,
        "next_on": None,
        "message": (
            "A check-in is due: no questionnaire yet. The first one gives the baseline the later "
            "ones are compared with."
        ),
        "count": 0,
        "latest": [],
    }
    assert main(["status", "--today", "2026-11-26"]) == 0
    assert "Check-in: A check-in is due" in capsys.readouterr().out
