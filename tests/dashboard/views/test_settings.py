"""AppTest of the Settings page: help text, save, plain-word errors, reset."""

from __future__ import annotations

from sqlalchemy import Engine

from core.settings import Thresholds, setting_fields
from data.settings_store import load_thresholds, save_thresholds
from tests.dashboard.views.pages import open_page


def test_every_threshold_is_shown_with_its_reason(engine: Engine) -> None:
    at = open_page("settings")
    keys = {n.key for n in at.number_input} | {c.key for c in at.checkbox}
    assert keys == {f"setting_{f.name}" for f in setting_fields()}
    captions = " ".join(c.value for c in at.caption)
    for f in setting_fields():
        assert f.metadata["help"] in captions


def test_the_stored_values_are_shown(engine: Engine) -> None:
    save_thresholds(engine, thresholds=Thresholds(absolute_threshold=7.0))
    at = open_page("settings")
    assert at.number_input(key="setting_absolute_threshold").value == 7.0


def test_saving_stores_the_thresholds(engine: Engine) -> None:
    at = open_page("settings")
    at.number_input(key="setting_absolute_threshold").set_value(7.5)
    at.number_input(key="setting_watch_window_days").set_value(10)
    at.button(key="settings_save").click()
    at.run()
    assert not at.exception
    assert any("Settings saved" in s.value for s in at.success)
    assert load_thresholds(engine) == Thresholds(absolute_threshold=7.5, watch_window_days=10)


def test_a_combination_that_does_not_fit_is_refused_in_plain_words(engine: Engine) -> None:
    at = open_page("settings")
    at.number_input(key="setting_watch_window_days").set_value(30)
    at.button(key="settings_save").click()
    at.run()
    assert [e.value for e in at.error] == [
        "The chronic window must be longer than the watch window (28 days is not more than 30). "
        "Nothing was saved."
    ]
    assert load_thresholds(engine) == Thresholds()


def test_reset_goes_back_to_the_defaults(engine: Engine) -> None:
    save_thresholds(engine, thresholds=Thresholds(absolute_threshold=7.0))
    at = open_page("settings")
    at.button(key="settings_reset").click()
    at.run()
    assert load_thresholds(engine) == Thresholds()
    assert at.number_input(key="setting_absolute_threshold").value == 6.0
    assert any("back to its default" in s.value for s in at.success)
