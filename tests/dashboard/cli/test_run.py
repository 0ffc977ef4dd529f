"""The `tightrope` command: run and demo wiring; the demo never touches the real database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import cli
from dashboard.cli import run
from data.db import make_engine
from data.environment import load_environment
from data.repository import count_sessions, load_sessions
from tests.factories import OWNER


def test_run_serves_the_app_on_loopback_with_secure_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(run.os, "execve", lambda path, argv, env: calls.append(list(argv)))
    assert cli.main(["run", "--port", "8765"]) == 0
    (argv,) = calls
    assert argv[1:4] == ["-m", "streamlit", "run"]
    assert argv[4].endswith("dashboard/app.py")
    assert "--server.port=8765" in argv
    assert "--server.address=127.0.0.1" in argv


@pytest.mark.parametrize(
    ("variable", "preset", "expected"),
    [
        ("MALLOC_ARENA_MAX", None, "2"),
        ("MALLOC_ARENA_MAX", "4", "4"),
        ("PYTHONOPTIMIZE", None, None),  # no interpreter-wide tricks: asserts stay on
        ("ARROW_DEFAULT_MEMORY_POOL", None, "system"),
        ("ARROW_DEFAULT_MEMORY_POOL", "mimalloc", "mimalloc"),
    ],
)
def test_run_sets_the_memory_settings_unless_the_user_chose(
    monkeypatch: pytest.MonkeyPatch, variable: str, preset: str | None, expected: str
) -> None:
    if preset is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, preset)
    seen: list[str | None] = []
    monkeypatch.setattr(run.os, "execve", lambda path, argv, env: seen.append(env.get(variable)))
    assert cli.main(["run", "--port", "8765"]) == 0
    assert seen == [expected]
    assert run.os.environ.get(variable) == preset  # this process is left alone


def test_demo_seeds_its_own_database_and_leaves_the_real_one_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(run.os, "execve", lambda path, argv, env: calls.append(list(argv)))
    demo_path = tmp_path / "demo.sqlite3"
    real = load_environment().database_path
    assert real is not None
    assert cli.main(["demo", "--database", str(demo_path), "--today", "2026-11-20"]) == 0
    assert calls, "the demo serves the dashboard"
    assert run.os.environ["TIGHTROPE_DATABASE_URL"].endswith(str(demo_path))
    assert not real.exists()
    demo = make_engine(f"sqlite:///{demo_path}")
    seeded = count_sessions(demo, owner=OWNER)
    # About six months at about 25 sessions a week.
    assert 450 <= seeded <= 800
    # Running it again adds nothing: the demo is seeded once.
    assert cli.main(["demo", "--database", str(demo_path), "--seed-only"]) == 0
    assert count_sessions(demo, owner=OWNER) == seeded


def test_demo_is_deterministic(tmp_path: Path) -> None:
    frames = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite3"
        assert (
            cli.main(["demo", "--database", str(path), "--today", "2026-11-20", "--seed-only"]) == 0
        )
        frame = load_sessions(make_engine(f"sqlite:///{path}"), owner=OWNER)
        frames.append(frame.drop(columns=["id"]))
    assert frames[0].equals(frames[1])


def test_demo_history_has_the_planted_client_and_many_clients(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    cli.main(["demo", "--database", str(path), "--today", "2026-11-20", "--seed-only"])
    frame = load_sessions(make_engine(f"sqlite:///{path}"), owner=OWNER)
    assert frame["client_code"].nunique() >= 20
    assert "C-42" in set(frame["client_code"])
    difficult = frame[frame["client_code"] == "C-42"]["dread"].mean()
    others = frame[frame["client_code"] != "C-42"]["dread"].mean()
    assert difficult - others > 1.5
    assert frame["started_at"].max().date() <= date(2026, 11, 20)


def test_unknown_command_exits_with_usage() -> None:
    with pytest.raises(SystemExit) as error:
        cli.main(["nonsense"])
    assert error.value.code == 2


def test_demo_without_a_date_holds_no_future_session(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    assert cli.main(["demo", "--database", str(path), "--seed-only"]) == 0
    frame = load_sessions(make_engine(f"sqlite:///{path}"), owner=OWNER)
    assert len(frame) > 400
    assert frame["started_at"].max() <= pd.Timestamp.now(tz="UTC")
