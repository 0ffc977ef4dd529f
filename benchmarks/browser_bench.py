"""Tightrope in Chromium against bare Streamlit apps: page draw time, save time and server memory.

Each comparison runs both servers side by side in the same run with interleaved measurements.
Chromium's resolver maps every host except 127.0.0.1 to nothing, so nothing leaves the machine;
requests to other hosts are still recorded and reported.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from benchmarks.datasets import build_database, ten_years
from benchmarks.report import Report
from benchmarks.server import HERE, Server, rss_mib, serve
from benchmarks.timing import interleaved_self_timed
from dashboard.packet.pdf import OFFLINE_FLAGS
from data.environment import sqlite_url

CHROMIUM_ARGS = [*OFFLINE_FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
TIMEOUT_MS = 90_000
SETTLE_MS = 400  # a pause before a timed click, as a user makes (Saver)
# Navigation and saving take a fraction of a second each, and their ratio to the bare app moved
# by about ±0.1 between runs of 15 rounds (BENCHMARKS.md), mostly with the bare page's own time.
# They always take at least this many interleaved rounds (about a minute each), whatever --runs.
MIN_QUICK_ROUNDS = 31
# Idle, at least one chart, and every chart's SVG drawn by Plotly.
ALL_CHARTS_DRAWN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
  return charts.length > 0 && [...charts].every((c) => c.querySelector(".main-svg"));
}"""
# Idle, and any chart on the page drawn (pages without charts count as drawn).
PAGE_SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (!document.querySelector("[data-testid='stMain'] h1")) return false;
  const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
  return [...charts].every((c) => c.querySelector(".main-svg"));
}"""
# Times a save in the page's own clock: from the click on the Save button (a capture listener,
# so before Streamlit handles it) to the first animation frame in which the confirmation with this
# text is in the page and takes up space, i.e. the frame that paints it. Timing from Python
# instead added Playwright's polling (a locator's wait_for checks after 0, 20, 50, 100, 100, then
# every 500 ms) and the delivery of its result, which the rest of the rerun's work slows down.
ARM_SAVE_TIMER = """([button, text]) => {
  const timer = (window.__tightropeSave = {clicked: null, shown: null});
  const present = () => [...document.querySelectorAll("[data-testid='stAlert']")].some(
    (alert) => alert.textContent.includes(text));
  const shown = () => [...document.querySelectorAll("[data-testid='stAlert']")].some(
    (alert) => alert.textContent.includes(text) && alert.getBoundingClientRect().height > 0);
  const onFrame = () => {
    // performance.now(), not the frame's timestamp: that is taken at the frame's vsync, which can
    // be earlier than the task that put the confirmation in.
    if (shown()) { timer.shown = performance.now(); return; }
    requestAnimationFrame(onFrame);
  };
  // Frames are watched only once the confirmation is in the page: checking every frame from the
  // click on cost each waiting tab CPU that, under load, the server and the other tabs lacked.
  const observer = new MutationObserver(() => {
    if (timer.clicked === null || !present()) return;
    observer.disconnect();
    requestAnimationFrame(onFrame);
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  document.addEventListener("click", (event) => {
    const target = event.target.closest && event.target.closest("button");
    if (target && target.textContent.trim() === button && timer.clicked === null) {
      timer.clicked = performance.now();
    }
  }, {capture: true});
}"""
SAVE_SHOWN = "() => window.__tightropeSave && window.__tightropeSave.shown !== null"


def chromium_path() -> str:
    """Debian's Chromium (or $TIGHTROPE_CHROMIUM); the benchmark needs a real browser."""
    path = os.environ.get("TIGHTROPE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    return path


class Visits:
    """Opens pages in fresh browser contexts and records any request to another host."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.foreign: list[str] = []

    @contextmanager
    def page(self) -> Iterator[Page]:
        """A page in a new context (a new Streamlit session, no browser cache)."""
        context: BrowserContext = self.browser.new_context(viewport={"width": 1300, "height": 1000})
        context.on("request", self._check)
        try:
            yield context.new_page()
        finally:
            context.close()

    def _check(self, request: object) -> None:
        url = str(getattr(request, "url", ""))
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and (
            urlsplit(url).hostname != "127.0.0.1"
        ):
            self.foreign.append(url)

    def time_to_charts(self, url: str) -> float:
        """Seconds from navigating to `url` until every Plotly chart on it is drawn."""
        with self.page() as page:
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_function(ALL_CHARTS_DRAWN, polling="raf", timeout=TIMEOUT_MS)
            return time.perf_counter() - start


def _wait_ready(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS
    )


class Saver:
    """Saves one entry per call on an open page and returns click-to-confirmation seconds."""

    def __init__(self, page: Page, *, tightrope: bool) -> None:
        self.page = page
        self.tightrope = tightrope
        self.count = 0
        self.started = 0.0  # perf_counter at the last timed click (benchmarks.save_frames)

    def __call__(self) -> float:
        """Fill the form, click Save and wait for this entry's confirmation."""
        self.count += 1
        page = self.page
        code = f"B-{self.count:03d}"
        if self.tightrope:
            page.get_by_role("combobox", name="Client code").click()
            page.keyboard.type(code)
            # Click the new option: Enter would take the first fuzzy match among earlier codes.
            page.get_by_role("option", name=f"Add: {code}").click()
            button, confirmation = "Save session", f"Saved {code} at"
        else:
            page.get_by_label("Client code").fill(code)
            button, confirmation = "Save", f"Saved {code}."
        save = page.get_by_role("button", name=button)
        # The user's pause before pressing Save, for both apps: without it the timer also caught
        # the end of the previous step (the code picker's closing dropdown, which Playwright's
        # click waits out until the button stands still), which is not part of saving.
        page.get_by_role("listbox").wait_for(state="hidden", timeout=TIMEOUT_MS)
        page.wait_for_timeout(SETTLE_MS)
        page.evaluate(ARM_SAVE_TIMER, [button, confirmation])
        self.started = time.perf_counter()
        save.click()
        page.wait_for_function(SAVE_SHOWN, timeout=TIMEOUT_MS)
        timer = page.evaluate("window.__tightropeSave")
        seconds = (timer["shown"] - timer["clicked"]) / 1000
        page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS
        )
        return seconds


def page_urls(visits: Visits, app: Server) -> list[str]:
    """Every page in Tightrope's navigation, as absolute URLs."""
    with visits.page() as page:
        page.goto(app.url)
        page.wait_for_function(PAGE_SETTLED, polling=100, timeout=TIMEOUT_MS)
        links = page.locator("[data-testid='stSidebarNav'] a")
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    return [h if h.startswith("http") else f"{app.url}/{h.lstrip('/')}" for h in hrefs] or [app.url]


def visit_every_page(visits: Visits, urls: list[str]) -> None:
    """Open each page in one session and wait until it is idle with its charts drawn."""
    with visits.page() as page:
        for url in urls:
            page.goto(url)
            page.wait_for_function(PAGE_SETTLED, polling=100, timeout=TIMEOUT_MS)


BACK_AT_START = """([title]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const h1 = document.querySelector("[data-testid='stMain'] h1");
  return !!h1 && h1.textContent.trim().startsWith(title) &&
    document.querySelectorAll("[data-testid='stPlotlyChart']").length === 0;
}"""


class Navigator:
    """Clicks a sidebar link in an open app, times it until every chart is drawn, then goes back."""

    def __init__(self, page: Page, target: str, back: str) -> None:
        self.page, self.target, self.back = page, target, back

    def __call__(self) -> float:
        """Seconds from the click on the target link to every chart on that page drawn."""
        nav = self.page.get_by_test_id("stSidebarNav")
        start = time.perf_counter()
        nav.get_by_role("link", name=self.target).click()
        self.page.wait_for_function(ALL_CHARTS_DRAWN, polling="raf", timeout=TIMEOUT_MS)
        seconds = time.perf_counter() - start
        nav.get_by_role("link", name=self.back).click()
        self.page.wait_for_function(BACK_AT_START, arg=[self.back], timeout=TIMEOUT_MS)
        return seconds


def _navigation_timings(
    report: Report, visits: Visits, app: Server, chart: Server, runs: int
) -> None:
    """The Review page against the bare chart page: a sidebar click in the open app."""
    with visits.page() as app_page, visits.page() as bare_page:
        app_page.goto(app.url)
        _wait_ready(app_page, "Save session")
        bare_page.goto(chart.url)
        bare_page.wait_for_function(BACK_AT_START, arg=["Start"], timeout=TIMEOUT_MS)
        review, bare = interleaved_self_timed(
            [
                (
                    "Review page: sidebar click → every chart drawn",
                    Navigator(app_page, "Weekly review", "Log a session"),
                ),
                (
                    "bare app: sidebar click → its chart drawn",
                    Navigator(bare_page, "Chart", "Start"),
                ),
            ],
            runs=max(runs, MIN_QUICK_ROUNDS),
        )
    report.time(review)
    report.time(bare)
    report.ratio("Review ÷ bare chart page, navigation in the open app", review, bare, 1.5)


def _page_timings(report: Report, visits: Visits, app: Server, chart: Server, runs: int) -> None:
    """The Review page against the bare chart page: in-app navigation and opening a new tab."""
    _navigation_timings(report, visits, app, chart, runs)
    cold_review, cold_bare = interleaved_self_timed(
        [
            (
                "Review page: opened in a new tab → every chart drawn",
                lambda: visits.time_to_charts(f"{app.url}/review"),
            ),
            (
                "bare chart page: opened in a new tab → chart drawn",
                lambda: visits.time_to_charts(f"{chart.url}/chart"),
            ),
        ],
        runs=runs,
    )
    report.time(cold_review)
    report.time(cold_bare)
    report.ratio("Review ÷ bare chart page, opened in a new tab", cold_review, cold_bare, 1.5)


def _save_timings(report: Report, visits: Visits, app: Server, form: Server, runs: int) -> None:
    """Click Save → confirmation on the Log page (ten years stored) against a bare form."""
    with visits.page() as log_page, visits.page() as form_page:
        log_page.goto(app.url)
        _wait_ready(log_page, "Save session")
        form_page.goto(form.url)
        _wait_ready(form_page, "Save")
        save_time, bare_save = interleaved_self_timed(
            [
                ("save: click Save → confirmation", Saver(log_page, tightrope=True)),
                ("bare form: click Save → confirmation", Saver(form_page, tightrope=False)),
            ],
            runs=max(runs, MIN_QUICK_ROUNDS),
        )
    report.time(save_time)
    report.time(bare_save)
    report.ratio("save ÷ bare form save", save_time, bare_save, 1.3)


def _tightrope_and_bare_chart(stack: ExitStack, work: Path) -> tuple[Server, Server]:
    """Serve Tightrope on the ten-year history and the bare chart app until `stack` closes."""
    build_database(work / "ten-years.sqlite3", ten_years()).dispose()
    tightrope_env = {
        "TIGHTROPE_DATABASE_URL": sqlite_url(work / "ten-years.sqlite3"),
        "XDG_DATA_HOME": str(work / "xdg"),
    }
    app = stack.enter_context(serve(None, tightrope_env, work))
    chart = stack.enter_context(serve(HERE / "bare_chart.py", {}, work))
    return app, chart


def _browser(stack: ExitStack) -> Visits:
    playwright = stack.enter_context(sync_playwright())
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    stack.callback(browser.close)
    return Visits(browser)


def run_review(report: Report, runs: int) -> None:
    """Only the Review page's navigation against the bare chart page (the quick loop for it)."""
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as folder, ExitStack() as stack:
        app, chart = _tightrope_and_bare_chart(stack, Path(folder))
        visits = _browser(stack)
        report.notes.append(f"Load average at the start of the Review timings: {_load()}.")
        _navigation_timings(report, visits, app, chart, runs)
        if visits.foreign:
            report.notes.append(f"Requests to other hosts (blocked): {sorted(set(visits.foreign))}")


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def run_browser(report: Report, runs: int, *, timings: bool = True) -> None:
    """Measure Review vs bare chart, save vs bare form, and server memory; add them to `report`.

    With `timings` False only the memory figures are taken (pages visited, no timed runs).
    """
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as folder, ExitStack() as stack:
        work = Path(folder)
        app, chart = _tightrope_and_bare_chart(stack, work)
        minimal = stack.enter_context(serve(HERE / "bare_chart_minimal.py", {}, work))
        form = stack.enter_context(
            serve(HERE / "bare_form.py", {"BARE_FORM_DATABASE": str(work / "bare.sqlite3")}, work)
        )
        visits = _browser(stack)

        urls = page_urls(visits, app)
        if timings:
            _page_timings(report, visits, app, chart, runs)
            _save_timings(report, visits, app, form, runs)
        else:
            report.notes.append("Memory only: no timed runs before the pages were visited.")

        visit_every_page(visits, urls)
        visits.time_to_charts(f"{chart.url}/chart")
        visits.time_to_charts(minimal.url)
        time.sleep(2)  # let the servers finish any work the last visits started
        app_rss, chart_rss, minimal_rss = rss_mib(app.pid), rss_mib(chart.pid), rss_mib(minimal.pid)
        # A fresh server for the memory-only tour; otherwise the one that served every timed run.
        where = "" if not timings else ", after the timed runs"
        report.memory(f"server RSS, every page visited, ten years{where}", app_rss)
        report.memory("bare chart app RSS (pandas + Plotly Express)", chart_rss)
        report.memory("minimal chart app RSS (numpy + plotly.graph_objects)", minimal_rss)
        report.memory("bare form app RSS", rss_mib(form.pid))
        report.ratio_of("server RSS ÷ bare chart app RSS", app_rss / chart_rss, 1.5)
        report.ratio_of("server RSS ÷ minimal chart app RSS", app_rss / minimal_rss, 1.5)
        paths = ", ".join(urlsplit(u).path or "/" for u in urls)
        report.notes.append(f"Pages visited for memory: {paths}.")
        if visits.foreign:
            report.notes.append(f"Requests to other hosts (blocked): {sorted(set(visits.foreign))}")
        else:
            report.notes.append("No page requested any host other than 127.0.0.1.")
