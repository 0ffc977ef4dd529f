"""Pydantic's validation errors as plain words: one translator for the Log page and CSV import."""

from __future__ import annotations

from typing import Final, NamedTuple

from pydantic import ValidationError

from core.schema import RATING_MAX, RATING_MIN, REFLECTION_PROMPTS, SIGNS

FIELD_NAMES: Final = {
    "started_at": "start time",
    "client_code": "client code",
    "scenarios": "scenario tags",
    "note": "private note",
    "grounding_done": "grounding ritual flag",
    **{sign: sign for sign in SIGNS},
    **{key: f"reflection ({question})" for key, question in REFLECTION_PROMPTS.items()},
}
"""How each field of a session entry is named in a message."""


class FieldProblem(NamedTuple):
    """Why one field was refused: the field (a column name) and a lower-case reason."""

    field: str
    reason: str


def explain(error: ValidationError) -> list[FieldProblem]:
    """Turn pydantic's errors into short reasons a tired person can act on, field by field."""
    problems: list[FieldProblem] = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        name = FIELD_NAMES.get(field, field)
        kind = item["type"]
        if kind == "string_too_short":
            reason = f"the {name} is empty"
        elif kind == "string_too_long":
            limit = item.get("ctx", {}).get("max_length")
            reason = f"the {name} is too long (at most {limit} characters)"
        elif kind == "too_long":
            reason = f"too many {name} (at most {item.get('ctx', {}).get('max_length')})"
        elif kind in ("greater_than_equal", "less_than_equal", "int_from_float", "int_parsing"):
            reason = f"{name} must be a whole number from {RATING_MIN} to {RATING_MAX}"
        else:
            reason = f"{name}: " + str(item["msg"]).removeprefix("Value error, ")
        problems.append(FieldProblem(field, reason))
    return problems


def as_sentences(problems: list[FieldProblem]) -> str:
    """The reasons as sentences for a message, e.g. 'The private note is too long (…).'"""
    return " ".join(problem.reason[:1].upper() + problem.reason[1:] + "." for problem in problems)
