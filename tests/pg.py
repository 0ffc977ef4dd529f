"""A throwaway PostgreSQL server for the test session, from Debian's `postgresql` package.

`initdb` into a temporary folder, a free port on 127.0.0.1, the socket in that folder, stopped
and removed at the end; no Docker. initdb refuses to run as root, so as root the server runs as
the `postgres` user. Durability is switched off (fsync, full-page writes): nothing here has to
survive a power cut, and a test database is created in milliseconds.

Two roles, as a practice server would have them (README, "Running Tightrope for a practice"):
OWNER_ROLE owns every table and runs the migrations, APP_ROLE is what the dashboard connects as
and owns nothing, so row-level security applies to it.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import psycopg
from psycopg import sql

VERSIONS: Final = ("17", "16", "15")
"""PostgreSQL major versions looked for under /usr/lib/postgresql, newest first."""
SUPERUSER: Final = "postgres"
OWNER_ROLE: Final = "tightrope_owner"
APP_ROLE: Final = "tightrope_app"
SETTINGS: Final = (
    "fsync=off",
    "full_page_writes=off",
    "synchronous_commit=off",
    "max_connections=200",
    "shared_buffers=64MB",
    "log_min_messages=warning",
)


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine; the message says what to install."""


def server_binaries() -> Path:
    """The folder holding initdb and pg_ctl; PostgresUnavailable when there is none."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(f"/usr/lib/postgresql/{v}/bin") for v in VERSIONS]
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (initdb, pg_ctl): "
        "install Debian's `postgresql` package (.ci/run does) to run the PostgreSQL tests"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway server; `database()` makes a new database and returns its URLs."""

    folder: Path
    port: int
    bin: Path
    _names: Iterator[int] = field(default_factory=itertools.count)

    @property
    def _as_server_user(self) -> list[str]:
        return ["runuser", "-u", SUPERUSER, "--"] if os.geteuid() == 0 else []

    def url(self, database: str, role: str = SUPERUSER) -> str:
        """An SQLAlchemy URL for `database` on this server as `role` (trust: no password)."""
        return f"postgresql+psycopg://{role}@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def execute(self, statement: sql.Composed) -> None:
        """Run one statement as the superuser on the maintenance database."""
        with self._admin() as connection:
            connection.execute(statement)

    def create_database(self, *, template: str = "template0", name: str | None = None) -> str:
        """A new database owned by OWNER_ROLE, copied from `template`; returns its name."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        self.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template), sql.Identifier(OWNER_ROLE)
            )
        )
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, ending any connection still open to it."""
        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        stop = ["-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"]
        subprocess.run(
            [*self._as_server_user, str(self.bin / "pg_ctl"), *stop],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server(*, durable: bool = False) -> PostgresServer:
    """initdb and start a server on a free loopback port; PostgresUnavailable without binaries.

    `durable` keeps fsync and full-page writes on, as a real server has them (benchmarks).
    """
    binaries = server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="tightrope-pg-"))
    server = PostgresServer(folder=folder, port=_free_port(), bin=binaries)
    run = server._as_server_user
    if run:
        user = pwd.getpwnam(SUPERUSER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    try:
        init = ["-D", str(data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8"]
        subprocess.run(
            [*run, str(binaries / "initdb"), *init, "--no-sync", "--no-instructions"],
            capture_output=True,
            check=True,
            timeout=120,
        )
        options = " ".join(
            [f"-p {server.port}", "-c listen_addresses=127.0.0.1", f"-k {folder}"]
            + [f"-c {setting}" for setting in SETTINGS if not durable or "=off" not in setting]
        )
        start = ["-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "-t", "60"]
        subprocess.run(
            [*run, str(binaries / "pg_ctl"), *start, "start"],
            capture_output=True,
            check=True,
            timeout=90,
        )
    except subprocess.CalledProcessError as error:
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(
            f"PostgreSQL did not start: {error.stderr.decode(errors='replace')}{detail}"
        ) from None
    for role in (OWNER_ROLE, APP_ROLE):
        server.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    return server
