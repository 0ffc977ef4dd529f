"""The validating model refuses bad entries; the database refuses them even without it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from data.models import normalise_tag
from tests.factories import make_entry


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dread", -1),
        ("dread", 11),
        ("detachment", 11),
        ("fatigue", -3),
        ("fatigue", 7.5),
        ("client_code", ""),
        ("client_code", "   "),
        ("client_code", "x" * 41),
        ("note", "n" * 4001),
        ("reflection_themes", "t" * 4001),
        ("started_at", datetime(2026, 1, 5, 10, 0)),  # naive: refused
        ("scenarios", ["x" * 61]),
    ],
)
def test_invalid_fields_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        make_entry(**{field: value})


def test_valid_entry_is_normalised() -> None:
    entry = make_entry(
        client_code="  C-07 ",
        scenarios=["Boundary  Pushing", "boundary pushing", " ", "my own tag"],
        note="line one\nline two\x00",
    )
    assert entry.client_code == "C-07"
    assert entry.scenarios == ["boundary pushing", "my own tag"]
    assert entry.note == "line one\nline two"


def test_start_time_is_converted_to_utc() -> None:
    local = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert make_entry(started_at=local).started_at == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def test_tags_may_come_as_one_semicolon_string() -> None:
    entry = make_entry(scenarios="crisis situation; countertransference")
    assert entry.scenarios == ["crisis situation", "countertransference"]


@pytest.mark.parametrize("name", ["Crisis  Situation ", "crisis situation", "CRISIS\tsituation"])
def test_tags_normalise_to_one_name(name: str) -> None:
    assert normalise_tag(name) == "crisis situation"


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO session_entry (started_at, client_code, dread, detachment, fatigue, "
        "created_at, updated_at) VALUES ('2026-01-05 09:00:00', 'C-1', 11, 0, 0, "
        "'2026-01-05', '2026-01-05')",
        "INSERT INTO session_entry (started_at, client_code, dread, detachment, fatigue, "
        "created_at, updated_at) VALUES ('2026-01-05 09:00:00', 'C-1', 0, -1, 0, "
        "'2026-01-05', '2026-01-05')",
        "INSERT INTO session_entry (started_at, client_code, dread, detachment, fatigue, "
        "created_at, updated_at) VALUES ('2026-01-05 09:00:00', '', 0, 0, 0, "
        "'2026-01-05', '2026-01-05')",
        "INSERT INTO session_scenario (session_id, scenario_id) VALUES (999, 1)",
    ],
)
def test_database_constraints_refuse_bad_rows(engine: Engine, statement: str) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM session_entry")).scalar() == 0


def test_start_time_out_of_range_is_a_validation_error() -> None:
    far = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5)))
    with pytest.raises(ValidationError, match="out of range"):
        make_entry(started_at=far)


def test_a_tag_never_holds_the_csv_separator() -> None:
    assert make_entry(scenarios=["late; again", "crisis situation"]).scenarios == [
        "late",
        "again",
        "crisis situation",
    ]
