"""`tightrope import/export/backup/restore/delete-all` from a shell."""

from __future__ import annotations

import argparse
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.cli import main
from dashboard.cli.data import add_data_commands
from data.backup import automatic_backups
from data.checkins import add_checkin, list_checkins
from data.csv_io import export_csv
from data.maintenance import delete_all_data
from data.repository import add_session, count_sessions, load_sessions
from tests.factories import OWNER, checkin_answers, make_entry, sessions_frame
from tests.paths import README

HEADER = "started_at,client_code,dread,detachment,fatigue,scenarios,note\n"


def test_import_prints_added_and_already_present(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(export_csv(sessions_frame(days=20)))
    assert main(["import", str(path)]) == 0
    added = count_sessions(engine, owner=OWNER)
    assert f"{added} entries added, 0 already present" in capsys.readouterr().out
    assert main(["import", str(path)]) == 0
    assert f"0 entries added, {added} already present" in capsys.readouterr().out
    assert count_sessions(engine, owner=OWNER) == added > 0


def test_import_failure_lists_rows_and_exits_non_zero(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "2026-01-05T09:00:00+01:00,C-1,4,3,5,,fine\n"
        + "2026-01-05T10:00:00,C-2,4,3,5,,no offset\n"
        + "2026-01-05T11:00:00+01:00,C-3,12,3,5,,too high\n",
        encoding="utf-8",
    )
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was imported: 2 row(s)" in err
    assert "row 3: the start time has no UTC offset" in err
    assert "row 4: dread must be a whole number from 0 to 10" in err
    assert count_sessions(engine, owner=OWNER) == 0


@pytest.mark.parametrize(
    ("content", "words"), [(b"", "empty"), (b"\x00\x01\xff", "not UTF-8"), (b"a,b\n1,2\n", "look")]
)
def test_import_of_an_unusable_file(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, words: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert main(["import", str(path)]) == 1
    assert words in capsys.readouterr().err


def test_import_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope.csv")]) == 1
    assert "Cannot read" in capsys.readouterr().err


def test_export_writes_every_entry_and_will_not_overwrite(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_session(engine, owner=OWNER, entry=make_entry(note='a, "quoted"\nnote'))
    path = tmp_path / "out.csv"
    assert main(["export", str(path)]) == 0
    assert "Exported 1 entries" in capsys.readouterr().out
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("started_at,client_code,dread")
    assert main(["export", str(path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["export", str(path), "--force"]) == 0


def test_export_never_writes_over_the_journal(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    journal = db_url.removeprefix("sqlite:///")
    assert main(["export", journal, "--force"]) == 1
    assert "your journal's own file" in capsys.readouterr().err
    assert count_sessions(engine, owner=OWNER) == 1


def test_backup_then_restore_brings_the_rows_back(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_session(engine, owner=OWNER, entry=make_entry(client_code="C-1"))
    saved = load_sessions(engine, owner=OWNER)
    target = tmp_path / "b" / "journal-backup.sqlite3"
    assert main(["backup", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    assert main(["backup", str(target)]) == 1  # never overwrites a backup

    add_session(engine, owner=OWNER, entry=make_entry(client_code="C-2"))
    assert main(["restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Your previous data is saved at" in out and "Restored 1 entries" in out
    assert (
        load_sessions(engine, owner=OWNER)["client_code"].tolist() == saved["client_code"].tolist()
    )
    assert any(p.name.startswith("before-restore-") for p in automatic_backups(engine))


def test_restore_refuses_a_file_that_is_not_a_backup(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    fake = tmp_path / "fake.sqlite3"
    fake.write_text("hello")
    assert main(["restore", str(fake)]) == 1
    assert "not a Tightrope backup" in capsys.readouterr().err
    assert count_sessions(engine, owner=OWNER) == 1


@pytest.mark.parametrize(("typed", "code", "left"), [("delete everything\n", 0, 0), ("no\n", 1, 1)])
def test_delete_all_asks_for_the_typed_phrase(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: str,
    code: int,
    left: int,
) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["delete-all"]) == code
    assert count_sessions(engine, owner=OWNER) == left
    assert "cannot be undone" in capsys.readouterr().out


def test_delete_all_with_the_flag(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    assert main(["delete-all", "--yes-delete-everything"]) == 0
    assert "Deleted 1 entries" in capsys.readouterr().out
    assert count_sessions(engine, owner=OWNER) == 0


def test_every_data_command_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    table = readme.split("## Command line", 1)[1]
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    add_data_commands(commands)
    for name in commands.choices:
        assert f"| `tightrope {name}" in table, name


def test_check_ins_go_out_and_come_back_through_their_own_file(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_checkin(
        engine, owner=OWNER, day=date(2026, 1, 5), instrument="cbi", answers=checkin_answers()
    )
    path = tmp_path / "checkins.csv"
    assert main(["export-checkins", str(path)]) == 0
    assert "Exported 1 check-ins" in capsys.readouterr().out
    assert path.read_text().count("\n") == 20  # the header and one row per CBI question
    assert path.stat().st_mode & 0o077 == 0  # yours only, like the entries' export
    assert main(["export-checkins", str(path)]) == 1  # no silent overwrite
    before = list_checkins(engine, owner=OWNER)
    delete_all_data(engine, owner=OWNER)
    assert main(["import-checkins", str(path)]) == 0
    assert "1 check-ins added, 0 already present" in capsys.readouterr().out
    assert list_checkins(engine, owner=OWNER) == before
    path.write_text(path.read_text().replace("Sometimes", "Perhaps", 1))
    assert main(["import-checkins", str(path)]) == 1
    assert "row 2: question 1 of the CBI is answered with one of" in capsys.readouterr().err
