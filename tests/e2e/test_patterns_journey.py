"""Journey (c): on the demo data, the Patterns page names the planted difficult client C-42."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.charts import label_problems
from tests.e2e.conftest import NetworkFence, RunningApp, go_to, open_page, wait_charts_drawn

pytestmark = pytest.mark.e2e

PATTERN_CHARTS = 7  # three dot-and-interval charts, scenarios, heatmap, load, one client


def test_patterns_page_finds_the_planted_client(
    page: Page, fence: NetworkFence, demo_app: RunningApp
) -> None:
    open_page(page, demo_app.url, ready="Save session")
    go_to(page, "Patterns")
    main = page.get_by_test_id("stMain")
    # The demo plants +2.5 dread with C-42 only: it leads the findings, for dread.
    finding = main.get_by_text("Sessions with C-42 leave your dread")
    expect(finding).to_be_visible()
    expect(main.get_by_text("This may point to personal work worth exploring")).to_be_visible()
    # The drill-down opens on the client most worth a look: C-42.
    expect(main.get_by_role("combobox", name="Client", exact=True)).to_have_value("C-42")
    assert wait_charts_drawn(page) >= 1
    # Every tick label and axis title whole: weekday names, tags and client labels included.
    charts, problems = label_problems(page, "[data-testid='stMain']")
    assert charts == PATTERN_CHARTS
    assert problems == []
