"""`tightrope run --open`: the page opens in the default browser once the server answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.cli import run
from dashboard.cli.opener import answers, open_when_ready
from tests.e2e.conftest import free_port
from tests.paths import ROOT


def fake_browser(tmp_path: Path) -> tuple[Path, Path]:
    """A 'browser' that records the URLs it was asked to open: (its path, its record)."""
    record = tmp_path / "opened.txt"
    script = tmp_path / "browser"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"with open({str(record)!r}, 'a') as out:\n    out.write(sys.argv[1] + '\\n')\n"
    )
    script.chmod(0o700)
    return script, record


def test_run_open_opens_the_page_once_the_server_answers(tmp_path: Path) -> None:
    browser, record = fake_browser(tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BROWSER": str(browser), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "run", "--open", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the server and the helper stop together
    )
    try:
        deadline = time.monotonic() + 90
        while not record.exists() and time.monotonic() < deadline:
            assert server.poll() is None, "the server stopped"
            time.sleep(0.2)
        assert answers(url), "the page was opened before the server answered"
        time.sleep(1)  # a second open would come now
        assert record.read_text().splitlines() == [url]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


class Recorder:
    """A stand-in for webbrowser.open that records what it was asked to open."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        return True


def test_nothing_opens_when_the_server_never_answers() -> None:
    browser = Recorder()
    url = f"http://127.0.0.1:{free_port()}"
    assert not open_when_ready(url, timeout=1.0, open_page=browser)
    assert browser.opened == []


def test_the_helper_stops_with_its_server() -> None:
    browser = Recorder()
    started = time.monotonic()
    url = f"http://127.0.0.1:{free_port()}"
    assert not open_when_ready(url, still_running=lambda: False, open_page=browser)
    assert browser.opened == [] and time.monotonic() - started < 5


def test_open_refuses_a_port_that_is_taken(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The browser would open whatever answers there, perhaps another program's page.
    monkeypatch.setattr(run.os, "execve", lambda *args: pytest.fail("served"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["run", "--open", "--port", str(port)]) == 1
    assert f"Port {port} is already in use" in capsys.readouterr().err
