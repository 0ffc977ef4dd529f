"""Answers to scale scores, with every problem named in plain words.

`answers` maps an item id (`cbi_work_7`, `proqol_1`) to the index of the chosen option in the
item's answer format, in the printed order (CBI: 0 = "Always" / "To a very high degree";
ProQOL: 0 = "Never"). A check-in is scored only when every item has a valid answer: the form
asks every item, and half a questionnaire is not the questionnaire.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from typing import cast

from core.checkin.instruments import Band, Instrument, Scale, Scoring


class CheckinError(ValueError):
    """Answers that cannot be scored, with a message meant for the therapist."""


def answer_problems(instrument: Instrument, answers: Mapping[str, object]) -> list[str]:
    """Every reason `answers` cannot be scored, in item order, as sentences (empty when fine)."""
    problems: list[str] = []
    known = {item.id for item in instrument.items}
    for item in instrument.items:
        options = len(instrument.format_of(item).labels)
        where = f"Question {item.number} ({_scale_title(instrument, item.scale)})"
        if item.id not in answers or answers[item.id] is None:
            problems.append(f"{where} has no answer yet.")
            continue
        value = answers[item.id]
        # Integral, not int: answers read back from a frame are numpy integers.
        if isinstance(value, bool) or not isinstance(value, Integral):
            problems.append(f"{where} has an answer that is not one of its options.")
        elif not 0 <= int(value) < options:
            problems.append(
                f"{where} has answer number {value}, but it has only {options} options "
                f"(0 to {options - 1})."
            )
    unknown = sorted(set(answers) - known)
    if unknown:
        problems.append(
            f"{len(unknown)} answer{'s do' if len(unknown) != 1 else ' does'} not belong to the "
            f"{instrument.short_name}: {', '.join(unknown)}."
        )
    return problems


def item_points(instrument: Instrument, answers: Mapping[str, int]) -> dict[str, int]:
    """Points of every item after reversal (answers must be valid: see `answer_problems`)."""
    points: dict[str, int] = {}
    for item in instrument.items:
        options = instrument.format_of(item)
        points[item.id] = options.points_for(answers[item.id], reversed_item=item.reversed)
    return points


def score_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, float]:
    """Each scale's score by scale key, in the instrument's order.

    Raises CheckinError listing every problem when an answer is missing or out of range.
    """
    problems = answer_problems(instrument, answers)
    if problems:
        raise CheckinError(" ".join(problems))
    valid = {item.id: int(cast(Integral, answers[item.id])) for item in instrument.items}
    points = item_points(instrument, valid)
    return {s.key: _combine(s, [points[i] for i in s.items]) for s in instrument.scales}


def band_of(scale: Scale, score: float) -> Band | None:
    """The published band a score falls in, or None (the scale has none, or between bands)."""
    return next((b for b in scale.bands if b.low <= score <= b.high), None)


def _combine(scale: Scale, points: list[int]) -> float:
    total = float(sum(points))
    return total / len(points) if scale.scoring is Scoring.MEAN else total


def _scale_title(instrument: Instrument, key: str) -> str:
    return instrument.scale(key).title.lower()
