"""data.validation: one translator of pydantic's errors, shared by the Log page and CSV import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from data.models import CLIENT_CODE_MAX, TAGS_MAX, TEXT_MAX, SessionCreate
from data.validation import FieldProblem, as_sentences, explain

GOOD: dict[str, Any] = {
    "started_at": datetime(2026, 1, 6, 9, tzinfo=UTC),
    "client_code": "C-07",
    "dread": 4,
    "detachment": 3,
    "fatigue": 5,
}


def problems(**changes: Any) -> list[FieldProblem]:
    """What the translator says about GOOD with `changes` applied."""
    with pytest.raises(ValidationError) as caught:
        SessionCreate.model_validate({**GOOD, **changes})
    return explain(caught.value)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"client_code": ""}, ("client_code", "the client code is empty")),
        (
            {"client_code": "C" * (CLIENT_CODE_MAX + 1)},
            ("client_code", f"the client code is too long (at most {CLIENT_CODE_MAX} characters)"),
        ),
        (
            {"note": "x" * (TEXT_MAX + 1)},
            ("note", f"the private note is too long (at most {TEXT_MAX} characters)"),
        ),
        ({"dread": 11}, ("dread", "dread must be a whole number from 0 to 10")),
        ({"fatigue": -1}, ("fatigue", "fatigue must be a whole number from 0 to 10")),
        ({"detachment": 2.5}, ("detachment", "detachment must be a whole number from 0 to 10")),
        (
            {"scenarios": [f"t{i}" for i in range(TAGS_MAX + 1)]},
            ("scenarios", f"too many scenario tags (at most {TAGS_MAX})"),
        ),
        (
            {"started_at": datetime(2026, 1, 6, 9)},
            ("started_at", "start time: the start time needs a timezone"),
        ),
    ],
)
def test_each_kind_of_problem_reads_as_plain_words(
    changes: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert problems(**changes) == [FieldProblem(*expected)]


def test_sentences_start_with_a_capital_and_end_with_a_full_stop() -> None:
    found = problems(client_code="", dread=12)
    assert as_sentences(found) == (
        "The client code is empty. Dread must be a whole number from 0 to 10."
    )
