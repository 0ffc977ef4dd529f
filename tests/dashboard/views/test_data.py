"""AppTest of the Your data page: the facts, import good and bad files, export, backup, delete."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from core.checkin.record import CheckinRecord
from dashboard.common import md
from data.backup import automatic_backups, backup_database, backup_folder
from data.checkin_csv import export_checkins_csv
from data.checkins import StoredCheckin, add_checkins, list_checkins
from data.csv_io import export_csv
from data.repository import add_session, count_sessions
from data.schema import head_revision
from tests.factories import OWNER, checkin_answers, make_entry, sessions_frame
from tests.paths import APP

HEADER = "started_at,client_code,dread,detachment,fatigue,scenarios,note\n"


def open_page(engine: Engine) -> AppTest:
    """The app switched to the data page, after its first run."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    """Every message and caption on the page, joined, for simple `in` checks."""
    parts = [e.value for kind in (at.success, at.error, at.info, at.warning) for e in kind]
    parts += [e.value for e in at.caption] + [e.value for e in at.markdown]
    return "\n".join(str(p) for p in parts)


def upload(at: AppTest, name: str, content: bytes) -> None:
    """Choose a file for the import and press Import."""
    at.file_uploader(key="import_file").set_value((name, content, "text/csv"))
    at.run()
    at.button(key="import_submit").click()
    at.run()
    assert not at.exception


def test_empty_database_shows_facts_and_a_friendly_state(engine: Engine, tmp_path: Path) -> None:
    at = open_page(engine)
    assert "No entries yet" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Entries": "0", "Schema version": head_revision()}
    assert str(tmp_path / "test.sqlite3") in at.code[0].value
    assert at.button(key="import_submit").disabled
    assert at.get("download_button")[0].proto.disabled  # nothing to export yet


def test_good_file_is_imported_and_a_second_time_adds_nothing(engine: Engine) -> None:
    at = open_page(engine)
    raw = export_csv(sessions_frame(days=30))
    upload(at, "journal.csv", raw)
    added = count_sessions(engine, owner=OWNER)
    assert added > 0
    assert f"{added} entries added, 0 were already saved" in texts(at)
    assert at.metric[0].value == f"{added:,}"  # the facts above the import are current
    assert not at.get("download_button")[0].proto.disabled
    at.button(key="import_submit").click()
    at.run()
    assert f"0 entries added, {added} were already saved" in texts(at)
    assert count_sessions(engine, owner=OWNER) == added


def test_bad_file_lists_problems_and_saves_nothing(engine: Engine) -> None:
    at = open_page(engine)
    raw = (
        HEADER
        + "2026-01-05T09:00:00+01:00,C-1,4,3,5,,fine\n"
        + "2026-01-05T10:00:00+01:00,C-2,eleven,3,5,,bad\n"
    ).encode()
    upload(at, "bad.csv", raw)
    assert "Nothing was imported: 1 row(s) of bad.csv have problems" in texts(at)
    problems = at.dataframe[0].value
    assert problems["row"].tolist() == [3]
    assert "dread must be a whole number" in problems["reason"].iloc[0]
    assert count_sessions(engine, owner=OWNER) == 0


def test_non_csv_file_gets_a_plain_error(engine: Engine) -> None:
    at = open_page(engine)
    upload(at, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "not UTF-8" in texts(at) and "Nothing was imported" in texts(at)
    assert count_sessions(engine, owner=OWNER) == 0


def test_a_failing_save_is_explained_without_a_traceback(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk on fire: SECRET-NOTE")

    monkeypatch.setattr("data.csv_io.insert_frame", broken)
    at = open_page(engine)
    upload(at, "journal.csv", export_csv(sessions_frame(days=10)))
    assert "Something went wrong and nothing was changed" in texts(at)
    assert "SECRET-NOTE" not in texts(at)
    assert not at.exception


def test_export_button_offers_a_csv_once_there_are_entries(engine: Engine) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    at = open_page(engine)
    button = at.get("download_button")[0]
    assert not button.proto.disabled
    assert button.proto.label == "Download all entries (CSV)"


def test_backup_now_writes_a_backup(engine: Engine) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    at = open_page(engine)
    at.button(key="backup_create").click()
    at.run()
    assert not at.exception
    [made] = automatic_backups(engine)
    assert f"Backup saved: {md(str(made))}" in texts(at)


def test_a_backup_that_cannot_be_written_says_why_in_words(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(_engine: Engine) -> Path:
        raise OSError(28, "No space left on device", "/data/backups/x.sqlite3")

    monkeypatch.setattr("dashboard.components.your_data.timestamped_backup", full_disk)
    at = open_page(engine)
    at.button(key="backup_create").click()
    at.run()
    assert not at.exception
    assert "No backup was made: no space left on device." in texts(at)
    assert "Errno" not in texts(at)


def test_check_ins_download_waits_for_a_check_in(engine: Engine) -> None:
    at = open_page(engine)
    assert at.get("download_button")  # the page has its download buttons
    assert _download(at, "export_checkins_download").proto.disabled
    add_checkins(engine, owner=OWNER, day=date(2026, 1, 5), answers={"cbi": checkin_answers()})
    at.run()
    assert not _download(at, "export_checkins_download").proto.disabled


def _download(at: AppTest, key: str) -> Any:
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(key)]
    return button


def test_delete_all_needs_the_typed_phrase(engine: Engine) -> None:
    add_session(engine, owner=OWNER, entry=make_entry(note="private"))
    at = open_page(engine)
    assert at.button(key="delete_submit").disabled
    at.text_input(key="delete_confirm").input("delete")
    at.run()
    assert at.button(key="delete_submit").disabled
    at.text_input(key="delete_confirm").input("delete everything")
    at.run()
    assert not at.button(key="delete_submit").disabled
    at.button(key="delete_submit").click()
    at.run()
    assert not at.exception
    assert count_sessions(engine, owner=OWNER) == 0
    assert "Deleted 1 entries" in texts(at)
    assert at.text_input(key="delete_confirm").value == ""


def test_restore_after_a_confirm(engine: Engine, tmp_path: Path) -> None:
    add_session(engine, owner=OWNER, entry=make_entry(client_code="C-1"))
    saved = backup_database(engine, tmp_path / "saved.sqlite3").read_bytes()
    add_session(engine, owner=OWNER, entry=make_entry(client_code="C-2"))
    at = open_page(engine)
    at.file_uploader(key="restore_file").set_value(("saved.sqlite3", saved, "application/x"))
    at.run()
    assert at.button(key="restore_submit").disabled  # not before the confirm
    at.checkbox(key="restore_confirm").check()
    at.run()
    at.button(key="restore_submit").click()
    at.run()
    assert not at.exception
    assert "Restored 1 entries from saved\\.sqlite3" in texts(at)
    assert "Your previous data is saved at" in texts(at)
    assert count_sessions(engine, owner=OWNER) == 1


def test_a_restore_as_the_first_use_keeps_the_backups_folder_private(
    engine: Engine, tmp_path: Path
) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    saved = backup_database(engine, tmp_path / "elsewhere" / "saved.sqlite3").read_bytes()
    folder = backup_folder(engine)
    assert not folder.exists()
    at = open_page(engine)
    at.file_uploader(key="restore_file").set_value(("saved.sqlite3", saved, "application/x"))
    at.checkbox(key="restore_confirm").check()
    at.run()
    at.button(key="restore_submit").click()
    at.run()
    assert not at.exception
    assert folder.stat().st_mode & 0o777 == 0o700
    assert all(path.stat().st_mode & 0o077 == 0 for path in folder.iterdir())


def test_restore_of_a_wrong_file_is_refused(engine: Engine) -> None:
    add_session(engine, owner=OWNER, entry=make_entry())
    at = open_page(engine)
    at.file_uploader(key="restore_file").set_value(("notes.db", b"hello", "application/x"))
    at.checkbox(key="restore_confirm").check()
    at.run()
    at.button(key="restore_submit").click()
    at.run()
    assert "not a Tightrope backup" in texts(at)
    assert count_sessions(engine, owner=OWNER) == 1


def test_check_ins_are_imported_from_their_own_file_all_or_nothing(engine: Engine) -> None:
    stored = [
        StoredCheckin(
            0,
            CheckinRecord(date(2026, 1, 5), "cbi", {}),
            checkin_answers(option=1),
            datetime(2026, 1, 5, tzinfo=UTC),
        )
    ]
    raw = export_checkins_csv(stored)
    at = open_page(engine)
    bad = raw.replace(b"Often", b"Perhaps", 1)
    at.file_uploader(key="checkins_file").set_value(("bad.csv", bad, "text/csv"))
    at.run()
    at.button(key="checkins_submit").click()
    at.run()
    assert "Nothing was imported: 1 row(s) of bad.csv have problems" in texts(at)
    assert list_checkins(engine, owner=OWNER) == []
    at.file_uploader(key="checkins_file").set_value(("checkins.csv", raw, "text/csv"))
    at.run()
    at.button(key="checkins_submit").click()
    at.run()
    assert not at.exception
    assert "Imported checkins.csv: 1 check-ins added, 0 were already saved." in texts(at)
    (record,) = list_checkins(engine, owner=OWNER)
    assert record.scores["personal"] == 75
