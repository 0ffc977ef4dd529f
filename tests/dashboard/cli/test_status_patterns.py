"""`tightrope status --json` lists every comparison of the Patterns page under "patterns"."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from core.patterns import KINDS, default_since, find_patterns, patterns_payload
from core.schema import SIGNS
from dashboard.cli import main
from data.demo import demo_sessions
from data.repository import insert_frame, load_sessions

TODAY = date(2026, 11, 26)
BERLIN = ZoneInfo("Europe/Berlin")
FIELDS = {"kind", "key", "sign", "effect", "ci_low", "ci_high", "n", "q", "recurring"}


def status(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["status", "--today", TODAY.isoformat(), *args]) == 0
    return capsys.readouterr().out


def test_patterns_are_every_comparison_with_the_issues_fields(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    insert_frame(engine, frame=demo_sessions(TODAY, BERLIN))
    patterns = json.loads(status(capsys, "--json"))["patterns"]
    expected = find_patterns(
        load_sessions(engine), today=TODAY, tz=BERLIN, since=default_since(TODAY)
    )
    assert patterns == patterns_payload(expected.comparisons)
    assert len(patterns) > 50
    assert all(set(item) == FIELDS for item in patterns)
    assert {item["kind"] for item in patterns} == set(KINDS)
    assert {item["sign"] for item in patterns} == set(SIGNS)
    assert all(
        item["n"] >= 3 and item["ci_low"] <= item["effect"] <= item["ci_high"] for item in patterns
    )
    planted = [p for p in patterns if p["kind"] == "client" and p["key"] == "C-42"]
    assert {p["sign"]: p["recurring"] for p in planted}["dread"] is True


def test_an_empty_database_has_no_patterns(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert json.loads(status(capsys, "--json"))["patterns"] == []
    assert "Recurring patterns: none." in status(capsys)


def test_the_text_status_names_the_recurring_patterns(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    insert_frame(engine, frame=demo_sessions(TODAY, BERLIN))
    text = status(capsys)
    assert "Recurring patterns:" in text
    assert "Sessions with C-42 leave your dread" in text
