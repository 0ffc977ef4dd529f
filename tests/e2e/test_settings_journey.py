"""Settings in a real browser: an out-of-range value is refused next to Save, in plain words."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import NetworkFence, RunningApp, open_page, wait_idle

pytestmark = pytest.mark.e2e


def test_an_out_of_range_value_is_refused_next_to_save(
    page: Page, app: RunningApp, fence: NetworkFence
) -> None:
    open_page(page, f"{app.url}/settings", ready="Save settings")
    field = page.get_by_label("Fixed line (points)")
    field.fill("12")
    field.press("Tab")
    save = page.get_by_role("button", name="Save settings")
    save.click()
    wait_idle(page)
    message = page.get_by_test_id("stAlert").filter(has_text="Nothing was saved")
    expect(message).to_contain_text("Fixed line (points) must be at most 10 (it was 12).")
    save_box, message_box = save.bounding_box(), message.bounding_box()
    assert save_box is not None and message_box is not None
    # Right below the button, not far up the page.
    assert 0 <= message_box["y"] - (save_box["y"] + save_box["height"]) < 100
