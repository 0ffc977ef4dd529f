"""`tightrope run` and `tightrope demo`: serve the dashboard with secure flags."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.account import current_account
from dashboard.signin import (
    SigninConfigError,
    check_auth_section,
    default_secrets_files,
    is_loopback,
    practice_database_problem,
    read_auth_section,
    readable_by_everyone,
)
from data.environment import (
    DATABASE_URL_VARIABLE,
    Environment,
    load_environment,
    local_timezone,
    sqlite_url,
)

APP = Path(__file__).resolve().parents[1] / "app.py"
DEMO_VARIABLE = "TIGHTROPE_DEMO"
DEFAULT_PORT = 8501
LOOPBACK = "127.0.0.1"
# Streamlit's own name for its port setting: honoured here too, since --server.port on the command
# line would otherwise override it.
PORT_VARIABLE = "STREAMLIT_SERVER_PORT"

# Passed on the command line as well as in .streamlit/config.toml, so the secure defaults hold
# even when `tightrope` is started from another folder. The address is 127.0.0.1 unless `tightrope
# run --address` names another and sign-in is configured (check_serving).
SECURE_FLAGS = (
    f"--server.address={LOOPBACK}",
    "--browser.gatherUsageStats=false",
    "--server.headless=true",
    "--client.showErrorDetails=none",
    "--client.showErrorLinks=false",
    "--server.enableXsrfProtection=true",
    "--client.toolbarMode=minimal",
)


# The server's environment (a variable the user already set wins); why each, with the figures:
# BENCHMARKS.md, "Server environment".
SERVER_ENV = {
    "MALLOC_ARENA_MAX": "2",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}


def port_number(text: str) -> int:
    """A TCP port from the command line or the environment, with a plain message when it is not."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 1 to 65535")
    return port


def default_port() -> int:
    """The port to serve on without --port: $STREAMLIT_SERVER_PORT if set, else 8501."""
    text = os.environ.get(PORT_VARIABLE, "").strip()
    return port_number(text) if text else DEFAULT_PORT


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """The options `tightrope run` and `tightrope demo` share."""
    parser.add_argument(
        "--port",
        type=port_number,
        help=f"port to listen on (default: ${PORT_VARIABLE}, else {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--open",
        action="store_true",
        help="open the dashboard in your default browser once it answers",
    )


def chosen_port(args: argparse.Namespace) -> int:
    """--port if given, else the default port; a bad $STREAMLIT_SERVER_PORT stops with a message."""
    if args.port is not None:
        return int(args.port)
    try:
        return default_port()
    except argparse.ArgumentTypeError as error:
        raise SystemExit(f"tightrope: {PORT_VARIABLE}: {error}") from None


def add_address_options(parser: argparse.ArgumentParser) -> None:
    """The options only `tightrope run` has: where to listen and where sign-in is configured."""
    parser.add_argument(
        "--address",
        default=LOOPBACK,
        help=f"address to listen on (default: {LOOPBACK}); any other needs sign-in configured",
    )
    parser.add_argument(
        "--secrets",
        type=Path,
        help="the secrets.toml holding the [auth] section for sign-in "
        "(default: Streamlit's, .streamlit/secrets.toml in your home folder, here or beside "
        "the app)",
    )


def streamlit_command(
    port: int, *, address: str = LOOPBACK, secrets: Path | None = None
) -> list[str]:
    """The command line that serves the dashboard on `address`:`port` (`secrets`: read only
    that secrets.toml instead of Streamlit's usual places)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        f"--server.port={port}",
        *(
            f"--server.address={address}" if flag.startswith("--server.address=") else flag
            for flag in SECURE_FLAGS
        ),
        *([f"--secrets.files={secrets}"] if secrets is not None else []),
    ]


def secrets_files(secrets: Path | None) -> list[Path]:
    """The secrets.toml files the server will read: `secrets` alone, else Streamlit's places."""
    return [secrets] if secrets is not None else default_secrets_files()


def check_serving(address: str, secrets: Path | None, env: Environment) -> str | None:
    """Why the server must not start with these settings, in plain words, or None.

    With an `[auth]` section (practice mode) every key must be there, the cookie secret long
    enough and the database a PostgreSQL server; without one, only loopback is served: anyone
    who can reach another address would otherwise read the local account's journal.
    """
    if secrets is not None and not secrets.is_file():
        return f"The secrets file {secrets} does not exist."
    try:
        section = read_auth_section(secrets_files(secrets))
        if section is not None:
            check_auth_section(section)
    except SigninConfigError as error:
        return str(error)
    if section is None:
        if is_loopback(address):
            return None
        return (
            f"Tightrope serves {address} only with sign-in configured: without it anyone who "
            "reaches that address would read your journal. Add an [auth] section to "
            'secrets.toml (README, "Running Tightrope for a practice"), or leave out '
            "--address to serve this machine only."
        )
    return practice_database_problem(env.database_url)


def port_in_use(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _serve(
    args: argparse.Namespace,
    overrides: dict[str, str] | None = None,
    *,
    address: str = LOOPBACK,
    secrets: Path | None = None,
) -> int:
    port = chosen_port(args)
    host = f"[{address}]" if ":" in address else address
    url = f"http://{LOOPBACK if address in ('0.0.0.0', '::') else host}:{port}"
    if args.open:
        if port_in_use(port):  # the browser would open whatever answers there
            print(f"Port {port} is already in use: choose another with --port.", file=sys.stderr)
            return 1
        # The helper waits for this server (our pid: execve below keeps it) to answer.
        opener = [sys.executable, "-m", "dashboard.cli.opener", url, str(os.getpid())]
        subprocess.run(opener, stdin=subprocess.DEVNULL, check=False)
    command = streamlit_command(port, address=address, secrets=secrets)
    print(f"Tightrope is starting at {url}  (Ctrl+C stops it)", flush=True)
    env = {**SERVER_ENV, **os.environ, **(overrides or {})}  # a variable the user set wins
    os.execve(command[0], command, env)  # replaces this process: Ctrl+C reaches Streamlit directly
    return 0  # pragma: no cover


def cmd_run(args: argparse.Namespace) -> int:
    """Start the dashboard on the configured database."""
    env = load_environment()
    refusal = check_serving(args.address, args.secrets, env)
    if refusal is not None:
        print(f"tightrope: {refusal}", file=sys.stderr)
        return 2
    files = secrets_files(args.secrets)
    for path in readable_by_everyone(files):
        print(
            f"tightrope: warning: every user of this machine can read {path}; "
            f"`chmod o-r {path}` keeps its secrets to the service.",
            file=sys.stderr,
        )
    print(f"Data: {env.location}")
    section = read_auth_section(files)  # checked whole by check_serving
    if section is not None:
        where = urlsplit(section["redirect_uri"])
        print(f"Practice mode: people sign in at {where.scheme}://{where.netloc}")
    return _serve(args, address=args.address, secrets=args.secrets)


def _is_sqlite(path: Path) -> bool:
    """Whether `path` is a SQLite database file (its first 16 bytes say so), or empty."""
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError:
        return False
    return head in (b"", b"SQLite format 3\x00")


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the dashboard on a separate demo database, seeded on first use."""
    from dashboard.cli.database import open_database
    from data.damage import DamagedDatabaseError
    from data.demo import seed_demo

    env = load_environment()
    path = Path(args.database) if args.database else env.demo_path
    real = env.database_path
    if real is not None and path.resolve() == real.resolve():
        # --fresh deletes the demo file: it must never be the journal itself.
        print(
            f"{path} is your own database, not a demo one. Choose another --database.",
            file=sys.stderr,
        )
        return 2
    if args.fresh:
        if path.exists() and not _is_sqlite(path) and "demo" not in path.name:
            # --fresh deletes a demo database; a file of any other kind was named by mistake.
            print(
                f"{path} is not a demo database, so --fresh will not delete it. Choose another "
                "--database.",
                file=sys.stderr,
            )
            return 2
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = sqlite_url(path)
    now = datetime.now(local_timezone())
    # A given --today seeds that whole day (tests, screenshots); otherwise the demo stops at now.
    try:
        with open_database(url=url) as engine:
            added = seed_demo(
                engine,
                args.today or now.date(),
                local_timezone(),
                until=None if args.today else now,
                owner=current_account(),
            )
    except DamagedDatabaseError:
        # Made-up data: nothing to restore, a fresh demo is as good.
        print(
            f"The demo database at {path} cannot be read; `tightrope demo --fresh` makes it anew.",
            file=sys.stderr,
        )
        return 1
    print(f"Demo data: {path} ({added} sessions added)" if added else f"Demo data: {path}")
    if args.seed_only:
        return 0
    return _serve(args, {DATABASE_URL_VARIABLE: url, DEMO_VARIABLE: "1"})
