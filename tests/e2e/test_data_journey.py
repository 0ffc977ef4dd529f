"""Journey: bring data in and take it out: import a CSV, see the count, download the export."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from data.csv_io import CSV_COLUMNS, export_csv, parse_csv
from tests.e2e.conftest import NetworkFence, RunningApp, open_page, wait_idle
from tests.factories import sessions_frame

pytestmark = pytest.mark.e2e


def test_import_a_csv_then_download_the_export(
    page: Page, fence: NetworkFence, app: RunningApp, tmp_path: Path
) -> None:
    source = tmp_path / "journal.csv"
    source.write_bytes(export_csv(sessions_frame(days=21)))
    expected = len(parse_csv(source.read_bytes()).frame)

    open_page(page, f"{app.url}/data", ready="Import entries")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("No entries yet")).to_be_visible()

    main.locator("input[type='file']").first.set_input_files(str(source))
    wait_idle(page)
    import_button = main.get_by_role("button", name="Import entries")
    expect(import_button).to_be_enabled()
    import_button.click()
    expect(main.get_by_text(f"{expected} entries added, 0 were already saved")).to_be_visible()

    expect(main.get_by_test_id("stMetricValue").first).to_have_text(f"{expected:,}")
    download_button = main.get_by_role("button", name="Download all entries (CSV)")
    expect(download_button).to_be_enabled()
    with page.expect_download() as info:
        download_button.click()
    saved = tmp_path / "export.csv"
    info.value.save_as(saved)
    raw = saved.read_bytes()
    assert raw.decode("utf-8").splitlines()[0] == ",".join(CSV_COLUMNS)
    assert len(parse_csv(raw).frame) == expected
