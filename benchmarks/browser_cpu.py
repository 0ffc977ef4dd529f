"""Where one browser tab's CPU goes in a load step (issue 16): a save on Log, a visit to Review.

    .venv/bin/python -m benchmarks.browser_cpu [--rounds 8] [--profile out.cpuprofile]

Serves Tightrope in personal mode on a temporary SQLite database holding a year of entries
(benchmarks.practice_load.one_year) and drives one Chromium page through the load benchmark's
round: fill the Log form (code picker, three sliders by keyboard), click Save until the
confirmation is painted and the page idle, open Weekly review until every chart is drawn and the
page idle, go back to Log. Around each part it reads the renderer's own counters over the Chrome
DevTools Protocol (Performance.getMetrics: TaskDuration, ScriptDuration, LayoutDuration,
RecalcStyleDuration) and the CPU time of every Chromium process (/proc schedstat: the renderer's
compositor and raster threads, the GPU and browser processes), and prints the medians over the
rounds. Each part ends with the same quiet wait, so what a page does while idle (animations,
timers) is counted, and an idle part measures it alone. `--profile` records one Review visit and
one save with the CDP profiler (open the files in Chromium's DevTools, Performance panel).
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from playwright.sync_api import CDPSession, Page, sync_playwright

from benchmarks.browser_bench import (
    ALL_CHARTS_DRAWN,
    ARM_SAVE_TIMER,
    CHROMIUM_ARGS,
    SAVE_SHOWN,
    SETTLE_MS,
    chromium_path,
)
from benchmarks.datasets import build_database
from benchmarks.practice_load import IDLE, LOG_LINK, REVIEW_LINK, SIGNS, _cpu_seconds, one_year
from benchmarks.practice_stack import Scheduling, chromium_pids
from benchmarks.server import serve
from data.environment import sqlite_url

TIMEOUT_MS = 60_000
QUIET_MS = 1_000  # every part ends with this wait, so a page's idle work is counted the same
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
PARTS = ("fill", "save", "review", "back", "idle")
PART_WORDS = {
    "fill": "Log: code picker + 3 sliders",
    "save": "Log: click Save → confirmation, idle",
    "review": "Review: click → charts drawn, idle",
    "back": "Log again: click → idle",
    "idle": "idle on Log (the quiet wait alone)",
}


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def renderer_pids() -> list[int]:
    """Chromium's renderer processes (one per site here, plus a spare)."""
    return [pid for pid in chromium_pids() if "--type=renderer" in _comm(pid)]


class Meter:
    """The renderer's CDP counters and the Chromium processes' CPU time, read before and after."""

    def __init__(self, cdp: CDPSession) -> None:
        self.cdp = cdp
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})

    def _read(self) -> dict[str, float]:
        metrics = {
            m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]
        }
        found = {name: float(metrics.get(name, 0.0)) for name in METRICS}
        found["renderer_proc"] = _cpu(renderer_pids())
        found["chromium_all"] = _cpu(chromium_pids())
        return found

    def measure(self, action: Callable[[], None], page: Page) -> dict[str, float]:
        """Run `action`, wait QUIET_MS, and return each counter's growth in milliseconds."""
        before = self._read()
        action()
        page.wait_for_timeout(QUIET_MS)
        after = self._read()
        return {name: (after[name] - before[name]) * 1000 for name in after}


class Throttle:
    """Keeps a process on a CPU only `share` of each 100 ms (SIGSTOP / SIGCONT), as a server
    does that gets a fifth of a CPU under load: its runs take longer, and the page waits."""

    PERIOD_S = 0.1

    def __init__(self, pid: int, share: float) -> None:
        self.pid, self.share = pid, share
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            os.kill(self.pid, signal.SIGCONT)
            time.sleep(self.PERIOD_S * self.share)
            os.kill(self.pid, signal.SIGSTOP)
            time.sleep(self.PERIOD_S * (1 - self.share))
        os.kill(self.pid, signal.SIGCONT)

    def __enter__(self) -> Throttle:
        if self.share < 1:
            self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()


def _cpu(pids: list[int]) -> float:
    """CPU seconds of every live thread of `pids` so far (/proc schedstat)."""
    return sum(on_cpu for on_cpu, _ in Scheduling.begin(pids).seen.values()) / 1e9


class Round:
    """The load benchmark's round on one page, in parts."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0
        self.code = ""

    def fill(self) -> None:
        """A new client code in the picker and the three sliders moved by arrow keys."""
        page = self.page
        self.count += 1
        self.code = f"C-{self.count:03d}"
        main = page.get_by_test_id("stMain")
        main.get_by_role("combobox", name="Client code").click()
        page.keyboard.type(self.code)
        page.get_by_role("option", name=f"Add: {self.code}").click()
        page.get_by_role("listbox").wait_for(state="hidden", timeout=TIMEOUT_MS)
        for k, sign in enumerate(SIGNS):
            main.get_by_role("slider", name=sign).focus()
            for _ in range(3 + k):
                page.keyboard.press("ArrowRight")
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        page.wait_for_timeout(SETTLE_MS)

    def save(self) -> None:
        """Click Save; until this entry's confirmation is painted and the page idle."""
        page = self.page
        page.evaluate(ARM_SAVE_TIMER, ["Save session", f"Saved {self.code} at"])
        page.get_by_test_id("stMain").get_by_role("button", name="Save session").click()
        page.wait_for_function(SAVE_SHOWN, polling=100, timeout=TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)

    def review(self) -> None:
        """Weekly review from the sidebar, until every chart is drawn and the page idle."""
        page = self.page
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=REVIEW_LINK).click()
        page.wait_for_function(ALL_CHARTS_DRAWN, polling=100, timeout=TIMEOUT_MS)

    def back(self) -> None:
        """The Log page from the sidebar, until its Save button is there and the page idle."""
        page = self.page
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=LOG_LINK).click()
        page.get_by_role("button", name="Save session").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)

    def idle(self) -> None:
        """Nothing: the part is the quiet wait alone."""


def _profile(cdp: CDPSession, action: Callable[[], None], page: Page, path: Path) -> None:
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    cdp.send("Profiler.start")
    action()
    page.wait_for_timeout(QUIET_MS)
    profile = cdp.send("Profiler.stop")["profile"]
    path.write_text(json.dumps(profile))
    print(f"CPU profile: {path} ({_top_functions(profile)})")


def _top_functions(profile: dict[str, Any], count: int = 12) -> str:
    """The functions with the most self time in a CDP profile, with their script's file name."""
    interval: dict[int, float] = {}
    deltas = profile.get("timeDeltas", [])
    for node_id, delta in zip(profile.get("samples", []), deltas, strict=False):
        interval[node_id] = interval.get(node_id, 0.0) + delta / 1000
    by_name: dict[str, float] = {}
    for node in profile["nodes"]:
        frame = node["callFrame"]
        where = frame["url"].rsplit("/", 1)[-1][:40]
        name = f"{frame['functionName'] or '(anon)'} {where}".strip()
        by_name[name] = by_name.get(name, 0.0) + interval.get(node["id"], 0.0)
    top = sorted(by_name.items(), key=lambda item: -item[1])[:count]
    return "; ".join(f"{name} {ms:.0f} ms" for name, ms in top)


def run(rounds: int, profile: Path | None, share: float = 1.0) -> dict[str, dict[str, list[float]]]:
    """Measure `rounds` rounds after one warm-up round; every part's counters, per round."""
    found: dict[str, dict[str, list[float]]] = {part: {} for part in PARTS}
    with tempfile.TemporaryDirectory(prefix="tightrope-cpu-") as folder, ExitStack() as stack:
        work = Path(folder)
        build_database(work / "year.sqlite3", one_year(0)).dispose()
        env = {
            "TIGHTROPE_DATABASE_URL": sqlite_url(work / "year.sqlite3"),
            "XDG_DATA_HOME": str(work / "xdg"),
        }
        server = stack.enter_context(serve(None, env, work))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=[*CHROMIUM_ARGS, "--disable-gpu"]
        )
        stack.callback(browser.close)
        context = browser.new_context(
            viewport={"width": 1300, "height": 1000}, timezone_id="Europe/Berlin", locale="en-GB"
        )
        page = context.new_page()
        page.goto(server.url)
        page.get_by_role("button", name="Save session").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        cdp = page.context.new_cdp_session(page)
        meter = Meter(cdp)
        steps = Round(page)
        for action in (steps.fill, steps.save, steps.review, steps.back):  # warm-up
            action()
        if profile is not None:
            steps.fill()
            _profile(cdp, steps.save, page, profile.with_suffix(".save.cpuprofile"))
            _profile(cdp, steps.review, page, profile.with_suffix(".review.cpuprofile"))
            steps.back()
        server_before = _cpu_seconds(server.pid)
        for _ in range(rounds):
            for part in PARTS:
                with Throttle(server.pid, share):
                    growth = meter.measure(getattr(steps, part), page)
                for name, value in growth.items():
                    found[part].setdefault(name, []).append(value)
        server_cpu = (_cpu_seconds(server.pid) - server_before) * 1000 / rounds
        print(f"server CPU per round (all parts): {server_cpu:.0f} ms")
    return found


def table(found: dict[str, dict[str, list[float]]]) -> str:
    """A Markdown table of every part's medians in milliseconds."""
    names = ["renderer_proc", "TaskDuration", *METRICS[1:], "chromium_all"]
    heads = [
        "renderer process CPU",
        "main thread tasks",
        "script",
        "layout",
        "style",
        "all Chromium CPU",
    ]
    lines = [
        "| part (median ms) | " + " | ".join(heads) + " |",
        "| --- |" + " --- |" * len(heads),
    ]
    for part in PARTS:
        cells = [f"{statistics.median(found[part][name]):.0f}" for name in names]
        lines.append(f"| {PART_WORDS[part]} | " + " | ".join(cells) + " |")
    total = {
        name: sum(statistics.median(found[p][name]) for p in PARTS if p != "idle") for name in names
    }
    lines.append(
        "| round (fill + save + review + back) | "
        + " | ".join(f"{total[name]:.0f}" for name in names)
        + " |"
    )
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--profile", type=Path, default=None, help="write CDP CPU profiles here")
    parser.add_argument(
        "--server-share",
        type=float,
        default=1.0,
        help="keep the server on a CPU only this share of the time while measuring (0.2: as under"
        " the load run's contention)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the raw figures here")
    args = parser.parse_args()
    started = time.monotonic()
    found = run(args.rounds, args.profile, args.server_share)
    print(table(found))
    print(f"({args.rounds} rounds, {time.monotonic() - started:.0f} s)")
    if args.json is not None:
        args.json.write_text(json.dumps(found))


if __name__ == "__main__":
    main()
