"""Processes at the same time: every entry stored, no "database is locked", no failed migration."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from datetime import UTC, datetime, timedelta
from typing import Any

from core.schema import BUILTIN_SCENARIOS
from data.csv_io import export_csv, import_csv
from data.db import make_engine
from data.models import SessionCreate
from data.repository import add_session, count_sessions, load_sessions, scenario_names
from data.schema import current_revision, ensure_schema, head_revision
from tests.databases import Databases
from tests.factories import OWNER, sessions_frame

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
                owner=OWNER,
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
    assert count_sessions(engine, owner=OWNER) == 2 * PER_PROCESS
    stored = load_sessions(engine, owner=OWNER)
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
    result = import_csv(
        engine, raw, owner=OWNER
    )  # waits for the write lock, never fails with "locked"
    saver.join(timeout=120)
    assert errors.empty() and saver.exitcode == 0
    assert result.ok and result.added > 0
    assert count_sessions(engine, owner=OWNER) == PER_PROCESS + result.added
    engine.dispose()


MIGRATING_PROCESSES = 4
MIGRATION_ROUNDS = int(os.environ.get("TIGHTROPE_MIGRATION_ROUNDS", "5"))


def _open_and_save(url: str, worker: int, start: Any, errors: Any) -> None:
    """Open a database that may be new, as the server or `tightrope import` does, and save."""
    try:
        engine = make_engine(url)
        start.wait()
        ensure_schema(engine)
        add_session(
            engine,
            owner=OWNER,
            entry=SessionCreate(
                started_at=BASE, client_code=f"M{worker}", dread=1, detachment=2, fatigue=3
            ),
        )
        engine.dispose()
    except Exception as error:  # reported to the parent: any error fails the test
        where = traceback.extract_tb(error.__traceback__)
        lines = [
            f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in where if "/data/" in f.filename
        ]
        errors.put(f"worker {worker}: {type(error).__name__}: {error} at {lines}")


def test_processes_opening_a_new_database_at_once_all_succeed(databases: Databases) -> None:
    # Without the migration lock, one of two processes failed about one time in three with
    # "table session_entry already exists".
    context = multiprocessing.get_context("fork")
    for round_ in range(MIGRATION_ROUNDS):
        url = databases.url(f"new-{round_}")
        start = context.Barrier(MIGRATING_PROCESSES)
        errors = context.Queue()
        workers = [
            context.Process(target=_open_and_save, args=(url, worker, start, errors))
            for worker in range(MIGRATING_PROCESSES)
        ]
        for process in workers:
            process.start()
        for process in workers:
            process.join(timeout=120)
        messages = []
        while not errors.empty():
            messages.append(errors.get())
        assert messages == [], f"round {round_}"
        assert [process.exitcode for process in workers] == [0] * MIGRATING_PROCESSES
        engine = make_engine(url)
        assert current_revision(engine) == head_revision()
        assert count_sessions(engine, owner=OWNER) == MIGRATING_PROCESSES
        assert sorted(scenario_names(engine, owner=OWNER)) == sorted(
            BUILTIN_SCENARIOS
        )  # seeded once
        engine.dispose()


def _importer(url: str, raw: bytes, start: Any, results: Any) -> None:
    engine = make_engine(url)
    start.wait()
    try:
        result = import_csv(engine, raw, owner=OWNER)
        results.put(("ok", result.added, len(result.problems)))
    except Exception as error:  # reported to the parent: any error fails the test
        results.put(("error", f"{type(error).__name__}: {error}", 0))
    engine.dispose()


def test_the_same_file_imported_twice_at_once_is_stored_once(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    engine.dispose()
    frame = sessions_frame(days=60)
    frame["scenarios"] = [[f"new tag {i % 4}"] for i in range(len(frame))]  # tags to create
    raw = export_csv(frame)
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=_importer, args=(db_url, raw, start, results)) for _ in range(2)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert outcomes == [("ok", 0, 0), ("ok", len(frame), 0)]
    engine = make_engine(db_url)
    assert count_sessions(engine, owner=OWNER) == len(frame)
    engine.dispose()
