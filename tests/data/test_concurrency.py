"""Two processes saving at the same time: every entry stored, no "database is locked" for anyone."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from typing import Any

from data.csv_io import export_csv, import_csv
from data.db import make_engine
from data.models import SessionCreate
from data.repository import add_session, count_sessions, load_sessions
from data.schema import ensure_schema
from tests.factories import sessions_frame

PER_PROCESS = 200
BASE = datetime(2025, 2, 3, 8, tzinfo=UTC)


def _saver(url: str, worker: int, start: Any, errors: Any) -> None:
    """Save PER_PROCESS entries as fast as possible once both workers are ready."""
    engine = make_engine(url)
    start.wait()
    for i in range(PER_PROCESS):
        try:
            add_session(
                engine,
                entry=SessionCreate(
                    started_at=BASE + timedelta(minutes=i),
                    client_code=f"P{worker}-{i % 10}",
                    dread=i % 11,
                    detachment=worker,
                    fatigue=5,
                    scenarios=["boundary pushing", f"worker {worker}"],
                ),
            )
        except Exception as error:  # reported to the parent: any error fails the test
            errors.put(f"worker {worker}, save {i}: {type(error).__name__}: {error}")
    engine.dispose()


def test_two_processes_saving_at_once_store_every_entry(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    engine.dispose()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    errors = context.Queue()
    workers = [
        context.Process(target=_saver, args=(db_url, worker, start, errors)) for worker in (1, 2)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    messages = []
    while not errors.empty():
        messages.append(errors.get())
    assert messages == []
    assert [process.exitcode for process in workers] == [0, 0]

    engine = make_engine(db_url)
    assert count_sessions(engine) == 2 * PER_PROCESS
    stored = load_sessions(engine)
    assert stored.groupby("detachment").size().to_dict() == {1: PER_PROCESS, 2: PER_PROCESS}
    assert all(len(tags) == 2 for tags in stored["scenarios"])
    engine.dispose()


def test_an_import_while_another_process_saves(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    engine.dispose()
    raw = export_csv(sessions_frame(days=120))
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    errors = context.Queue()
    saver = context.Process(target=_saver, args=(db_url, 1, start, errors))
    saver.start()
    engine = make_engine(db_url)
    start.wait()
    result = import_csv(engine, raw)  # waits for the write lock, never fails with "locked"
    saver.join(timeout=120)
    assert errors.empty() and saver.exitcode == 0
    assert result.ok and result.added > 0
    assert count_sessions(engine) == PER_PROCESS + result.added
    engine.dispose()
