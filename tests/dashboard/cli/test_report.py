"""`tightrope report`: HTML and PDF packets from the shell, the packet log, clear failures."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from dashboard import cli
from dashboard.packet.pdf import find_chromium
from data.demo import seed_demo
from data.environment import local_timezone
from data.packets import list_packets
from tests.factories import OWNER, refusing

# Every test runs in Berlin time (tests/conftest.py); this module is imported before that, so
# the machine's zone would name yesterday between its midnight and Berlin's.
TODAY = datetime.now(ZoneInfo("Europe/Berlin")).date()
START = TODAY - timedelta(days=27)


@pytest.fixture
def demo(engine: Engine) -> Engine:
    """The demo history ending today in this test's database."""
    seed_demo(engine, TODAY, local_timezone(), owner=OWNER)
    return engine


def report(*args: str) -> int:
    """Run `tightrope report` with these arguments."""
    return cli.main(["report", *args])


def test_html_report_is_written_and_recorded(
    demo: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "packet.html"
    assert report("--from", str(START), "--to", str(TODAY), "--out", str(out)) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "How you are doing" in html and "C-42" not in html.split("plotly.js v")[0]
    (packet,) = list_packets(demo, owner=OWNER)
    assert (packet.period_start, packet.period_end, packet.format) == (START, TODAY, "html")
    printed = capsys.readouterr().out
    assert str(out) in printed and "clients as aliases" in printed
    assert "sqlite" not in printed


def test_opt_ins_reach_the_packet(demo: Engine, tmp_path: Path) -> None:
    out = tmp_path / "packet.html"
    argv = ["--from", str(START), "--to", str(TODAY), "--out", str(out), "--show-client-codes"]
    assert report(*argv, "--include-notes") == 0
    assert "Client codes are shown as logged" in out.read_text(encoding="utf-8")


def test_the_default_period_follows_the_last_packet(demo: Engine, tmp_path: Path) -> None:
    first = tmp_path / "first.html"
    assert (
        report("--from", str(START), "--to", str(TODAY - timedelta(days=7)), "--out", str(first))
        == 0
    )
    assert report("--out", str(tmp_path / "second.html")) == 0
    latest = list_packets(demo, owner=OWNER)[0]
    assert (latest.period_start, latest.period_end) == (TODAY - timedelta(days=6), TODAY)


@pytest.mark.skipif(
    (find_chromium() is None or not shutil.which("pdfinfo")) and os.environ.get("CI") != "true",
    reason="no Chromium or poppler (under CI=true this fails instead)",
)
def test_pdf_report(demo: Engine, tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    assert report("--from", str(START), "--to", str(TODAY), "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "Pages:" in info.stdout
    assert list_packets(demo, owner=OWNER)[0].format == "pdf"


def test_pdf_without_chromium_writes_the_html_instead(
    demo: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    out = tmp_path / "packet.pdf"
    assert report("--out", str(out), "--format", "pdf") == 1
    assert not out.exists()
    assert (tmp_path / "packet.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    err = capsys.readouterr().err
    assert "Chromium" in err and "HTML packet instead" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-11-20", "--to", "2026-11-01"], "ends"),
        (["--from", "2001-01-01", "--to", "2001-01-31"], "No sessions were logged"),
    ],
)
def test_nothing_is_written_for_a_bad_period(
    demo: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "packet.html"
    assert report(*args, "--out", str(out)) != 0
    assert not out.exists()
    assert message in capsys.readouterr().err
    assert list_packets(demo, owner=OWNER) == []


def test_an_empty_database_says_so(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report("--out", str(tmp_path / "p.html")) == 1
    assert "No sessions logged yet" in capsys.readouterr().err


def test_a_malformed_date_is_refused_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        report("--from", "26.11.2026", "--out", "x.html")
    assert "is not a date like" in capsys.readouterr().err


def test_a_report_never_overwrites_the_journal_and_other_files_only_with_force(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = Path(db_url.removeprefix("sqlite:///"))
    before = journal.read_bytes()
    for out in (journal, Path(f"{journal}-wal")):
        assert report("--out", str(out), "--force") == 1
        assert "your journal's own file" in capsys.readouterr().err
    assert journal.read_bytes()[:16] == before[:16] == b"SQLite format 3\x00"
    kept = tmp_path / "keep.html"
    kept.write_text("mine", encoding="utf-8")
    assert report("--out", str(kept)) == 1
    assert "already exists" in capsys.readouterr().err and kept.read_text() == "mine"
    assert list_packets(demo, owner=OWNER) == []  # nothing recorded either
    assert report("--out", str(kept), "--force") == 0
    assert kept.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_database_that_refuses_is_told_in_words(
    demo: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("data.packets.record_packet", refusing("database is locked"))
    out = tmp_path / "packet.html"
    assert report("--out", str(out)) == 1
    error = capsys.readouterr().err
    assert error.strip() == (
        "The command did not finish: your journal is busy: another program is writing to it."
    )
    assert "Traceback" not in error


def test_a_folder_that_cannot_be_written_is_named_in_words(
    demo: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder.html"
    folder.mkdir()
    assert report("--out", str(folder), "--force") == 1
    assert "Cannot use" in capsys.readouterr().err
