"""Journey (d): download the supervision packet as HTML and as PDF and check what is inside."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from core.patterns import WEEKDAYS
from core.schema import SIGNS
from tests.e2e.charts import label_problems
from tests.e2e.conftest import NetworkFence, RunningApp, go_to, open_page

pytestmark = pytest.mark.e2e

PLANTED_CLIENT = "C-42"
# Levels, three trends, three effects, heatmap, load, scenarios, and the demo's CBI check-ins.
PACKET_CHARTS = 11
# Tick labels the packet's charts must print whole: the level strips' rows and the heatmap's
# weekdays (the demo's timetable runs Monday to Friday).
CHART_WORDS = [sign.capitalize() for sign in SIGNS] + list(WEEKDAYS[:5])


class _Prose(HTMLParser):
    """The words of a document's visible text (scripts, and so the charts' data, left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.words: set[str] = set()
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.words.update(re.findall(r"[A-Za-z]+", data))


class _Links(HTMLParser):
    """Every src and href attribute of the document's elements (script bodies are not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [v or "" for k, v in attrs if k in ("src", "href")]


def outside_links(html: str) -> list[str]:
    """src/href values that point at another host (http:, https: or protocol-relative)."""
    parser = _Links()
    parser.feed(html)
    return [t for t in parser.targets if re.match(r"\s*(?:[a-z]+:)?//", t, re.IGNORECASE)]


def _pdf_text(path: Path) -> tuple[int, str]:
    """Page count (pdfinfo) and text (pdftotext) of a PDF; .ci/run installs poppler-utils."""
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils (pdfinfo, pdftotext) is needed to check the PDF")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert pages is not None, info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return int(pages.group(1)), text


def assert_charts_whole(browser: Browser, packet: Path) -> None:
    """Open the downloaded file as a supervisor would (offline) and check every chart's labels."""
    asked: list[str] = []

    def offline(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            asked.append(url)
            route.abort("blockedbyclient")

    # A context of its own: the app's network fence lets only the app's address through.
    reader = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        reader.route("**/*", offline)
        page = reader.new_page()
        page.goto(packet.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {PACKET_CHARTS}"
        )
        charts, problems = label_problems(page)
    finally:
        reader.close()
    assert asked == [], "the packet tried to load something"
    assert charts == PACKET_CHARTS
    assert problems == [], "labels cut off or overlapping in the downloaded packet"


def assert_words_whole(text: str, html: str) -> None:
    """Each chart label is a whole word of the PDF, and no word is a label's cut-off tail."""
    words = set(re.findall(r"[A-Za-z]+", text))
    parser = _Prose()
    parser.feed(html)
    tails = {label[i:] for label in CHART_WORDS for i in range(1, len(label) - 2)}
    assert [w for w in CHART_WORDS if w not in words] == []
    assert sorted((tails & words) - parser.words) == [], "a label was cut in the PDF"


def test_packet_downloads_as_html_and_pdf(
    page: Page, browser: Browser, fence: NetworkFence, demo_app: RunningApp, tmp_path: Path
) -> None:
    open_page(page, demo_app.url, ready="Save session")
    go_to(page, "Supervision packet")
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Prepare the packet").click()
    expect(main.get_by_role("button", name="Download HTML")).to_be_visible(timeout=60_000)

    with page.expect_download() as html_download:
        main.get_by_role("button", name="Download HTML").click()
    html_path = tmp_path / "packet.html"
    html_download.value.save_as(html_path)
    html = html_path.read_text(encoding="utf-8")
    assert html_download.value.suggested_filename.endswith(".html")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Client A" in html
    assert PLANTED_CLIENT not in html, "client codes must not be in a default packet"
    assert outside_links(html) == [], "the packet must not load anything from outside"
    assert html.count("Plotly.newPlot") >= 1
    # The page's server process builds the figures: they must come out as `tightrope report`
    # draws them, every tick label and axis title inside its chart.
    assert_charts_whole(browser, html_path)

    main.get_by_role("button", name="Make PDF").click()
    download_pdf = main.get_by_role("button", name="Download PDF")
    expect(download_pdf).to_be_visible(timeout=60_000)
    with page.expect_download() as pdf_download:
        download_pdf.click()
    pdf_path = tmp_path / "packet.pdf"
    pdf_download.value.save_as(pdf_path)
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    pages, text = _pdf_text(pdf_path)
    assert pages > 0
    assert "Fatigue" in text
    assert PLANTED_CLIENT not in text
    assert_words_whole(text, html)
