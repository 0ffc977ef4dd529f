"""The network fence itself: a request to another host is recorded and never leaves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.e2e.conftest import NetworkFence, RunningApp, is_local, open_page

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8501/_stcore/health", True),
        ("ws://127.0.0.1:8501/_stcore/stream", True),
        ("data:image/png;base64,AAAA", True),
        ("http://localhost:8501/", False),
        ("https://fonts.googleapis.com/css2?family=Source+Sans", False),
        ("http://127.0.0.1.example.org/", False),
    ],
)
def test_only_loopback_counts_as_local(url: str, local: bool) -> None:
    assert is_local(url) is local


def test_fence_records_and_blocks_foreign_requests(
    context: BrowserContext, page: Page, app: RunningApp
) -> None:
    guard = NetworkFence()
    context.route("**/*", guard.on_route)
    context.route_web_socket(re.compile(r".*"), guard.on_web_socket)
    open_page(page, app.url)  # the app's own websocket to 127.0.0.1 passes
    outcome = page.evaluate(
        """() => fetch("https://example.org/tracker.js").then(() => "sent", () => "blocked")"""
    )
    assert outcome == "blocked"
    closed = page.evaluate(
        """() => new Promise((done) => {
             const ws = new WebSocket("wss://example.org/socket");
             ws.onopen = () => done("open");
             ws.onclose = () => done("closed");
           })"""
    )
    assert closed == "closed"
    assert guard.foreign == ["https://example.org/tracker.js", "wss://example.org/socket"]
