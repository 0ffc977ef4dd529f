"""Where the server's memory goes: RSS after each page with ten years stored, and by mapping.

    python -m benchmarks.memory_by_page               # Tightrope: RSS page by page, then smaps
    python -m benchmarks.memory_by_page --bare        # the bare chart app beside it, same run
    python -m benchmarks.memory_by_page --env MALLOC_ARENA_MAX=2 --trim

The server is started as the browser benchmark starts it (benchmarks.server.serve) on the seeded
ten-year database, and one browser session opens every page in the navigation in order, as
`browser_bench.visit_every_page` does. After the last page the resident memory is split by
mapping (/proc/PID/smaps): anonymous memory (the Python heap, arrays) and each shared library
(file-backed code and data, grouped by package). `--trim` then asks glibc to hand freed heap
pages back (`malloc_trim(0)` through gdb) and prints the RSS again. Linux only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.browser_bench import (
    CHROMIUM_ARGS,
    PAGE_SETTLED,
    TIMEOUT_MS,
    Visits,
    chromium_path,
    page_urls,
)
from benchmarks.datasets import build_database, ten_years
from benchmarks.server import HERE, rss_mib, serve
from data.environment import sqlite_url

SETTLE_S = 2.0
_SITE = re.compile(r"site-packages/([^/]+)")


def library_of(path: str) -> str:
    """A short owner name for a mapping: the site-packages package, the file, or the kind."""
    if not path:
        return "[anon]"
    if path.startswith("["):
        return path
    match = _SITE.search(path)
    if match:
        return match.group(1).split(".")[0].removesuffix(".libs")
    return Path(path).name


def smaps_by_library(pid: int) -> dict[str, dict[str, int]]:
    """KiB of Rss, Anonymous and file-backed memory per owner of a mapping (/proc/PID/smaps)."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"rss": 0, "anon": 0, "file": 0})
    owner = "[anon]"
    header = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if header.match(line):
            parts = line.split(maxsplit=5)
            owner = library_of(parts[5] if len(parts) > 5 else "")
            continue
        key, _, rest = line.partition(":")
        if key == "Rss":
            totals[owner]["rss"] += int(rest.split()[0])
        elif key == "Anonymous":
            totals[owner]["anon"] += int(rest.split()[0])
    for entry in totals.values():
        entry["file"] = entry["rss"] - entry["anon"]
    return dict(totals)


def rollup(pid: int) -> dict[str, int]:
    """The kernel's own totals (/proc/PID/smaps_rollup), in KiB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            values[key] = int(rest.split()[0])
    return values


def print_breakdown(pid: int, top: int) -> None:
    """The rollup and the largest owners of resident memory."""
    totals = rollup(pid)
    print(
        f"  rollup: Rss {totals['Rss'] / 1024:.0f} MiB = anonymous "
        f"{totals['Anonymous'] / 1024:.0f} + file-backed "
        f"{(totals['Rss'] - totals['Anonymous']) / 1024:.0f} MiB"
    )
    libraries = sorted(smaps_by_library(pid).items(), key=lambda kv: -kv[1]["rss"])
    print(f"  {'owner':<28} {'rss':>7} {'anon':>7} {'file':>7}  (MiB)")
    for name, kib in libraries[:top]:
        print(
            f"  {name[:28]:<28} {kib['rss'] / 1024:7.1f} {kib['anon'] / 1024:7.1f} "
            f"{kib['file'] / 1024:7.1f}"
        )


def malloc_trim(pid: int) -> bool:
    """Ask glibc in `pid` to return free heap memory to the kernel (gdb); False without gdb."""
    gdb = shutil.which("gdb")
    if gdb is None:
        return False
    subprocess.run(
        [gdb, "-p", str(pid), "-batch", "-ex", "call (int)malloc_trim(0)"],
        check=False,
        capture_output=True,
        timeout=120,
    )
    return True


def run_python(pid: int, code: str) -> bool:
    """Run one line of Python inside the server process (gdb holds the GIL for it)."""
    gdb = shutil.which("gdb")
    if gdb is None:
        return False
    subprocess.run(
        [
            gdb,
            "-p",
            str(pid),
            "-batch",
            "-ex",
            "call (int)PyGILState_Ensure()",
            "-ex",
            f"call (int)PyRun_SimpleString({json.dumps(code)})",
            "-ex",
            "call (void)PyGILState_Release($1)",
        ],
        check=False,
        capture_output=True,
        timeout=300,
    )
    return True


def dump_modules(pid: int, path: Path) -> bool:
    """Write the server's imported module names to `path`."""
    code = f"import sys; open({str(path)!r}, 'w').write(chr(10).join(sorted(sys.modules)))"
    return run_python(pid, code) and path.exists()


TRACEMALLOC_DUMP = (
    "import tracemalloc, gc; gc.collect(); s = tracemalloc.take_snapshot(); "
    "open({path!r}, 'w').write(chr(10).join(str(x) for x in s.statistics('lineno')[:60]))"
)


def main(argv: list[str] | None = None) -> int:
    """Serve Tightrope on ten years, visit every page, print RSS per page and the breakdown."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.memory_by_page", description=__doc__
    )
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) at the end (gdb)")
    parser.add_argument("--bare", action="store_true", help="also the bare chart app")
    parser.add_argument("--bare-env", action="append", default=[], help="KEY=VALUE for it")
    parser.add_argument("--modules", type=Path, help="write the server's module names here")
    parser.add_argument(
        "--tracemalloc",
        type=Path,
        help="start the server with PYTHONTRACEMALLOC=1 and write its largest allocations here",
    )
    parser.add_argument(
        "--probe",
        action="append",
        default=[],
        help="a line of Python to run in the server after the pages (gdb); RSS is printed after",
    )
    parser.add_argument("--top", type=int, default=25, help="owners to list (default 25)")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory(prefix="tightrope-mem-") as folder, ExitStack() as stack:
        work = Path(folder)
        build_database(work / "ten-years.sqlite3", ten_years()).dispose()
        env = {
            "TIGHTROPE_DATABASE_URL": sqlite_url(work / "ten-years.sqlite3"),
            "XDG_DATA_HOME": str(work / "xdg"),
            **extra,
        }
        if args.tracemalloc is not None:
            env["PYTHONTRACEMALLOC"] = "1"
        app = stack.enter_context(serve(None, env, work))
        print(f"started: {rss_mib(app.pid):.0f} MiB", flush=True)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        visits = Visits(browser)
        urls = page_urls(visits, app)
        time.sleep(SETTLE_S)
        print(f"after reading the navigation: {rss_mib(app.pid):.0f} MiB", flush=True)
        previous = rss_mib(app.pid)
        with visits.page() as page:
            for url in urls:
                page.goto(url)
                page.wait_for_function(PAGE_SETTLED, polling=100, timeout=TIMEOUT_MS)
                time.sleep(SETTLE_S)
                now = rss_mib(app.pid)
                print(f"{url.rsplit('/', 1)[-1] or '/':<14} {now:6.0f} MiB ({now - previous:+.0f})")
                previous = now
        print_breakdown(app.pid, args.top)
        if args.modules is not None and not dump_modules(app.pid, args.modules.resolve()):
            print("could not list the server's modules (gdb)")
        if args.tracemalloc is not None:
            target = args.tracemalloc.resolve()
            run_python(app.pid, TRACEMALLOC_DUMP.format(path=str(target)))
            print(f"tracemalloc: {target}")
        for code in args.probe:
            before = rss_mib(app.pid)
            run_python(app.pid, code)
            after = rss_mib(app.pid)
            print(f"probe {code!r}: {before:.0f} → {after:.0f} MiB ({after - before:+.0f})")
        if args.trim:
            before = rss_mib(app.pid)
            if malloc_trim(app.pid):
                after = rss_mib(app.pid)
                print(f"malloc_trim(0): {before:.0f} → {after:.0f} MiB ({after - before:+.0f})")
            else:
                print("malloc_trim: gdb is not installed")
        if args.bare:
            bare_env = dict(item.split("=", 1) for item in args.bare_env)
            chart = stack.enter_context(serve(HERE / "bare_chart.py", bare_env, work))
            visits.time_to_charts(f"{chart.url}/chart")
            time.sleep(SETTLE_S)
            print(f"bare chart app after its chart: {rss_mib(chart.pid):.0f} MiB")
            print_breakdown(chart.pid, args.top)
            if args.modules is not None:
                dump_modules(chart.pid, args.modules.resolve().with_suffix(".bare.txt"))
        if visits.foreign:
            print(f"requests to other hosts (blocked): {sorted(set(visits.foreign))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
