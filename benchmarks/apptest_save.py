"""The Log page's save path as AppTest sees it: a saving run against a plain rerun.

Run: `.venv/bin/python -m benchmarks.apptest_save` (a temporary database; prints medians).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
SAVES = 15


def main() -> None:
    """Save SAVES sessions through AppTest and print the median run times."""
    os.environ["TIGHTROPE_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/save.sqlite3"
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    saving: list[float] = []
    plain: list[float] = []
    for i in range(SAVES):
        started = time.perf_counter()
        at.run()
        plain.append(time.perf_counter() - started)
        # The default entry: saved with the current time (distinct codes, so no duplicates).
        box = at.selectbox(key="new_client")
        code = f"C-{i:02d}"
        box.options.append(code)  # what typing a new code does
        box.set_value(code)
        at.slider(key="new_dread").set_value(5)
        at.button(key="new_submit").click()
        started = time.perf_counter()
        at.run()
        saving.append(time.perf_counter() - started)
        assert at.success, [e.value for e in at.error]
    print(
        f"save run median {1000 * statistics.median(saving):.0f} ms, "
        f"plain rerun median {1000 * statistics.median(plain):.0f} ms ({SAVES} each)"
    )


if __name__ == "__main__":
    main()
