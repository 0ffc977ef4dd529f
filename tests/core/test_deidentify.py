"""De-identification: stable aliases, week granularity, notes only when opted in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.deidentify import (
    TEXT_COLUMNS,
    alias_label,
    client_aliases,
    client_label,
    deidentify_sessions,
    local_weeks,
    week_start,
)
from core.schema import as_sessions

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("index", "alias"),
    [
        (0, "Client A"),
        (1, "Client B"),
        (25, "Client Z"),
        (26, "Client AA"),
        (27, "Client AB"),
        (51, "Client AZ"),
        (52, "Client BA"),
        (701, "Client ZZ"),
        (702, "Client AAA"),
    ],
)
def test_alias_labels_run_like_spreadsheet_columns(index: int, alias: str) -> None:
    assert alias_label(index) == alias


def test_a_negative_alias_index_is_refused() -> None:
    with pytest.raises(ValueError):
        alias_label(-1)


def test_aliases_follow_first_appearance_and_ignore_repeats() -> None:
    aliases = client_aliases(["C-42", "C-07", "C-42", "C-01", "C-07"])
    assert aliases == {"C-42": "Client A", "C-07": "Client B", "C-01": "Client C"}


@given(st.lists(st.text(min_size=1, max_size=8), max_size=60))
def test_aliases_are_distinct_and_cover_every_code(codes: list[str]) -> None:
    aliases = client_aliases(codes)
    assert set(aliases) == set(codes)
    assert len(set(aliases.values())) == len(aliases)
    assert client_aliases(codes) == aliases  # same input, same aliases


@pytest.mark.parametrize(
    ("show", "code", "expected"),
    [
        (False, "C-42", "Client A"),
        (True, "C-42", "C-42"),
        (False, "never-seen", "Client (other)"),
        (True, "never-seen", "never-seen"),
    ],
)
def test_client_label_never_leaks_a_code_unless_asked(show: bool, code: str, expected: str) -> None:
    assert client_label(code, {"C-42": "Client A"}, show_client_codes=show) == expected


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 11, 23), date(2026, 11, 23)),
        (date(2026, 11, 29), date(2026, 11, 23)),
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2027, 1, 1), date(2026, 12, 28)),
    ],
)
def test_week_start_is_the_monday(day: date, monday: date) -> None:
    assert week_start(day) == monday


def test_weeks_are_local_not_utc() -> None:
    # Monday 00:30 in Berlin is still Sunday in UTC: the local week must win.
    started = pd.Series(pd.to_datetime([datetime(2026, 11, 29, 23, 30, tzinfo=UTC)]))
    assert local_weeks(started, BERLIN).tolist() == [date(2026, 11, 30)]


def _sessions() -> pd.DataFrame:
    return as_sessions(
        pd.DataFrame(
            {
                "started_at": [
                    datetime(2026, 11, 24, 9, 5, tzinfo=UTC),
                    datetime(2026, 11, 25, 14, 0, tzinfo=UTC),
                    datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
                ],
                "client_code": ["C-42", "C-07", "C-42"],
                "dread": [7, 2, 8],
                "detachment": [3, 1, 4],
                "fatigue": [5, 2, 6],
                "scenarios": [["boundary pushing"], [], []],
                "reflection_reaction": ["angry", "", "tired"],
                "note": ["private", "", ""],
            }
        )
    )


def test_default_rows_hold_no_code_no_time_and_no_text() -> None:
    frame = _sessions()
    aliases = client_aliases(frame["client_code"])
    out = deidentify_sessions(frame, tz=BERLIN, aliases=aliases)
    assert "started_at" not in out.columns and "client_code" not in out.columns
    assert set(out["client"]) == {"Client A", "Client B"}
    assert set(out["week"]) == {date(2026, 11, 23), date(2026, 11, 30)}
    for column in TEXT_COLUMNS:
        assert (out[column] == "").all()
    assert out["dread"].tolist() == [7, 2, 8]


def test_opted_in_rows_keep_text_and_codes() -> None:
    frame = _sessions()
    aliases = client_aliases(frame["client_code"])
    out = deidentify_sessions(
        frame, tz=BERLIN, aliases=aliases, include_notes=True, show_client_codes=True
    )
    assert set(out["client"]) == {"C-42", "C-07"}
    assert sorted(out["note"]) == ["", "", "private"]
    assert sorted(out["reflection_reaction"]) == ["", "angry", "tired"]


def test_empty_sessions_give_an_empty_frame_with_columns() -> None:
    out = deidentify_sessions(_sessions().iloc[:0], tz=BERLIN, aliases={})
    assert out.empty
    assert {"week", "client", *TEXT_COLUMNS} <= set(out.columns)
