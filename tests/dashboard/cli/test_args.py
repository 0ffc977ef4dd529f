"""Command-line dates: a plain message for anything that is not YYYY-MM-DD."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.cli.args import iso_day


def test_iso_day_reads_a_date() -> None:
    assert iso_day("2026-11-26") == date(2026, 11, 26)


@pytest.mark.parametrize("command", ["status", "report"])
def test_a_bad_date_is_refused_in_plain_words(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    option = "--today" if command == "status" else "--from"
    with pytest.raises(SystemExit) as error:
        cli.main([command, option, "26/11/2026"])
    assert error.value.code == 2
    assert "is not a date like 2026-11-26" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31"])
def test_a_date_at_the_calendar_s_ends_is_refused_before_anything_overflows(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as error:
        cli.main(["status", "--today", text])
    assert error.value.code == 2
    assert "is not a year from 1900 to 2999" in capsys.readouterr().err


def test_a_negative_count_of_problems_to_show_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as error:
        cli.main(["import", "--show", "-1", str(tmp_path / "x.csv")])
    assert error.value.code == 2
    assert "'-1' is below 0" in capsys.readouterr().err
