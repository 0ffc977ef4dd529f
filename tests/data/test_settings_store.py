"""Thresholds in the database: round trip, defaults, and bad stored values."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from core.settings import Thresholds
from data.db import session_scope
from data.models import Setting
from data.settings_store import PREFIX, load_thresholds, reset_thresholds, save_thresholds


def stored(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(col(Setting.key), col(Setting.value))).all())


def put(engine: Engine, key: str, value: str) -> None:
    with session_scope(engine) as session:
        session.merge(Setting(key=key, value=value))


def test_an_empty_database_gives_the_defaults(engine: Engine) -> None:
    assert load_thresholds(engine) == Thresholds()


def test_saved_thresholds_come_back(engine: Engine) -> None:
    chosen = Thresholds(absolute_threshold=7.0, watch_window_days=10, ewma_lambda=0.1)
    save_thresholds(engine, thresholds=chosen)
    assert load_thresholds(engine) == chosen


def test_only_changed_values_are_stored(engine: Engine) -> None:
    save_thresholds(engine, thresholds=Thresholds(absolute_threshold=7.0))
    assert stored(engine) == {f"{PREFIX}absolute_threshold": "7.0"}


def test_saving_again_replaces_the_previous_choice(engine: Engine) -> None:
    save_thresholds(engine, thresholds=Thresholds(absolute_threshold=7.0))
    save_thresholds(engine, thresholds=Thresholds(watch_window_days=10))
    assert load_thresholds(engine) == Thresholds(watch_window_days=10)


def test_reset_gives_the_defaults_back(engine: Engine) -> None:
    save_thresholds(engine, thresholds=Thresholds(absolute_threshold=7.0))
    reset_thresholds(engine)
    assert load_thresholds(engine) == Thresholds()
    assert stored(engine) == {}


def test_other_settings_are_left_alone(engine: Engine) -> None:
    put(engine, "packet.include_notes", "false")
    save_thresholds(engine, thresholds=Thresholds(absolute_threshold=7.0))
    reset_thresholds(engine)
    assert stored(engine) == {"packet.include_notes": "false"}


@pytest.mark.parametrize(
    "raw",
    ['"high"', "not json", "42", "null", "true", "5.5e400"],
)
def test_a_bad_stored_value_falls_back_to_its_default_with_a_warning(
    engine: Engine, caplog: pytest.LogCaptureFixture, raw: str
) -> None:
    put(engine, f"{PREFIX}absolute_threshold", raw)
    put(engine, f"{PREFIX}watch_window_days", "10")
    with caplog.at_level(logging.WARNING, logger="data.settings_store"):
        thresholds = load_thresholds(engine)
    assert thresholds == Thresholds(watch_window_days=10)
    assert "absolute_threshold is not valid" in caplog.text
    assert raw not in caplog.text  # the stored value itself is never logged


def test_values_that_do_not_fit_together_fall_back_to_all_defaults(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    put(engine, f"{PREFIX}watch_window_days", "30")  # longer than the chronic window
    with caplog.at_level(logging.WARNING, logger="data.settings_store"):
        assert load_thresholds(engine) == Thresholds()
    assert "do not fit together" in caplog.text


def test_a_setting_this_version_does_not_know_is_ignored(engine: Engine) -> None:
    put(engine, f"{PREFIX}retired_setting", "3")
    assert load_thresholds(engine) == Thresholds()
