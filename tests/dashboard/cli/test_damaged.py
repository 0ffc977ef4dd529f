"""A journal file SQLite cannot read: every command says so in plain words, and restore works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.cli import main
from data.backup import timestamped_backup
from data.db import make_engine
from data.environment import sqlite_url
from data.repository import count_sessions, insert_frame
from tests.data.test_damage import damage
from tests.factories import OWNER, sessions_frame
from tests.paths import ROOT

HOW = ["truncated", "random bytes"]


@pytest.fixture
def backed_up(engine: Engine, db_url: str) -> tuple[Path, Path, int]:
    """This test's journal with entries and one backup: (journal, backup, entries)."""
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=40))
    backup = timestamped_backup(engine)
    entries = count_sessions(engine, owner=OWNER)
    engine.dispose()
    return Path(db_url.removeprefix("sqlite:///")), backup, entries


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["status", "--json"],
        ["export", "{tmp}/out.csv"],
        ["backup", "{tmp}/copy.sqlite3"],
        ["import", "{tmp}/in.csv"],
        ["report", "--out", "{tmp}/packet.html"],
        ["delete-all", "--yes-delete-everything"],
    ],
    ids=lambda argv: argv[0] + (" --json" if "--json" in argv else ""),
)
def test_every_command_says_the_file_cannot_be_read(
    backed_up: tuple[Path, Path, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    how: str,
) -> None:
    journal, backup, _ = backed_up
    damaged = damage(journal, how)
    (tmp_path / "in.csv").write_text("started_at,client_code,dread,detachment,fatigue\n")
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 1
    captured = capsys.readouterr()
    assert f"Tightrope cannot read your journal file at {journal}" in captured.err
    assert f"tightrope restore {backup}" in captured.err
    assert captured.out == ""
    assert journal.read_bytes() == damaged  # nothing was changed
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "packet.html").exists()


@pytest.mark.parametrize("how", HOW)
def test_no_traceback_from_the_real_command(backed_up: tuple[Path, Path, int], how: str) -> None:
    journal, _, _ = backed_up
    damage(journal, how)
    done = subprocess.run(  # the installed entry point's module, this interpreter
        [sys.executable, "-m", "dashboard.cli", "status"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "sqlalchemy" not in done.stderr.lower()
    assert "cannot read your journal file" in done.stderr


@pytest.mark.parametrize("how", HOW)
def test_restore_replaces_the_damaged_file(
    backed_up: tuple[Path, Path, int], capsys: pytest.CaptureFixture[str], how: str
) -> None:
    journal, backup, entries = backed_up
    damage(journal, how)
    assert main(["restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert f"Restored {entries} entries" in out
    assert "The damaged file is kept at" in out and "damaged-" in out
    assert count_sessions(make_engine(sqlite_url(journal)), owner=OWNER) == entries
    assert main(["status"]) == 0


def test_without_a_backup_it_says_where_it_looked(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=10))
    engine.dispose()
    journal = Path(db_url.removeprefix("sqlite:///"))
    damage(journal, "random bytes")
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert f"No backup was found in {journal.parent / 'backups'}" in err
    assert "tightrope restore FILE" in err


def test_a_damaged_demo_database_is_made_anew_with_fresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.sqlite3"
    argv = ["demo", "--database", str(demo), "--today", "2026-11-20", "--seed-only"]
    assert main(argv) == 0
    damage(demo, "random bytes")
    assert main(argv) == 1
    assert "tightrope demo --fresh" in capsys.readouterr().err  # not a restore of made-up data
    assert main([*argv, "--fresh"]) == 0
