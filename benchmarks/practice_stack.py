"""A practice server without pytest: PostgreSQL (fsync on), the provider, `tightrope run --secrets`.

The e2e `practice` fixture's stack (tests/e2e/conftest.py serve_practice) on a PostgreSQL server
of its own that is durable as on a real server, with both database roles' engines. Used by
benchmarks.practice_load.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from data.db import make_engine
from tests.e2e.conftest import PracticeServer, serve_practice
from tests.pg import start_server


@dataclass(frozen=True)
class PracticeStack:
    """The running server and provider (`server`), and both database roles' engines."""

    server: PracticeServer
    app: Engine  # the dashboard's role, under row-level security
    owner: Engine  # the tables' owner: counts every account's rows

    @property
    def url(self) -> str:
        """The app's address."""
        return self.server.url

    @property
    def pid(self) -> int:
        """The app server's process id."""
        return self.server.pid

    @property
    def provider(self) -> str:
        """The identity provider's address."""
        return self.server.provider

    @property
    def log(self) -> Path:
        """The app server's log."""
        return self.server.log

    def set_person(self, subject: str, **claims: object) -> None:
        """Tell the provider who `subject` is (email, email_verified, name) before they sign in."""
        self.server.set_person(subject, **claims)

    def account_of(self, subject: str) -> int:
        """The account id the first sign-in of `subject` created."""
        with self.owner.connect() as connection:
            found = connection.execute(
                text("SELECT id FROM account WHERE oidc_subject = :subject"), {"subject": subject}
            ).scalar_one()
        return int(found)

    def rows_per_account(self) -> dict[int, int]:
        """Session entries per account, counted as the tables' owner (no row-level security)."""
        with self.owner.connect() as connection:
            rows = connection.execute(
                text("SELECT owner_id, count(*) FROM session_entry GROUP BY owner_id")
            ).all()
        return {int(owner): int(count) for owner, count in rows}


@contextmanager
def practice_stack(workdir: Path) -> Iterator[PracticeStack]:
    """Start a durable PostgreSQL and serve_practice on it; stop both at the end."""
    postgres = start_server(durable=True)
    try:
        with serve_practice(postgres, workdir) as server:
            app, owner = make_engine(server.database_url), make_engine(server.owner_url)
            try:
                yield PracticeStack(server, app, owner)
            finally:
                app.dispose()
                owner.dispose()
    finally:
        postgres.stop()


def tree_rss_mib(pid: int) -> float:
    """Resident memory of `pid` and all its descendants in MiB (Linux /proc)."""
    total = 0.0
    for current in descendants(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name (field 2) may hold spaces: the parent pid follows its ")".
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def chromium_pids() -> list[int]:
    """The Chromium processes this process started (through Playwright's driver)."""
    return [pid for pid in descendants(os.getpid()) if "chrom" in _comm(pid)]


@dataclass
class Scheduling:
    """CPU time and run-queue waiting of a set of processes, thread by thread, from samples of
    /proc/PID/task/TID/schedstat (ns on a CPU, ns runnable but waiting for one). A thread that
    ends between two samples loses at most its last interval."""

    seen: dict[int, tuple[int, int]]
    start: dict[int, tuple[int, int]]

    @classmethod
    def begin(cls, pids: list[int]) -> Scheduling:
        """Start counting from now."""
        now = _schedstat(pids)
        return cls(seen=dict(now), start=dict(now))

    def sample(self, pids: list[int]) -> None:
        """Record the current counters of every thread of `pids`."""
        self.seen.update(_schedstat(pids))

    def seconds(self) -> tuple[float, float]:
        """CPU seconds and run-queue seconds since `begin`."""
        ran = sum(v[0] - self.start.get(t, (0, 0))[0] for t, v in self.seen.items())
        waited = sum(v[1] - self.start.get(t, (0, 0))[1] for t, v in self.seen.items())
        return ran / 1e9, waited / 1e9


def _schedstat(pids: list[int]) -> dict[int, tuple[int, int]]:
    found: dict[int, tuple[int, int]] = {}
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                on_cpu, on_queue, _ = (task / "schedstat").read_text().split()
            except (OSError, ValueError):
                continue
            found[int(task.name)] = (int(on_cpu), int(on_queue))
    return found
