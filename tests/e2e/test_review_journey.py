"""Journey (b): import the demo CSV on the Data page, open Review, read the warning, see charts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, ViewportSize, expect

from core.warnings import assess
from data.csv_io import export_csv
from data.demo import demo_sessions
from tests.e2e.charts import label_problems
from tests.e2e.conftest import (
    DEMO_ZONE,
    NetworkFence,
    RunningApp,
    go_to,
    local_today,
    open_page,
    wait_charts_drawn,
)

pytestmark = pytest.mark.e2e

REVIEW_CHARTS = 2  # the chosen sign's trend and, once opened, its calendar heatmap
PHONE: ViewportSize = {"width": 390, "height": 844}
MAIN = "[data-testid='stMain']"


def test_imported_demo_shows_warning_and_charts_on_review(
    page: Page, fence: NetworkFence, app: RunningApp, tmp_path: Path
) -> None:
    today = local_today()
    demo = demo_sessions(today, DEMO_ZONE)
    # The demo fills today's whole timetable; an export never holds sessions still to come.
    sessions = demo[demo["started_at"] <= pd.Timestamp.now(tz="UTC")].reset_index(drop=True)
    csv_file = tmp_path / "demo.csv"
    csv_file.write_bytes(export_csv(sessions, DEMO_ZONE))
    expected = assess(sessions, today=today, tz=DEMO_ZONE)
    # The demo plants a fatigue episode over the last five weeks: the page must say so.
    assert expected.signs["fatigue"].level != "none"

    open_page(page, app.url, ready="Save session")
    go_to(page, "Your data")
    main = page.get_by_test_id("stMain")
    main.locator("input[type='file']").first.set_input_files(csv_file)
    import_button = main.get_by_role("button", name="Import entries")
    expect(import_button).to_be_enabled()
    import_button.click()
    imported = main.get_by_test_id("stAlert").filter(has_text="Imported demo.csv")
    expect(imported).to_contain_text(f"{len(sessions)} entries added", timeout=60_000)

    go_to(page, "Weekly review")
    expect(main.get_by_text(expected.signs["fatigue"].explanation)).to_be_visible()
    first_sentence = expected.overall.explanation.split(". ")[0]
    expect(main.get_by_role("status").filter(has_text=first_sentence)).to_be_visible()
    assert wait_charts_drawn(page) == 1  # the trend; the year at a glance is drawn on request
    # It opens on the most pressing sign; every sign's trend and calendar can be shown.
    charts = main.get_by_test_id("stPlotlyChart")
    expect(charts.first.locator(".gtitle")).to_have_text("Fatigue: day values and rolling averages")
    main.get_by_text("Show a year at a glance: fatigue").click()
    expect(charts).to_have_count(REVIEW_CHARTS)
    expect(charts.last.locator(".gtitle")).to_contain_text("Fatigue, one square per day")
    for sign in ("Dread", "Detachment", "Fatigue"):
        # The "Show" control (the tiles and the words above also name the signs).
        main.get_by_role("radiogroup", name="Show").get_by_role("radio", name=sign).click()
        expect(charts.first.locator(".gtitle")).to_have_text(
            f"{sign}: day values and rolling averages", timeout=30_000
        )
        expect(charts.last.locator(".gtitle")).to_contain_text(f"{sign}, one square per day")
        assert wait_charts_drawn(page) == REVIEW_CHARTS
    # Every tick label and axis title whole on the page, too.
    assert label_problems(page, MAIN)[1] == []


# Boxes of everything that could sit over a chart's title once a finger or pointer is on it.
_TITLE_COVERS = """(main) => {
  const overlap = (a, b) => a.left < b.right && b.left < a.right
    && a.top < b.bottom && b.top < a.bottom;
  const covered = [];
  for (const chart of document.querySelectorAll(`${main} [data-testid='stPlotlyChart']`)) {
    const title = chart.querySelector('.gtitle').getBoundingClientRect();
    for (const bar of chart.querySelectorAll('.modebar')) {
      const box = bar.getBoundingClientRect();
      if (box.width > 0 && getComputedStyle(bar).opacity !== '0' && overlap(box, title)) {
        covered.push(chart.querySelector('.gtitle').textContent);
      }
    }
  }
  return covered;
}"""


def test_on_a_phone_no_toolbar_covers_a_charts_title(
    page: Page, fence: NetworkFence, demo_app: RunningApp
) -> None:
    open_page(page, demo_app.url, ready="Save session")
    go_to(page, "Weekly review")
    page.set_viewport_size(PHONE)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Show a year at a glance").click()
    expect(main.get_by_test_id("stPlotlyChart")).to_have_count(REVIEW_CHARTS)
    assert wait_charts_drawn(page) == REVIEW_CHARTS
    for chart in main.get_by_test_id("stPlotlyChart").all():
        chart.scroll_into_view_if_needed()
        chart.hover()  # Plotly shows its mode bar while the pointer is on the chart
        assert page.evaluate(_TITLE_COVERS, MAIN) == []
    assert main.locator(".modebar").count() == 0
