"""Server CPU per step of the practice load (issue 16), under AppTest on SQLite, one person.

    .venv/bin/python -m benchmarks.server_cpu [--rounds 10]

A year of sessions (as benchmarks.practice_load gives each person), then rounds of: pick a new
client code, Save, open Weekly review, back to the Log page. Prints the process CPU of each
script run (time.process_time: every thread, so Streamlit's own work counts too) and the median
of each kind, the first round left out (it imports and builds what later rounds reuse).

AppTest runs the whole page where the browser reruns only the Log form's fragment, and it
compiles every page afresh on each run where a server compiles it once: the page scripts'
bytecode is kept here as the server keeps it. Personal mode, so no sign-in or PostgreSQL work:
a floor under what the practice server spends, for comparing two versions of the code in one
run: `PYTHONPATH=<other checkout> python benchmarks/server_cpu.py` measures that checkout's
dashboard (the app is found where `dashboard` is imported from). Not part of `make test` or
`make bench`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ZONE = "Europe/Berlin"
KINDS = ("pick", "save", "review", "log")


def _keep_bytecode() -> None:
    """Compile each page once, as a server's runtime does (AppTest makes a new cache per run)."""
    from streamlit.runtime.scriptrunner import script_cache

    compiled: dict[str, Any] = {}
    original = script_cache.ScriptCache.get_bytecode

    def get_bytecode(self: script_cache.ScriptCache, script_path: str) -> Any:
        if script_path not in compiled:
            compiled[script_path] = original(self, script_path)
        return compiled[script_path]

    script_cache.ScriptCache.get_bytecode = get_bytecode  # type: ignore[method-assign]


def _year_of_sessions(url: str) -> None:
    from benchmarks.datasets import CANCEL_RATE, CASELOAD, SEED
    from core.synthetic import History, make_sessions
    from data.db import make_engine
    from data.models import LOCAL_ACCOUNT_ID
    from data.repository import insert_frame
    from data.schema import ensure_schema

    today = datetime.now(ZoneInfo(ZONE)).date()
    history = History(
        start=today - timedelta(days=365),
        days=365,
        seed=SEED + 1,
        tz=ZONE,
        n_clients=CASELOAD,
        cancel_rate=CANCEL_RATE,
    )
    engine = make_engine(url)
    ensure_schema(engine)
    insert_frame(engine, owner=LOCAL_ACCOUNT_ID, frame=make_sessions(history))
    engine.dispose()


def measure(rounds: int) -> dict[str, list[float]]:
    """CPU seconds of each script run, by kind, over `rounds` rounds."""
    from streamlit.testing.v1 import AppTest

    import dashboard

    app = Path(dashboard.__file__).parent / "app.py"
    os.environ["TZ"] = ZONE
    url = f"sqlite:///{tempfile.mkdtemp()}/server_cpu.sqlite3"
    os.environ["TIGHTROPE_DATABASE_URL"] = url
    _year_of_sessions(url)
    _keep_bytecode()
    at = AppTest.from_file(str(app), default_timeout=120)
    at.run()
    at.switch_page("views/log.py")
    at.run()
    cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}

    def run(kind: str) -> None:
        started = time.process_time()
        at.run()
        cpu[kind].append(time.process_time() - started)
        assert not at.exception, [e.value for e in at.exception]

    for i in range(rounds):
        box = at.selectbox(key="new_client")
        code = f"B-{i:03d}"
        box.options.append(code)  # what typing a new code does
        box.set_value(code)
        run("pick")
        at.slider(key="new_dread").set_value(3 + i % 5)
        at.button(key="new_submit").click()
        run("save")
        assert at.success, "the save was not confirmed"
        at.switch_page("views/review.py")
        run("review")
        at.switch_page("views/log.py")
        run("log")
    return cpu


def main() -> None:
    """Print each run's CPU and the medians per kind and per step."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    cpu = measure(max(2, args.rounds))
    ms = {kind: [1000 * s for s in runs[1:]] for kind, runs in cpu.items()}
    for kind in KINDS:
        runs = " ".join(f"{x:.0f}" for x in ms[kind])
        print(f"{kind:>6}: median {statistics.median(ms[kind]):5.0f} ms  ({runs})")
    save = [a + b for a, b in zip(ms["pick"], ms["save"], strict=True)]
    review = [a + b for a, b in zip(ms["review"], ms["log"], strict=True)]
    print(f"save step (pick + save): median {statistics.median(save):.0f} ms")
    print(f"review step (review + back to log): median {statistics.median(review):.0f} ms")


if __name__ == "__main__":
    main()
