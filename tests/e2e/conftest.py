"""Real-browser fixtures: the real app on a free port and Debian's Chromium with the network fenced.

Every test gets its own server on its own temporary database. Every request the page makes to a
host other than 127.0.0.1 is recorded and aborted, and the test fails at teardown if there was one.
Without Chromium the tests skip locally; under CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, WebSocketRoute
from sqlalchemy import Engine

from dashboard.cli.opener import wait_until_ready
from dashboard.cli.run import SERVER_ENV, streamlit_command
from dashboard.packet.pdf import OFFLINE_FLAGS
from data.db import make_engine
from data.demo import seed_demo
from data.practice import permit_domain
from data.schema import ensure_schema
from tests.factories import OWNER, write_secrets
from tests.pg import APP_ROLE, OWNER_ROLE, PostgresServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_VARIABLE = "TIGHTROPE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = list(OFFLINE_FLAGS)
LOCAL_HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
DEMO_ZONE = ZoneInfo("Europe/Berlin")
# Streamlit marks its root element with the script's run state; "notRunning" means idle.
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def pytest_configure(config: pytest.Config) -> None:
    """Silence pytest-playwright's own deprecation notice about its base_url fixture."""
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is an `e2e` test, so `-m "not e2e"` leaves the browser out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def find_chromium() -> str | None:
    """The Chromium executable to drive: $TIGHTROPE_CHROMIUM, Debian's, or one on PATH."""
    for candidate in (os.environ.get(CHROMIUM_VARIABLE), DEFAULT_CHROMIUM):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Chromium's path; skip without it, except under CI where it must be installed."""
    path = find_chromium()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}: browser journeys cannot be skipped under CI", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], chromium_executable: str
) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at the system Chromium (nothing downloaded)."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop-sized window in the tests' timezone that accepts downloads."""
    return {
        **browser_context_args,
        "viewport": {"width": 1300, "height": 1000},
        "timezone_id": "Europe/Berlin",
        "locale": "en-GB",
        "accept_downloads": True,
    }


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (the app, or an inline data/blob URL)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == LOCAL_HOST


@dataclass
class NetworkFence:
    """Requests the page tried to send to other hosts (aborted before they left)."""

    foreign: list[str] = field(default_factory=list)

    def on_route(self, route: Route) -> None:
        """Let requests to 127.0.0.1 through; record and abort everything else."""
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    def on_web_socket(self, ws: WebSocketRoute) -> None:
        """Pass local websockets to the server; record and close any other."""
        if is_local(ws.url):
            ws.connect_to_server()
        else:
            self.foreign.append(ws.url)
            ws.close()


@pytest.fixture
def fence(context: BrowserContext) -> Iterator[NetworkFence]:
    """Route interception on the whole context; the test fails if any foreign host was asked."""
    guard = NetworkFence()
    context.route("**/*", guard.on_route)
    context.route_web_socket(re.compile(r".*"), guard.on_web_socket)
    yield guard
    assert guard.foreign == [], f"the page tried to reach other hosts: {guard.foreign}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll Streamlit's health endpoint until it answers ok; fail with the server log if not."""
    if wait_until_ready(url, timeout=timeout, still_running=lambda: process.poll() is None):
        return
    if process.poll() is not None:
        raise RuntimeError(f"the app exited early:\n{log.read_text(errors='replace')[-3000:]}")
    raise RuntimeError(f"the app did not start in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@dataclass(frozen=True)
class RunningApp:
    """A Tightrope server started for one test."""

    url: str
    pid: int
    log: Path


def spawn_logged(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `command` from the repository in a session of its own, its output into `log`."""
    with log.open("wb") as sink:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_app(database_url: str, workdir: Path) -> tuple[subprocess.Popen[bytes], RunningApp]:
    """Start `streamlit run dashboard/app.py` with the secure flags on a free port."""
    port = free_port()
    env = {
        **SERVER_ENV,  # the environment `tightrope run` gives the server (malloc arenas, Arrow)
        **os.environ,
        "TIGHTROPE_DATABASE_URL": database_url,
        "TZ": "Europe/Berlin",
        "XDG_DATA_HOME": str(workdir / "xdg-data"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TIGHTROPE_DEMO", None)
    log = workdir / "streamlit.log"
    process = spawn_logged(streamlit_command(port), env, log)
    url = f"http://{LOCAL_HOST}:{port}"
    try:
        wait_healthy(url, process, log, START_TIMEOUT_S)
    except BaseException:
        stop_app(process)
        raise
    return process, RunningApp(url=url, pid=process.pid, log=log)


def stop_app(process: subprocess.Popen[bytes]) -> None:
    """Stop the server this fixture started (and only it)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def app(db_url: str, tmp_path: Path, chromium_executable: str) -> Iterator[RunningApp]:
    """The real app on this test's own (empty, or seeded by an earlier fixture) database."""
    process, running = start_app(db_url, tmp_path)
    yield running
    stop_app(process)


@pytest.fixture
def demo_app(
    engine: Engine, db_url: str, tmp_path: Path, chromium_executable: str
) -> Iterator[RunningApp]:
    """The real app on a database holding the demo history (six months ending today)."""
    seed_demo(engine, local_today(), DEMO_ZONE, owner=OWNER)
    engine.dispose()
    process, running = start_app(db_url, tmp_path)
    yield running
    stop_app(process)


def local_today() -> date:
    """Today in the timezone the app runs in."""
    return datetime.now(DEMO_ZONE).date()


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until the Streamlit script has finished its run."""
    page.wait_for_selector(IDLE, timeout=timeout)


def open_page(page: Page, url: str, *, ready: str | None = None) -> None:
    """Open `url`, wait for the app's first run and, if given, for the button named `ready`."""
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    if ready is not None:
        # The run state flips to idle once before the first script run: wait for real content.
        page.get_by_role("button", name=ready).wait_for(timeout=30_000)
    wait_idle(page)


# Idle, at least one chart, and every chart's SVG drawn (Plotly draws after the script is idle).
_ALL_CHARTS_DRAWN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const charts = document.querySelectorAll("[data-testid='stMain'] [data-testid='stPlotlyChart']");
  return charts.length > 0 && [...charts].every((c) => c.querySelector(".main-svg"));
}"""


def wait_charts_drawn(page: Page, timeout: float = 60_000) -> int:
    """Wait until every Plotly chart on the page is drawn; return how many there are."""
    page.wait_for_function(_ALL_CHARTS_DRAWN, timeout=timeout)
    return page.get_by_test_id("stMain").get_by_test_id("stPlotlyChart").count()


def go_to(page: Page, title: str) -> None:
    """Open a page from the sidebar navigation, as a user does, and wait for its run."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=30_000)
    wait_idle(page)


# --- a practice server: PostgreSQL, a local OpenID Connect provider, sign-in ---------------------

PRACTICE_DOMAIN = "practice.test"
"""The e-mail domain the practice permits (data.practice.permit_domain)."""


@dataclass(frozen=True)
class PracticeServer:
    """Tightrope in practice mode, and the provider its people sign in at."""

    url: str
    pid: int
    provider: str
    log: Path
    database_url: str = field(repr=False)  # the dashboard's role
    owner_url: str = field(repr=False)  # the administrator's (`tightrope practice`)
    secrets: tuple[str, ...] = field(repr=False)  # the cookie and client secrets, to look for

    def set_person(self, subject: str, **claims: object) -> None:
        """Tell the provider who `subject` is (email, email_verified, name), before they sign in."""
        request = urllib.request.Request(
            f"{self.provider}/users/{subject}",
            data=json.dumps(claims).encode(),
            headers={"Content-Type": "application/json"},
            method="PUT",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 204


def start_provider(port: int, log: Path) -> subprocess.Popen[bytes]:
    """tests/e2e/identity_provider.py on 127.0.0.1:`port`, answering its discovery document."""
    command = [sys.executable, "-m", "tests.e2e.identity_provider", str(port)]
    process = spawn_logged(command, dict(os.environ), log)
    discovery = f"http://{LOCAL_HOST}:{port}/.well-known/openid-configuration"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(discovery, timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop_app(process)
    raise RuntimeError(f"the identity provider did not start:\n{log.read_text()[-3000:]}")


@contextmanager
def serve_practice(postgres: PostgresServer, folder: Path) -> Iterator[PracticeServer]:
    """`tightrope run --secrets FILE` on a fresh database of `postgres` migrated by its owner,
    with sign-in at a local provider and the practice permitting everyone at PRACTICE_DOMAIN.

    The secrets file is written to `folder`: the repository's .streamlit stays as it is. Used by
    the `practice` fixture and by benchmarks/practice_stack.py.
    """
    database = postgres.create_database()
    app_url, owner_url = postgres.url(database, APP_ROLE), postgres.url(database, OWNER_ROLE)
    engine = make_engine(app_url)
    ensure_schema(engine, migration_url=owner_url)  # migrated as the owner, as at a server's start
    engine.dispose()
    administrator = make_engine(owner_url)
    permit_domain(administrator, domain=PRACTICE_DOMAIN)
    administrator.dispose()

    provider_port, app_port = free_port(), free_port()
    provider = start_provider(provider_port, folder / "provider.log")
    cookie_secret, client_secret = secrets.token_urlsafe(48), secrets.token_urlsafe(24)
    secrets_file = write_secrets(
        folder / "secrets.toml",
        {
            "redirect_uri": f"http://{LOCAL_HOST}:{app_port}/oauth2callback",
            "cookie_secret": cookie_secret,
            "client_id": "tightrope",
            "client_secret": client_secret,
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
        "XDG_DATA_HOME": str(folder / "xdg-data"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TIGHTROPE_DEMO", None)
    log = folder / "streamlit.log"
    command = [sys.executable, "-m", "dashboard.cli", "run", "--port", str(app_port)]
    process = spawn_logged([*command, "--secrets", str(secrets_file)], env, log)
    url = f"http://{LOCAL_HOST}:{app_port}"
    try:
        wait_healthy(url, process, log, START_TIMEOUT_S)
        yield PracticeServer(
            url=url,
            pid=process.pid,
            provider=f"http://{LOCAL_HOST}:{provider_port}",
            log=log,
            database_url=app_url,
            owner_url=owner_url,
            secrets=(cookie_secret, client_secret),
        )
    finally:
        stop_app(process)
        stop_app(provider)
        postgres.drop_database(database)


@pytest.fixture(scope="session")
def practice(
    postgres: PostgresServer, chromium_executable: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PracticeServer]:
    """The practice server of the session's journeys (serve_practice)."""
    with serve_practice(postgres, tmp_path_factory.mktemp("practice")) as server:
        yield server


@dataclass
class RequestLog:
    """Every request a browser context made (page.on("request") on each of its pages)."""

    urls: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """The requests that went to a host other than 127.0.0.1."""
        return [url for url in self.urls if not is_local(url)]


@dataclass
class People:
    """Fresh browser contexts, one per person, each fenced and with its requests recorded."""

    browser: Browser
    options: dict[str, Any]
    requests: RequestLog = field(default_factory=RequestLog)
    fence: NetworkFence = field(default_factory=NetworkFence)
    contexts: list[BrowserContext] = field(default_factory=list)

    def new_page(self) -> Page:
        """A page in a context of its own (its own cookies: another person's browser)."""
        context = self.browser.new_context(**self.options)
        context.route("**/*", self.fence.on_route)
        context.route_web_socket(re.compile(r".*"), self.fence.on_web_socket)
        self.contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: self.requests.urls.append(request.url))
        return page


@pytest.fixture
def people(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[People]:
    """A maker of browser contexts; the test fails if any of them asked a host but 127.0.0.1."""
    made = People(browser, browser_context_args)
    yield made
    for context in made.contexts:
        context.close()
    assert made.requests.foreign() == [], f"requests left 127.0.0.1: {made.requests.foreign()}"
    assert made.fence.foreign == [], f"the pages tried to reach other hosts: {made.fence.foreign}"
