"""A save that was reported committed survives SIGKILL; a killed save leaves no partial row."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.db import make_engine
from data.models import SessionCreate
from data.repository import add_session
from data.schema import ensure_schema

KILLS = 60
BASE = datetime(2024, 1, 1, 8, tzinfo=UTC)
TAGS_PER_ENTRY = 3
ROUND_STRIDE = 10_000  # entry indices per child: no two children save the same entry


def _entry(i: int) -> SessionCreate:
    """Entry number i: every value derives from i, so a damaged row is recognisable."""
    return SessionCreate(
        started_at=BASE + timedelta(seconds=i),
        client_code=f"K-{i % 7}",
        dread=i % 11,
        detachment=(i * 3) % 11,
        fatigue=(i * 7) % 11,
        scenarios=["crisis situation", f"crash tag {i % 5}", f"crash tag b{i % 4}"],
        note=f"crash note {i}",
    )


def _saver(url: str, report: int, first: int) -> None:
    """Child process: save entries forever, reporting each id only after its commit returned."""
    try:
        engine = make_engine(url)
        i = first
        while True:
            entry_id = add_session(engine, entry=_entry(i))
            os.write(report, f"{entry_id} {i}\n".encode())  # unbuffered: reported means sent
            i += 1
    except BaseException as error:
        os.write(report, f"ERROR {type(error).__name__}\n".encode())
    finally:
        os._exit(0)


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def _check(path: Path, committed: dict[int, int]) -> int:
    """Integrity ok, every reported save present and intact, no entry without all its tags."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = {
            row[0]: row[1:]
            for row in connection.execute(
                "SELECT id, client_code, dread, detachment, fatigue, note FROM session_entry"
            )
        }
        for entry_id, i in committed.items():
            expected = _entry(i)
            assert rows.get(entry_id) == (
                expected.client_code,
                expected.dread,
                expected.detachment,
                expected.fatigue,
                expected.note,
            ), f"save {i} (id {entry_id}) was reported committed but is missing or changed"
        partial = connection.execute(
            "SELECT count(*) FROM session_entry e WHERE "
            "(SELECT count(*) FROM session_scenario s WHERE s.session_id = e.id) != ?",
            (TAGS_PER_ENTRY,),
        ).fetchone()[0]
        assert partial == 0, "an entry exists without all of its tags"
        dangling = connection.execute(
            "SELECT count(*) FROM session_scenario s "
            "LEFT JOIN session_entry e ON e.id = s.session_id WHERE e.id IS NULL"
        ).fetchone()[0]
        assert dangling == 0, "tags exist for an entry that is not there"
        return len(rows)
    finally:
        connection.close()


def test_sigkill_during_saves_loses_nothing_committed(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    engine.dispose()  # no connection of ours crosses the fork
    path = tmp_path / "test.sqlite3"
    rng = random.Random(20261126)
    committed: dict[int, int] = {}
    next_index = 0
    kills = 0
    for _ in range(KILLS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(read_end)
            _saver(db_url, write_end, next_index)
        os.close(write_end)
        time.sleep(rng.uniform(0.01, 0.3))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        kills += 1
        lines = _read_all(read_end).splitlines()
        assert not any(line.startswith("ERROR") for line in lines), lines
        for line in lines:
            entry_id, i = map(int, line.split())
            committed[entry_id] = i
        stored = _check(path, committed)
        # Far past anything the killed child may have committed without reporting it.
        next_index += ROUND_STRIDE
        assert stored < next_index
    print(f"crash test: {kills} kills, {len(committed)} reported saves, all present and whole")
    assert kills >= 50
    assert len(committed) >= kills  # the kills landed among real saves, not before them
