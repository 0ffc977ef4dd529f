"""Supervision packet export on ten years of data: HTML (build + render) and PDF (Chromium)."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.datasets import TODAY, TZ, build_database, ten_years
from benchmarks.report import Report
from benchmarks.timing import interleaved
from dashboard.packet.context import PacketOptions
from dashboard.packet.pdf import html_to_pdf
from dashboard.packet.render import build_packet
from data.models import LOCAL_ACCOUNT_ID

PERIODS = {"4 weeks": 28, "3 months": 91}
PDF_TARGET_S = 10.0  # the packet issue: a three-month packet in ten seconds or less


def _pdf(html: dict[str, str], name: str) -> bytes:
    return html_to_pdf(html[name])


def run_packet(report: Report, runs: int) -> None:
    """Time HTML export for four weeks and three months, and PDF export for both."""
    zone = ZoneInfo(TZ)
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as folder:
        engine = build_database(Path(folder) / "ten-years.sqlite3", ten_years())
        try:
            html: dict[str, str] = {}
            jobs = []
            for name, days in PERIODS.items():
                options = PacketOptions(TODAY - timedelta(days=days - 1), TODAY)

                def build(options: PacketOptions = options, name: str = name) -> None:
                    html[name] = build_packet(
                        engine, options, owner=LOCAL_ACCOUNT_ID, today=TODAY, tz=zone
                    )

                jobs.append((f"packet HTML, {name} (load + analyse + render)", build))
            html_timings = interleaved(jobs, runs=runs)
            pdf_jobs: list[tuple[str, Callable[[], object]]] = [
                (f"packet PDF, {name} (headless Chromium)", functools.partial(_pdf, html, name))
                for name in PERIODS
            ]
            pdf_timings = interleaved(pdf_jobs, runs=runs)
        finally:
            engine.dispose()
    for timing in html_timings:
        report.time(timing)
    for timing, name in zip(pdf_timings, PERIODS, strict=True):
        report.time(timing, PDF_TARGET_S if name == "3 months" else None)
    sizes = ", ".join(f"{name} {len(text) / 1e6:.1f} MB" for name, text in html.items())
    report.notes.append(f"Packet HTML sizes (plotly.js embedded once): {sizes}.")
