"""Logs never carry note text or client codes: not on save, import, backup, delete or report."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from traceback import format_exception
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from dashboard.cli import main
from dashboard.packet.context import PacketOptions
from dashboard.packet.render import build_packet
from data.backup import backup_database
from data.csv_io import CsvFileError, export_csv, import_csv
from data.db import make_engine, owner_connection
from data.maintenance import delete_all_data
from data.models import SessionCreate, SessionUpdate, Setting
from data.repository import (
    ENTRY,
    DuplicateEntryError,
    add_session,
    insert_frame,
    load_sessions,
    update_session,
)
from data.restore import restore_database
from tests.databases import Databases
from tests.factories import OWNER, make_entry, sessions_frame

CODE = "Zephyr-Q9"
NOTE = "LAVENDER-ORCHID private words"
REFLECTION = "MARZIPAN-TIGER held back"
SECRETS = (CODE, NOTE, REFLECTION, "LAVENDER", "MARZIPAN", "Zephyr")
WHEN = datetime(2025, 9, 1, 9, tzinfo=UTC)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every logger at DEBUG, and SQLAlchemy's statements and alembic's steps.

    SQLAlchemy pins its own logger at WARNING, so the root's level alone lets nothing of it
    through. At INFO it logs every statement with its parameters (hidden_parameters keeps them
    out); only its DEBUG logs result rows, which nobody switches on outside a debugging session.
    """
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy")
    caplog.set_level(logging.DEBUG, logger="alembic")
    return caplog


def assert_clean(caplog: pytest.LogCaptureFixture) -> None:
    """No secret in any message or in the raw arguments of any record."""
    assert caplog.records, "nothing was logged: the test would pass vacuously"
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records), (
        "no SQL statement was seen: the database's own logs went unchecked"
    )
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + (record.exc_text or "")
        for secret in SECRETS:
            assert secret not in text, f"{record.name} logged {secret!r}"


def secret_entry(**overrides: object) -> SessionCreate:
    """An entry carrying every secret."""
    fields: dict[str, object] = {
        "started_at": WHEN,
        "client_code": CODE,
        "note": NOTE,
        "reflection_held_back": REFLECTION,
        "scenarios": ["crisis situation", "Zephyr tag"],
    }
    fields.update(overrides)
    return make_entry(**fields)


def test_save_edit_and_duplicate_paths(engine: Engine, logs: pytest.LogCaptureFixture) -> None:
    entry_id = add_session(engine, owner=OWNER, entry=secret_entry())
    with pytest.raises(DuplicateEntryError):
        add_session(engine, owner=OWNER, entry=secret_entry())
    update = SessionUpdate.model_validate(
        {**secret_entry(dread=9).model_dump(), "note": NOTE + " again"}
    )
    update_session(engine, owner=OWNER, entry_id=entry_id, entry=update)
    assert_clean(logs)


def test_import_paths(engine: Engine, logs: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    frame = sessions_frame(days=14)
    frame.loc[0, "client_code"] = CODE
    frame.loc[0, "note"] = NOTE
    raw = export_csv(frame)
    assert import_csv(engine, raw, owner=OWNER).ok
    assert import_csv(engine, raw, owner=OWNER).added == 0
    bad = raw.replace(b"\r\n", b"\r\n" + f"nonsense,{CODE},1,2,3,,{NOTE}\r\n".encode(), 1)
    assert not import_csv(engine, bad, owner=OWNER).ok
    with pytest.raises(CsvFileError):
        import_csv(engine, f"{CODE},{NOTE}\n".encode(), owner=OWNER)
    path = tmp_path / "in.csv"
    path.write_bytes(bad)
    assert main(["import", str(path)]) == 1
    assert_clean(logs)


def test_backup_restore_and_delete(
    engine: Engine, logs: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    add_session(engine, owner=OWNER, entry=secret_entry())
    backup = backup_database(engine, tmp_path / "b.sqlite3")
    restore_database(engine, backup)
    delete_all_data(engine, owner=OWNER, remove_backups=True)
    assert_clean(logs)


def test_report_path(engine: Engine, logs: pytest.LogCaptureFixture) -> None:
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=60, start=date(2025, 6, 2)))
    add_session(engine, owner=OWNER, entry=secret_entry())
    chosen = PacketOptions(
        start=date(2025, 7, 1), end=date(2025, 9, 7), include_notes=True, show_client_codes=True
    )
    html = build_packet(
        engine, chosen, today=date(2025, 9, 7), tz=ZoneInfo("Europe/Berlin"), owner=OWNER
    )
    assert NOTE in html  # opted in: the packet shows it, the log must still not
    assert_clean(logs)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_database_errors_do_not_carry_the_values(engine: Engine) -> None:
    # An error message may end up in a log or a console; its SQL parameters must not.
    row = {
        "owner_id": OWNER,
        "started_at": WHEN - timedelta(days=1),
        "client_code": CODE,
        "dread": 11,  # breaks the CHECK constraint: the database refuses the row
        "detachment": 1,
        "fatigue": 1,
        "reflection_reaction": "",
        "reflection_held_back": "",
        "reflection_themes": "",
        "note": NOTE,
        "grounding_done": False,
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    with pytest.raises(IntegrityError) as caught, owner_connection(engine, owner=OWNER) as c:
        c.execute(insert(ENTRY), row)
    assert "check constraint" in str(caught.value).lower()
    # PostgreSQL adds the row itself to the message ("Failing row contains …"): stripped too.
    traceback = "".join(format_exception(caught.value))
    for shown in (str(caught.value), str(caught.value.orig), repr(caught.value), traceback):
        assert NOTE not in shown and CODE not in shown
    assert load_sessions(engine, owner=OWNER).empty
    again = {**row, "dread": 1, "started_at": WHEN - timedelta(days=2)}
    with pytest.raises(IntegrityError) as twice, owner_connection(engine, owner=OWNER) as c:
        c.execute(insert(ENTRY), again)
        c.execute(insert(ENTRY), again)  # the same client and start: a unique key refuses it
    assert CODE not in str(twice.value) and CODE not in str(twice.value.orig)


def test_report_and_status_commands(
    engine: Engine, logs: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=60, start=date(2025, 6, 2)))
    add_session(engine, owner=OWNER, entry=secret_entry())
    out = tmp_path / "packet.html"
    code = main(
        [
            "report",
            "--from",
            "2025-07-01",
            "--to",
            "2025-09-07",
            "--format",
            "html",
            "--out",
            str(out),
            "--include-notes",
            "--show-client-codes",
        ]
    )
    assert code == 0 and NOTE in out.read_text(encoding="utf-8")
    assert main(["status", "--today", "2025-09-07", "--json"]) == 0
    assert_clean(logs)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_server_error_never_carries_the_refused_row(databases: Databases, db_url: str) -> None:
    # Under row-level security PostgreSQL leaves the row out of its errors by itself; a role that
    # owns the tables (a one-role setup, a migration) gets "Failing row contains (…)": stripped.
    owner = make_engine(databases.owner_url(db_url))
    row = {"owner_id": OWNER, "key": CODE, "value": NOTE, "updated_at": WHEN}
    try:
        with pytest.raises(IntegrityError) as caught, owner.begin() as connection:
            connection.execute(insert(Setting.__table__), [row, row])  # type: ignore[attr-defined]  # SQLModel's table
    finally:
        owner.dispose()
    assert "duplicate key" in str(caught.value)
    # A traceback prints the driver's error too, as the cause (raise … from): Streamlit logs
    # one for any error nobody caught.
    traceback = "".join(format_exception(caught.value))
    assert "duplicate key" in traceback and "The above exception was the direct cause" in traceback
    for shown in (str(caught.value), str(caught.value.orig), repr(caught.value), traceback):
        assert NOTE not in shown and CODE not in shown
