"""A practice server under load: N signed-in people saving and reviewing at once (issue 16, item 6).

    .venv/bin/python -m benchmarks.practice_load [--sessions 20] [--minutes 3] [--json out.json]

Starts the practice stack (benchmarks/practice_stack.py: PostgreSQL with fsync on, the local
OpenID Connect provider, `tightrope run --secrets`) and one Chromium. Every person signs in
through the browser (their account is created then) and is then given a year of sessions with
data.repository.insert_frame under that account, as the dashboard's role. Then, in one run:

1. single user: one signed-in person saves and opens the Review page, in turns, sequentially;
2. load: N people (that person and N − 1 more, each a context of the same Chromium, driven by
   Playwright's async API so they act at once) each save a session every 20–30 s (seeded) on the
   Log page and open their Review page between saves, for the given minutes.

Both times are taken in the page's own clock: Save from the click to the frame that paints the
"Saved …" confirmation (browser_bench.ARM_SAVE_TIMER), Review from the click on its sidebar link
to the frame in which the first Plotly chart's `.main-svg` is in the page. Prints a Markdown
table with each target and whether it holds. A benchmark, not a test: it exits 0 either way.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from benchmarks.browser_bench import (
    ALL_CHARTS_DRAWN,
    ARM_SAVE_TIMER,
    CHROMIUM_ARGS,
    SAVE_SHOWN,
    SETTLE_MS,
    chromium_path,
)
from benchmarks.datasets import CANCEL_RATE, CASELOAD, SEED
from benchmarks.load_figures import (
    MIB_PER_SESSION_LIMIT,
    REVIEW_LIMIT,
    SAVE_LIMIT,
    Line,
    check_rows,
    latency_lines,
    markdown,
    mib_per_session,
    percentile,
)
from benchmarks.practice_stack import (
    PracticeStack,
    Scheduling,
    chromium_pids,
    descendants,
    practice_stack,
    tree_rss_mib,
)
from benchmarks.run import machine
from core.synthetic import History, make_sessions
from data.repository import insert_frame
from tests.e2e.conftest import PRACTICE_DOMAIN

log = logging.getLogger("practice_load")

ZONE = "Europe/Berlin"
TIMEOUT_MS = 120_000
SINGLE_ROUNDS = 15
SAVE_EVERY_S = (20.0, 30.0)
SIGN_INS_AT_ONCE = 4  # sign-ins and first page loads, a few at a time
RSS_EVERY_S = 5.0
SCHED_EVERY_S = 0.5
SIGNS = ("Dread", "Detachment", "Fatigue")
CONTEXT: dict[str, Any] = {
    "viewport": {"width": 1300, "height": 1000},
    "timezone_id": ZONE,
    "locale": "en-GB",
}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
ERROR_ON_PAGE = "[data-testid='stException'], [data-testid='stAlertContentError']"
REVIEW_LINK, LOG_LINK = "Weekly review", "Log a session"
# The Review timer, like ARM_SAVE_TIMER: from the click on the sidebar link (capture listener) to
# the first animation frame in which a Plotly chart of the main area has drawn its SVG. The Log
# page has no chart, so the first one seen is the Review page's.
ARM_REVIEW_TIMER = """([link]) => {
  const timer = (window.__tightropeReview = {clicked: null, shown: null});
  const drawn = () => !!document.querySelector(
    "[data-testid='stMain'] [data-testid='stPlotlyChart'] .main-svg");
  const onFrame = () => {
    if (drawn()) { timer.shown = performance.now(); return; }
    requestAnimationFrame(onFrame);
  };
  // As ARM_SAVE_TIMER: the next frame is taken once the chart is in the page, not every frame.
  const observer = new MutationObserver(() => {
    if (timer.clicked === null || !drawn()) return;
    observer.disconnect();
    requestAnimationFrame(onFrame);
  });
  observer.observe(document.body, {subtree: true, childList: true});
  document.addEventListener("click", (event) => {
    const target = event.target.closest && event.target.closest("a");
    if (target && target.textContent.includes(link) && timer.clicked === null) {
      timer.clicked = performance.now();
    }
  }, {capture: true});
}"""
# Counts the script runs the page sees start (Streamlit's root turns to "running"), so a step's
# runs on the server can be told from its time: window.__tightropeRuns.
COUNT_RUNS = """(() => {
  window.__tightropeRuns = 0;
  let last = null;
  new MutationObserver(() => {
    const app = document.querySelector("[data-testid='stApp']");
    const state = app && app.getAttribute("data-test-script-state");
    if (state === "running" && last !== "running") window.__tightropeRuns += 1;
    last = state;
  }).observe(document, {subtree: true, attributes: true, childList: true,
                        attributeFilter: ["data-test-script-state"]});
})();"""
RUNS = "() => window.__tightropeRuns || 0"
REVIEW_SHOWN = "() => window.__tightropeReview && window.__tightropeReview.shown !== null"


@dataclass
class Observed:
    """Everything the browsers saw that counts against the run: errors and foreign requests."""

    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: int = 0
    phase: str = "sign-in"  # sign-in (setup, at the test provider), single, warm-up, load
    setup_errors: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        """Record an error of the current phase; sign-in's are setup, listed apart."""
        if self.phase == "sign-in":
            self.setup_errors.append(message)
        else:
            self.errors.append(f"[{self.phase}] {message}")

    def watch(self, context: BrowserContext, who: str) -> None:
        """Record 5xx answers, foreign requests, page errors and console errors of `context`."""

        def on_request(request: Any) -> None:
            self.requests += 1
            parts = urlsplit(request.url)
            if parts.scheme not in ("data", "blob", "about") and parts.hostname != "127.0.0.1":
                self.foreign.append(request.url)

        def on_response(response: Any) -> None:
            if response.status >= 500:
                self.error(f"{who}: HTTP {response.status} {response.url}")

        def on_page(page: Page) -> None:
            page.on("pageerror", lambda error: self.error(f"{who}: page error {error}"))
            page.on(
                "console",
                lambda message: (
                    self.error(
                        f"{who}: console error {message.text[:300]} "
                        f"at {message.location.get('url', '?')}"
                    )
                    if message.type == "error"
                    else None
                ),
            )

        context.on("request", on_request)
        context.on("response", on_response)
        context.on("page", on_page)


@dataclass
class Person:
    """One therapist in their own browser context, with their own seeded timing and ratings."""

    index: int
    subject: str
    stack: PracticeStack
    observed: Observed
    rng: random.Random
    state: Any = None  # Playwright's StorageState: the signed-in cookies
    account: int = 0
    page: Page | None = None
    saves: list[float] = field(default_factory=list)
    reviews: list[float] = field(default_factory=list)
    attempted: int = 0
    confirmed: int = 0
    events: list[tuple[str, float, float]] = field(default_factory=list)  # kind, start, seconds
    runs: dict[str, list[int]] = field(default_factory=lambda: {"save": [], "review": []})

    async def sign_in(self, browser: Browser) -> None:
        """Sign in at the provider's form in a fresh context and keep its cookies."""
        email = f"{self.subject}@{PRACTICE_DOMAIN}"
        await asyncio.to_thread(
            self.stack.set_person, self.subject, email=email, email_verified=True, name=self.subject
        )
        context = await browser.new_context(**CONTEXT)
        self.observed.watch(context, self.subject)
        page = await context.new_page()
        await page.goto(self.stack.url)
        await page.get_by_role("button", name="Sign in").click(timeout=TIMEOUT_MS)
        await page.wait_for_url(f"{self.stack.provider}/oauth2/authorize**", timeout=TIMEOUT_MS)
        await page.locator("input[name='sub']").fill(self.subject)
        await page.get_by_role("button", name="Authorize").click()
        await page.wait_for_url(f"{self.stack.url}/**", timeout=TIMEOUT_MS)
        await page.get_by_role("button", name="Save session").wait_for(timeout=TIMEOUT_MS)
        self.state = await context.storage_state()
        await context.close()

    async def open(self, browser: Browser, *, warm_up: bool = False) -> None:
        """Open the Log page, signed in, in a context of its own (a new Streamlit session);
        `warm_up`: then save once and open Review once, untimed."""
        context = await browser.new_context(storage_state=self.state, **CONTEXT)
        await context.add_init_script(COUNT_RUNS)
        self.observed.watch(context, self.subject)
        self.page = await context.new_page()
        # The address a person bookmarks; the front door sends it on to /log. (Opening /log
        # directly makes Streamlit's frontend first probe /log/_stcore/health and host-config,
        # two 404s in the console that are Streamlit's, not Tightrope's.)
        await self.page.goto(self.stack.url)
        await self.page.get_by_role("button", name="Save session").wait_for(timeout=TIMEOUT_MS)
        await self.page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        if warm_up:
            await self.step("save", timed=False)
            await self.step("review", timed=False)

    async def _check_page(self, step: str) -> None:
        assert self.page is not None
        shown = self.page.locator(ERROR_ON_PAGE)
        if await shown.count():
            text = (await shown.first.inner_text())[:300]
            self.observed.error(f"{self.subject}: error on the page after {step}: {text}")

    async def save(self) -> float | None:
        """Type a new client code, rate by keyboard, click Save; seconds to the confirmation."""
        page = self.page
        assert page is not None
        self.attempted += 1
        code = f"L{self.index:02d}-{self.attempted:03d}"
        main = page.get_by_test_id("stMain")
        await main.get_by_role("combobox", name="Client code").click()
        await page.keyboard.type(code)
        # The new code's own option: Enter would take the first fuzzy match among earlier codes.
        await page.get_by_role("option", name=f"Add: {code}").click()
        await page.get_by_role("listbox").wait_for(state="hidden", timeout=TIMEOUT_MS)
        for sign in SIGNS:
            # The slider's own focus, then arrow keys: Tab from the code picker sometimes found
            # the focus elsewhere after the picker's rerun (under load: "Tab never reached").
            await main.get_by_role("slider", name=sign).focus()
            for _ in range(self.rng.randint(0, 10)):
                await page.keyboard.press("ArrowRight")
        await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        await page.wait_for_timeout(SETTLE_MS)  # the user's pause before Save (browser_bench)
        await page.evaluate(ARM_SAVE_TIMER, ["Save session", f"Saved {code} at"])
        await main.get_by_role("button", name="Save session").click()
        await page.wait_for_function(SAVE_SHOWN, polling=100, timeout=TIMEOUT_MS)
        timer = await page.evaluate("window.__tightropeSave")
        self.confirmed += 1
        await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        await self._check_page(f"saving {code}")
        return float(timer["shown"] - timer["clicked"]) / 1000

    async def review(self) -> float:
        """Open Weekly review from the sidebar; seconds to its first chart drawn; back to Log."""
        page = self.page
        assert page is not None
        nav = page.get_by_test_id("stSidebarNav")
        await page.evaluate(ARM_REVIEW_TIMER, [REVIEW_LINK])
        await nav.get_by_role("link", name=REVIEW_LINK).click()
        await page.wait_for_function(REVIEW_SHOWN, polling=100, timeout=TIMEOUT_MS)
        timer = await page.evaluate("window.__tightropeReview")
        await page.wait_for_function(ALL_CHARTS_DRAWN, polling=250, timeout=TIMEOUT_MS)
        await self._check_page("opening Review")
        await nav.get_by_role("link", name=LOG_LINK).click()
        await page.get_by_role("button", name="Save session").wait_for(timeout=TIMEOUT_MS)
        await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        return float(timer["shown"] - timer["clicked"]) / 1000

    async def step(self, name: str, timed: bool) -> None:
        """One save or one Review visit; an exception is an error of the run, then back to Log."""
        began = time.monotonic()
        assert self.page is not None
        runs_before = int(await self.page.evaluate(RUNS))
        try:
            if name == "save":
                seconds = await self.save()
                if timed and seconds is not None:
                    self.saves.append(seconds)
            else:
                seconds = await self.review()
                if timed:
                    self.reviews.append(seconds)
            if seconds is not None:
                self.events.append((name, began, seconds))
                self.runs[name].append(int(await self.page.evaluate(RUNS)) - runs_before)
        except Exception as error:  # recorded as an error of the run; the person goes on
            self.observed.error(f"{self.subject}: {name} failed: {error!s:.300}")
            log.warning("%s: %s failed: %s", self.subject, name, error)
            assert self.page is not None
            try:
                await self.page.goto(self.stack.url)
                await self.page.get_by_role("button", name="Save session").wait_for(
                    timeout=TIMEOUT_MS
                )
            except Exception:  # the next step reports it again
                log.warning("%s: could not get back to the Log page", self.subject)


def one_year(index: int) -> Any:
    """A year of sessions ending yesterday (about 1,300 entries), seeded per person."""
    today = datetime.now(ZoneInfo(ZONE)).date()
    history = History(
        start=today - timedelta(days=365),
        days=365,
        seed=SEED + index,
        tz=ZONE,
        n_clients=CASELOAD,
        cancel_rate=CANCEL_RATE,
    )
    return make_sessions(history)


async def _limited(tasks: list[Any], at_once: int) -> None:
    gate = asyncio.Semaphore(at_once)

    async def run(task: Any) -> None:
        async with gate:
            await task

    await asyncio.gather(*(run(t) for t in tasks))


async def _load_loop(person: Person, deadline: float) -> None:
    """Save every 20–30 s (seeded), open Review at a random point between saves, until deadline."""
    await asyncio.sleep(person.rng.uniform(0, SAVE_EVERY_S[0]))  # people do not start together
    while time.monotonic() < deadline:
        start = time.monotonic()
        interval = person.rng.uniform(*SAVE_EVERY_S)
        await person.step("save", timed=True)
        review_at = start + interval * person.rng.uniform(0.3, 0.6)
        await asyncio.sleep(max(review_at - time.monotonic(), 0))
        if time.monotonic() < deadline:
            await person.step("review", timed=True)
        await asyncio.sleep(max(start + interval - time.monotonic(), 0))


async def _sample(
    pid: int, samples: list[float], server: Scheduling, browser: Scheduling, stop: asyncio.Event
) -> None:
    """RSS every RSS_EVERY_S; the server's and Chromium's thread counters twice a second."""
    last_rss = 0.0
    while not stop.is_set():
        if time.monotonic() - last_rss >= RSS_EVERY_S:
            samples.append(tree_rss_mib(pid))
            last_rss = time.monotonic()
        server.sample(descendants(pid))
        browser.sample(chromium_pids())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SCHED_EVERY_S)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` so far (its own, not its children's)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(
    sessions: int, minutes: float, seed: int, workdir: Path, rounds: int = SINGLE_ROUNDS
) -> dict[str, Any]:
    """The whole run; returns the raw figures."""
    rng = random.Random(seed)
    observed = Observed()
    result: dict[str, Any] = {"machine": machine(), "sessions": sessions, "minutes": minutes}
    with practice_stack(workdir) as stack:
        people = [
            Person(k, f"load{k:02d}", stack, observed, random.Random(rng.random()))
            for k in range(sessions)
        ]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), args=[*CHROMIUM_ARGS, "--disable-gpu"]
            )
            started = time.monotonic()
            await _limited([p.sign_in(browser) for p in people], SIGN_INS_AT_ONCE)
            history: dict[int, int] = {}
            for person in people:
                person.account = stack.account_of(person.subject)
                frame = one_year(person.index)
                history[person.account] = await asyncio.to_thread(
                    insert_frame, stack.app, owner=person.account, frame=frame
                )
            result["history_rows"] = sum(history.values())
            log.warning(
                "signed in and filled %d people in %.0f s", sessions, time.monotonic() - started
            )

            # 1. Single user: one session, save then Review, in turns (one untimed warm-up round).
            alone = people[0]
            observed.phase = "single"
            await alone.open(browser)
            await alone.step("save", timed=False)  # the warm-up round, as every person has one
            await alone.step("review", timed=False)
            single_cpu = _cpu_seconds(stack.pid)
            for _ in range(rounds):
                await alone.step("save", timed=True)
                await alone.step("review", timed=True)
            single_cpu = _cpu_seconds(stack.pid) - single_cpu
            single_saves, single_reviews = list(alone.saves), list(alone.reviews)
            alone.saves.clear()
            alone.reviews.clear()
            await asyncio.sleep(3)  # the server finishes what the last visit started
            rss_one = tree_rss_mib(stack.pid)
            log.warning("single user done: RSS %.0f MiB", rss_one)

            # 2. N people at once, each after the same untimed warm-up round as the single user
            # (a new context fetches and compiles Plotly's bundle on its first Review).
            observed.phase = "warm-up"
            await _limited([p.open(browser, warm_up=True) for p in people[1:]], SIGN_INS_AT_ONCE)
            await asyncio.sleep(3)
            rss_opened = tree_rss_mib(stack.pid)
            samples: list[float] = []
            stop = asyncio.Event()
            server_sched = Scheduling.begin(descendants(stack.pid))
            browser_sched = Scheduling.begin(chromium_pids())
            sampler = asyncio.create_task(
                _sample(stack.pid, samples, server_sched, browser_sched, stop)
            )
            load_at_start = os.getloadavg()
            observed.phase = "load"
            cpu_before, wall_before = _cpu_seconds(stack.pid), time.monotonic()
            deadline = time.monotonic() + minutes * 60
            await asyncio.gather(*(_load_loop(p, deadline) for p in people))
            cpu_used, wall = _cpu_seconds(stack.pid) - cpu_before, time.monotonic() - wall_before
            load_at_end = os.getloadavg()
            server_sched.sample(descendants(stack.pid))
            browser_sched.sample(chromium_pids())
            await asyncio.sleep(3)
            rss_many = tree_rss_mib(stack.pid)
            stop.set()
            await sampler
            counts = stack.rows_per_account()
            await browser.close()
        server_log = stack.log.read_text(errors="replace")
    saved = {p.subject: counts.get(p.account, 0) - history[p.account] for p in people}
    confirmed = {p.subject: p.confirmed for p in people}
    result.update(
        {
            "single_saves": single_saves,
            "single_reviews": single_reviews,
            "load_saves": [s for p in people for s in p.saves],
            "load_reviews": [s for p in people for s in p.reviews],
            "rss_one": rss_one,
            "rss_opened": rss_opened,
            "rss_many": rss_many,
            "rss_samples": samples,
            "load_average_at_load_start": load_at_start,
            "load_average_at_load_end": load_at_end,
            "server_cpu_s": cpu_used,
            "single_server_cpu_s": single_cpu,
            "server_threads_cpu_and_queue_s": server_sched.seconds(),
            "chromium_cpu_and_queue_s": browser_sched.seconds(),
            "load_wall_s": wall,
            "errors": observed.errors,
            "setup_errors": observed.setup_errors,
            "foreign": sorted(set(observed.foreign)),
            "requests": observed.requests,
            "attempted": {p.subject: p.attempted for p in people},
            "saved": saved,
            "confirmed": confirmed,
            "server_tracebacks": server_log.count("Traceback"),
            "events": {p.subject: p.events for p in people},
            "script_runs_per_step": {
                kind: [n for p in people for n in p.runs[kind]] for kind in ("save", "review")
            },
        }
    )
    return result


def verdict(result: dict[str, Any]) -> list[Line]:
    """The table's lines from the raw figures."""
    n = result["sessions"]
    single_saves, load_saves = result["single_saves"], result["load_saves"]
    single_reviews, load_reviews = result["single_reviews"], result["load_reviews"]
    rows = check_rows(result["saved"], result["confirmed"])
    lost, extra = sum(r.lost for r in rows), sum(r.extra for r in rows)
    per_session = mib_per_session(result["rss_one"], result["rss_many"], n)
    errors = result["errors"]
    return [
        *latency_lines(
            "save: click Save → confirmation painted", n, single_saves, load_saves, SAVE_LIMIT
        ),
        *latency_lines(
            "Review: sidebar click → first chart drawn",
            n,
            single_reviews,
            load_reviews,
            REVIEW_LIMIT,
        ),
        Line("server RSS (process and children), 1 session", f"{result['rss_one']:.0f} MiB"),
        Line(
            f"server RSS, {n} sessions after the load (peak during it)",
            f"{result['rss_many']:.0f} MiB ({max(result['rss_samples'], default=0):.0f} MiB)",
        ),
        Line(
            "server memory per additional session",
            f"{per_session:.1f} MiB",
            f"< {MIB_PER_SESSION_LIMIT:g} MiB",
            per_session < MIB_PER_SESSION_LIMIT,
        ),
        Line(
            "errors (exceptions, st.error / stException, HTTP 5xx, console errors)",
            str(len(errors)),
            "0",
            not errors,
        ),
        Line(
            "rows saved in PostgreSQL / confirmed in the browsers",
            f"{sum(r.saved for r in rows)} / {sum(r.confirmed for r in rows)} "
            f"({lost} lost, {extra} unconfirmed or duplicate)",
            "equal per account",
            lost == 0 and extra == 0,
        ),
        Line(
            "requests to hosts other than 127.0.0.1",
            f"{len(result['foreign'])} (of {result['requests']})",
            "0",
            not result["foreign"],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the table (and keep the raw figures in --json)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.practice_load", description=__doc__)
    parser.add_argument("--sessions", type=int, default=20, help="people at once (default 20)")
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the load (default 3)")
    parser.add_argument(
        "--rounds", type=int, default=SINGLE_ROUNDS, help="single-user saves and Review visits"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of timing and ratings")
    parser.add_argument("--json", type=Path, help="write the raw figures to this JSON file")
    args = parser.parse_args(argv)
    if args.sessions < 2:
        parser.error("--sessions must be at least 2")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    print(f"Machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tightrope-load-") as folder:
        result = asyncio.run(run(args.sessions, args.minutes, args.seed, Path(folder), args.rounds))
    print(
        f"\n{args.sessions} sessions for {args.minutes:g} min; load average at the load's start "
        + " / ".join(f"{x:.1f}" for x in result["load_average_at_load_start"])
        + f"; server CPU {result['server_cpu_s']:.0f} s in {result['load_wall_s']:.0f} s "
        f"of load ({result['server_cpu_s'] / result['load_wall_s']:.2f} CPUs), load average at "
        "its end " + " / ".join(f"{x:.1f}" for x in result["load_average_at_load_end"])
    )
    wall = result["load_wall_s"]
    for kind, counts in result["script_runs_per_step"].items():
        if counts:
            print(
                f"script runs the page saw per {kind} (with all it brings): median "
                f"{percentile(counts, 50):g}, {min(counts)}–{max(counts)}"
            )
    single_steps = len(result["single_saves"]) + len(result["single_reviews"])
    load_steps = len(result["load_saves"]) + len(result["load_reviews"])
    print(
        f"server CPU per timed step (a save or a Review visit): "
        f"{result['single_server_cpu_s'] / single_steps * 1000:.0f} ms alone, "
        f"{result['server_cpu_s'] / load_steps * 1000:.0f} ms under load"
    )
    for name, (ran, waited) in (
        ("server threads", result["server_threads_cpu_and_queue_s"]),
        ("Chromium", result["chromium_cpu_and_queue_s"]),
    ):
        print(
            f"{name}: {ran / wall:.2f} CPUs on a CPU, {waited / wall:.2f} threads' worth "
            f"waiting for one (run queue), over the load"
        )
    print()
    print(markdown(verdict(result)))
    errors = Counter(result["errors"])
    for message, times in errors.most_common(20):
        print(f"- error ×{times}: {message}")
    for message in sorted(set(result["setup_errors"])):
        print(f"- during sign-in (setup, at the test provider; not counted): {message}")
    for url in result["foreign"][:20]:
        print(f"- foreign request: {url}")
    if result["server_tracebacks"]:
        print(f"- the server log holds {result['server_tracebacks']} tracebacks")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
