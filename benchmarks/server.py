"""Start and stop Streamlit servers for the browser benchmarks, and read their memory."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dashboard.cli.opener import wait_until_ready
from dashboard.cli.run import SECURE_FLAGS, SERVER_ENV, streamlit_command

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Server:
    """A running Streamlit server."""

    url: str
    pid: int


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    if wait_until_ready(url, timeout=90, still_running=lambda: process.poll() is None, poll=0.1):
        return
    if process.poll() is not None:
        raise RuntimeError(f"server exited:\n{log.read_text(errors='replace')[-2000:]}")
    raise RuntimeError(f"server did not start:\n{log.read_text(errors='replace')[-2000:]}")


@contextmanager
def serve(script: Path | None, env: Mapping[str, str], workdir: Path) -> Iterator[Server]:
    """Serve Tightrope (script None) or a bare benchmark app with Tightrope's secure flags."""
    port = free_port()
    if script is None:
        command = streamlit_command(port)
    else:
        command = [
            *streamlit_command(port)[:4],
            str(script),
            f"--server.port={port}",
            *SECURE_FLAGS,
        ]
    # Tightrope gets the environment `tightrope run` gives it; the bare apps run as plain
    # `streamlit run` would.
    defaults = SERVER_ENV if script is None else {}
    full_env = {**defaults, **os.environ, "TZ": "Europe/Berlin", **env}
    full_env.pop("TIGHTROPE_DEMO", None)
    log = workdir / f"server-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=sink, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")
