"""Review visits of people taking turns on one server: the caches sized for one, or a practice.

    python -m benchmarks.practice_caches [--people 20] [--rounds 3]

Each of `--people` accounts holds the demo year (data.demo) in one SQLite file. In each round
every person in turn opens the Review page's products as the page asks for them (the key, the
assessment, the chosen sign's trend and calendar), without saving in between: someone coming
back to the page, or moving between pages. Run once with the caches sized for one person
(personal mode) and once as a practice server sizes them (dashboard.cache.people_served), each in
a fresh process, and print the server CPU per visit after the first round and the process's
peak memory. No Streamlit server
runs: the caches are Streamlit's own (its in-memory storage, as in the server).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

TODAY = date(2026, 11, 26)
ZONE = ZoneInfo("Europe/Berlin")


def _visits(people: int, rounds: int, practice: bool) -> dict[str, object]:
    """In this process: seed the accounts, then time every visit (CPU seconds)."""
    import dashboard.account

    dashboard.account.practice_mode = lambda: practice  # as the server decides it at start
    from dashboard import cache
    from data.accounts import account_for
    from data.db import make_engine
    from data.demo import seed_demo
    from data.schema import ensure_schema

    engine = make_engine(os.environ["TIGHTROPE_DATABASE_URL"])
    ensure_schema(engine)
    owners = [
        account_for(engine, issuer="bench", subject=f"p{i}", display_name=f"Person {i}")
        for i in range(people)
    ]
    for owner in owners:
        seed_demo(engine, TODAY, ZONE, owner=owner)
    times: list[list[float]] = []
    for _ in range(rounds):
        this_round = []
        for owner in owners:
            began = time.process_time()
            key = cache.current_key(today=TODAY, zone=ZONE, account=owner)
            assessment = cache.cached_assessment(key)
            cache.cached_review_trend(key, sign="fatigue", start=None, assessment=assessment)
            cache.cached_review_calendar(key, sign="fatigue", assessment=assessment)
            this_round.append(time.process_time() - began)
        times.append(this_round)
    later = [t for this_round in times[1:] for t in this_round]
    return {
        "practice": practice,
        "entries": cache.CACHE_ENTRIES,
        "figure_entries": cache.FIGURE_CACHE_ENTRIES,
        "first_round_ms": 1000 * statistics.median(times[0]),
        "later_rounds_ms": 1000 * statistics.median(later),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    """Run both sizings in fresh processes and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=["personal", "practice"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = _visits(args.people, args.rounds, args.child == "practice")
        print(json.dumps(result))
        return
    for mode in ("personal", "practice"):
        with tempfile.TemporaryDirectory(prefix="tightrope-caches-") as folder:
            url = f"sqlite:///{Path(folder) / 'practice.sqlite3'}"
            env = {**os.environ, "TIGHTROPE_DATABASE_URL": url}
            command = [sys.executable, "-m", "benchmarks.practice_caches", "--child", mode]
            command += ["--people", str(args.people), "--rounds", str(args.rounds)]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{mode}: caches of {result['entries']} analyses and {result['figure_entries']} "
            f"figures; Review visit, server CPU (median): first round "
            f"{result['first_round_ms']:.0f} ms, later rounds {result['later_rounds_ms']:.1f} ms; "
            f"peak RSS {result['peak_rss_mib']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
