"""A practice server without pytest: PostgreSQL (fsync on), the provider, `tightrope run --secrets`.

The same stack as the e2e `practice` fixture (tests/e2e/conftest.py), built from its parts, with
PostgreSQL durable as on a real server. Used by benchmarks.practice_load.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from data.db import make_engine
from data.practice import permit_domain
from data.schema import ensure_schema
from tests.e2e.conftest import (
    LOCAL_HOST,
    PRACTICE_DOMAIN,
    START_TIMEOUT_S,
    free_port,
    start_provider,
    stop_app,
    wait_healthy,
)
from tests.factories import write_secrets
from tests.pg import APP_ROLE, OWNER_ROLE, start_server

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PracticeStack:
    """The running stack: the app's address and pid, the provider, and both database roles."""

    url: str
    pid: int
    provider: str
    log: Path
    app: Engine  # the dashboard's role, under row-level security
    owner: Engine  # the tables' owner: counts every account's rows

    def set_person(self, subject: str, **claims: object) -> None:
        """Tell the provider who `subject` is (email, email_verified, name) before they sign in."""
        request = urllib.request.Request(
            f"{self.provider}/users/{subject}",
            data=json.dumps(claims).encode(),
            headers={"Content-Type": "application/json"},
            method="PUT",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            if answer.status != 204:
                raise RuntimeError(f"the provider answered {answer.status} for {subject}")

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
    """Start PostgreSQL, migrate it as the owner, permit PRACTICE_DOMAIN, start provider and app."""
    postgres = start_server(durable=True)
    processes: list[subprocess.Popen[bytes]] = []
    engines: list[Engine] = []
    try:
        database = postgres.create_database()
        app_url, owner_url = postgres.url(database, APP_ROLE), postgres.url(database, OWNER_ROLE)
        app = make_engine(app_url)
        owner = make_engine(owner_url)
        engines += [app, owner]
        ensure_schema(app, migration_url=owner_url)
        permit_domain(owner, domain=PRACTICE_DOMAIN)

        provider_port, app_port = free_port(), free_port()
        processes.append(start_provider(provider_port, workdir / "provider.log"))
        secrets_file = write_secrets(
            workdir / "secrets.toml",
            {
                "redirect_uri": f"http://{LOCAL_HOST}:{app_port}/oauth2callback",
                "cookie_secret": secrets.token_urlsafe(48),
                "client_id": "tightrope",
                "client_secret": secrets.token_urlsafe(24),
                "server_metadata_url": (
                    f"http://{LOCAL_HOST}:{provider_port}/.well-known/openid-configuration"
                ),
            },
        )
        env = {
            **os.environ,
            "TIGHTROPE_DATABASE_URL": app_url,
            "TIGHTROPE_MIGRATION_DATABASE_URL": owner_url,
            "TZ": "Europe/Berlin",
            "XDG_DATA_HOME": str(workdir / "xdg-data"),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("TIGHTROPE_DEMO", None)
        log = workdir / "streamlit.log"
        command = [sys.executable, "-m", "dashboard.cli", "run", "--port", str(app_port)]
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [*command, "--secrets", str(secrets_file)],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.append(process)
        url = f"http://{LOCAL_HOST}:{app_port}"
        wait_healthy(url, process, log, START_TIMEOUT_S)
        yield PracticeStack(
            url=url,
            pid=process.pid,
            provider=f"http://{LOCAL_HOST}:{provider_port}",
            log=log,
            app=app,
            owner=owner,
        )
    finally:
        for process in reversed(processes):
            stop_app(process)
        for engine in engines:
            engine.dispose()
        postgres.stop()


def tree_rss_mib(pid: int) -> float:
    """Resident memory of `pid` and all its descendants in MiB (Linux /proc)."""
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
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
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
