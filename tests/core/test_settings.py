"""The thresholds object: defaults with reasons, validation in plain words, plain mappings."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from core.settings import EVERYDAY, TITLES, SettingsError, Thresholds, label, setting_fields


def test_every_field_has_a_default_a_reason_and_a_range() -> None:
    for f in setting_fields():
        assert len(f.metadata["help"]) > 30, f.name
        default = getattr(Thresholds(), f.name)
        assert f.metadata["min"] <= default <= f.metadata["max"], f.name


def test_the_absolute_threshold_defaults_to_six() -> None:
    assert Thresholds().absolute_threshold == 6


def test_mapping_round_trip() -> None:
    changed = Thresholds(absolute_threshold=7.0, watch_window_days=10)
    assert Thresholds.from_mapping(changed.to_mapping()) == changed


def test_missing_keys_keep_defaults_and_unknown_keys_are_ignored() -> None:
    assert Thresholds.from_mapping({"not_a_setting": 3}) == Thresholds()


def test_whole_number_fields_accept_whole_floats() -> None:
    value = Thresholds.from_mapping({"watch_window_days": 14.0}).watch_window_days
    assert value == 14 and isinstance(value, int)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"absolute_threshold": "high"}, "Fixed line (points) must be a number."),
        ({"absolute_threshold": 11}, "Fixed line (points) must be at most 10 (it was 11)."),
        (
            {"rise_points": 0.2},
            "Smallest rise worth a warning (points) must be at least 0.25 (it was 0.2).",
        ),
        ({"watch_window_days": 14.5}, "Watch looks back (days) must be a whole number."),
        ({"absolute_threshold": math.nan}, "Fixed line (points) must be a finite number."),
        ({"absolute_threshold": True}, "Fixed line (points) must be a number, not yes/no."),
        ({"watch_window_days": 30}, "The chronic window must be longer than the watch window"),
        ({"baseline_min_days": 100, "baseline_window_days": 50}, "cannot need more logged days"),
    ],
)
def test_bad_values_are_refused_in_plain_words(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Thresholds.from_mapping(values)


def test_a_changed_copy_is_validated_too() -> None:
    assert replace(Thresholds(), ewma_lambda=0.1).ewma_lambda == 0.1
    with pytest.raises(SettingsError):
        replace(Thresholds(), ewma_lambda=0)


def test_labels_read_like_words() -> None:
    assert label("ewma_lambda") == "Trend line (EWMA): weight of each new day"
    assert label("absolute_threshold") == "Fixed line (points)"
    # Every setting has its own plain title, none made from its field name.
    for f in setting_fields():
        assert label(f.name) == TITLES[f.name] and "_" not in label(f.name)
    assert len(set(TITLES.values())) == len(TITLES)  # no two read alike
    assert set(TITLES) >= EVERYDAY
