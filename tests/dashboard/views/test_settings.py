"""AppTest of the Settings page: help text, save, plain-word errors, reset."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from core.settings import EVERYDAY, Thresholds, setting_fields
from data.settings_store import load_thresholds, save_thresholds
from tests.dashboard.views.pages import open_page
from tests.factories import OWNER, refusing


def save_with(**values: float) -> AppTest:
    """The Settings page after typing these values and pressing Save."""
    at = open_page("settings")
    for name, value in values.items():
        at.number_input(key=f"setting_{name}").set_value(value)
    at.button(key="settings_save").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_every_threshold_is_shown_with_its_reason(engine: Engine) -> None:
    at = open_page("settings")
    keys = {n.key for n in at.number_input} | {c.key for c in at.checkbox}
    assert keys == {f"setting_{f.name}" for f in setting_fields()}
    captions = " ".join(c.value for c in at.caption)
    for f in setting_fields():
        assert f.metadata["help"] in captions


def test_the_stored_values_are_shown(engine: Engine) -> None:
    save_thresholds(engine, owner=OWNER, thresholds=Thresholds(absolute_threshold=7.0))
    at = open_page("settings")
    assert at.number_input(key="setting_absolute_threshold").value == 7.0


def test_saving_stores_the_thresholds(engine: Engine) -> None:
    at = save_with(absolute_threshold=7.5, watch_window_days=10)
    assert any("Settings saved" in s.value for s in at.success)
    assert load_thresholds(engine, owner=OWNER) == Thresholds(
        absolute_threshold=7.5, watch_window_days=10
    )


def test_a_combination_that_does_not_fit_is_refused_in_plain_words(engine: Engine) -> None:
    at = save_with(watch_window_days=30)
    assert [e.value for e in at.error] == [
        "The chronic window must be longer than the watch window (28 days is not more than 30). "
        "Nothing was saved."
    ]
    assert load_thresholds(engine, owner=OWNER) == Thresholds()


def test_reset_goes_back_to_the_defaults(engine: Engine) -> None:
    save_thresholds(engine, owner=OWNER, thresholds=Thresholds(absolute_threshold=7.0))
    at = open_page("settings")
    at.button(key="settings_reset").click()
    at.run()
    assert load_thresholds(engine, owner=OWNER) == Thresholds()
    assert at.number_input(key="setting_absolute_threshold").value == 6.0
    assert any("back to its default" in s.value for s in at.success)


def in_order(node: Any) -> list[Any]:
    """Every element under `node` in page order (blocks opened)."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for index in sorted(children) for leaf in in_order(children[index])]


def after_save(at: AppTest) -> Any:
    """The element right after the Save button."""
    elements = in_order(at.main)
    (save,) = [i for i, e in enumerate(elements) if getattr(e, "key", None) == "settings_save"]
    return elements[save + 1]


def test_an_out_of_range_value_is_refused_next_to_save(engine: Engine) -> None:
    at = save_with(absolute_threshold=12.0, watch_window_days=3)
    beside = after_save(at)
    assert beside.type == "error" and "nothing was saved" in beside.value
    assert "Fixed line (points) must be at most 10 (it was 12)." in beside.value
    assert "Watch looks back (days) must be at least 7 (it was 3)." in beside.value
    # Each field says it too, and nothing was stored.
    errors = [e.value for e in at.error]
    assert "Fixed line (points) must be at most 10 (it was 12)." in errors
    assert load_thresholds(engine, owner=OWNER) == Thresholds()


def test_the_browser_may_send_any_number_so_save_can_say_what_is_wrong(engine: Engine) -> None:
    # A number input with bounds refuses an out-of-range value on the field alone, in the
    # browser, and Save then sends the old value: the bounds are checked at Save instead.
    at = open_page("settings")
    for number in at.number_input:
        assert (number.min, number.max) == (None, None), number.key
    assert any("Allowed: 1 to 10." in c.value for c in at.caption)


def test_saved_is_said_next_to_save(engine: Engine) -> None:
    at = save_with(absolute_threshold=7.0)
    assert "Settings saved" in after_save(at).value


def test_settings_that_cannot_be_written_are_refused_in_words_next_to_save(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("data.settings_store.save_thresholds", refusing("database is locked"))
    at = save_with(absolute_threshold=7.0)
    beside = after_save(at)
    assert beside.type == "error"
    assert (
        beside.value == "Nothing was saved: your journal is busy: another program is writing to it."
    )
    assert load_thresholds(engine, owner=OWNER) == Thresholds()


def test_everyday_settings_come_first_and_the_statistics_wait_in_an_expander(
    engine: Engine,
) -> None:
    at = open_page("settings")
    (statistics,) = [e for e in at.expander if e.label.startswith("The statistics behind")]
    inside = {n.key for n in statistics.number_input} | {c.key for c in statistics.checkbox}
    assert inside == {f"setting_{f.name}" for f in setting_fields() if f.name not in EVERYDAY}
    assert not statistics.proto.expanded
    # Save refuses a statistical setting: its expander opens, so the message is in sight.
    at = save_with(chronic_evidence=9.0)
    (statistics,) = [e for e in at.expander if e.label.startswith("The statistics behind")]
    assert statistics.proto.expanded
    assert any("How clear a rise chronic needs" in e.value for e in statistics.error)
