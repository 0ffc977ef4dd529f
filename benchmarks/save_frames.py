"""Where a save's time goes in the browser: the websocket frames between the click and "Saved".

Run: `.venv/bin/python -m benchmarks.save_frames [saves]` (default 12). Serves Tightrope on the
ten-year history and the bare form side by side, saves with `browser_bench.Saver` (the same
steps as the save benchmark) and records every websocket frame with its time. Per app it prints
the medians, in ms after the click, of: the browser sending the click's message, the frame that
carries the "Saved …" text arriving, the rerun's last frame arriving (these three as Python
sees the frames), that confirmation painted (the Saver's figure, in the page's own clock), and
the number of frames the rerun sends. BENCHMARKS.md quotes runs of it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import Page, WebSocket

from benchmarks.browser_bench import (
    Saver,
    _browser,
    _tightrope_and_bare_chart,
    _wait_ready,
)
from benchmarks.server import HERE, Server, serve

Frame = tuple[str, float, bool]  # direction ("sent"/"received"), perf_counter, holds "Saved"


def _record(page: Page, frames: list[Frame]) -> None:
    def holds_saved(payload: str | bytes) -> bool:
        return (b"Saved" in payload) if isinstance(payload, bytes) else ("Saved" in payload)

    def watch(socket: WebSocket) -> None:
        socket.on("framesent", lambda p: frames.append(("sent", time.perf_counter(), False)))
        socket.on(
            "framereceived",
            lambda p: frames.append(("received", time.perf_counter(), holds_saved(p))),
        )

    page.on("websocket", watch)


def _measure(page: Page, server: Server, *, tightrope: bool, saves: int) -> dict[str, float]:
    frames: list[Frame] = []
    _record(page, frames)
    page.goto(server.url)
    _wait_ready(page, "Save session" if tightrope else "Save")
    saver = Saver(page, tightrope=tightrope)
    rows: list[tuple[float, float, float, float, float]] = []
    for _ in range(saves):
        frames.clear()
        seconds = saver()  # returns after the rerun has finished, so every frame is in
        t0 = saver.started
        sent = [t for kind, t, _ in frames if kind == "sent" and t >= t0]
        received = [(t, saved) for kind, t, saved in frames if kind == "received" and t >= t0]
        confirmation = [t for t, saved in received if saved]
        if not sent or not confirmation:
            continue
        last = received[-1][0]
        rows.append((sent[0] - t0, confirmation[0] - t0, last - t0, seconds, float(len(received))))
    columns = zip(*rows, strict=True)
    names = (
        "click message sent",
        "confirmation frame in",
        "last frame in",
        "confirmation visible",
        "frames",
    )
    return {name: statistics.median(column) for name, column in zip(names, columns, strict=True)}


def main(saves: int) -> None:
    """Print the medians for Tightrope (ten years stored) and the bare form."""
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as folder, ExitStack() as stack:
        work = Path(folder)
        app, _ = _tightrope_and_bare_chart(stack, work)
        form = stack.enter_context(
            serve(HERE / "bare_form.py", {"BARE_FORM_DATABASE": str(work / "bare.sqlite3")}, work)
        )
        visits = _browser(stack)
        for name, server, tightrope in (("Tightrope", app, True), ("bare form", form, False)):
            with visits.page() as page:
                result = _measure(page, server, tightrope=tightrope, saves=saves)
            figures = ", ".join(
                f"{key} {value:.0f}" if key == "frames" else f"{key} {1000 * value:.0f} ms"
                for key, value in result.items()
            )
            print(f"{name} (median of {saves} saves): {figures}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
