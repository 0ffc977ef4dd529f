"""Reliable change between two check-ins (Jacobson & Truax 1991).

RC = (after − before) / S_diff, with S_diff = √2 · SE and SE = SD · √(1 − reliability): the
difference two measurements of an unchanged person would show by error alone. |RC| > 1.96 is a
change larger than that error in 95 of 100 cases. SD and reliability are each scale's published
values (`core.checkin.instruments`); the direction of each scale turns the sign into words.

Reference: Jacobson, N.S. & Truax, P. (1991). Clinical significance: a statistical approach to
defining meaningful change in psychotherapy research. Journal of Consulting and Clinical
Psychology, 59(1), 12–19. https://doi.org/10.1037/0022-006X.59.1.12
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from core.checkin.instruments import Direction, Instrument, Scale
from core.checkin.record import CheckinRecord

RC_CRITICAL: Final = 1.96
"""|RC| above this is reliable change (two-sided 5%), as Jacobson & Truax propose."""


class Verdict(StrEnum):
    """What a change between two check-ins amounts to, in words."""

    WORSE = "reliably worse"
    BETTER = "reliably better"
    NONE = "no reliable change"


@dataclass(frozen=True)
class Change:
    """One scale's change between two check-ins, with its reliable change index and verdict."""

    scale: str
    before: float
    after: float
    difference: float
    rci: float
    verdict: Verdict


@dataclass(frozen=True)
class ScoreStep:
    """One scale's score at one check-in, with its change since the previous and the first."""

    day: date
    scale: str
    score: float
    since_previous: Change | None
    since_first: Change | None


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """S_diff = √2 · SD · √(1 − reliability), the spread of a difference due to error alone."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("the SD must be positive and the reliability in [0, 1)")
    return math.sqrt(2.0) * sd * math.sqrt(1.0 - reliability)


def reliable_change_index(before: float, after: float, *, sd: float, reliability: float) -> float:
    """Jacobson–Truax RC: the difference in units of its error-only spread."""
    return (after - before) / standard_error_of_difference(sd, reliability)


def smallest_reliable_difference(scale: Scale) -> float:
    """How far a score must move on this scale before the change counts as reliable."""
    ref = scale.reference
    return RC_CRITICAL * standard_error_of_difference(ref.sd, ref.reliability)


def judge_change(scale: Scale, before: float, after: float) -> Change:
    """The reliable change between two scores of `scale`, in words that follow its direction."""
    ref = scale.reference
    rci = reliable_change_index(before, after, sd=ref.sd, reliability=ref.reliability)
    if abs(rci) <= RC_CRITICAL:
        verdict = Verdict.NONE
    else:
        rising = rci > 0
        worse = rising if scale.direction is Direction.HIGHER_IS_WORSE else not rising
        verdict = Verdict.WORSE if worse else Verdict.BETTER
    return Change(scale.key, before, after, after - before, rci, verdict)


def change_sentence(scale: Scale, change: Change, *, since: str) -> str:
    """One plain sentence about a change, e.g. 'Work-related burnout: 39 → 57 since …'."""
    numbers = f"{_fmt(change.before)} → {_fmt(change.after)}"
    if change.verdict is Verdict.NONE:
        detail = (
            f"no reliable change (a change needs about {smallest_reliable_difference(scale):.0f} "
            "points to stand out from measurement error)"
        )
    else:
        detail = str(change.verdict)
    return f"{scale.title}: {numbers} since {since}, {detail}."


def score_history(instrument: Instrument, records: Sequence[CheckinRecord]) -> list[ScoreStep]:
    """Per check-in of `instrument` (in date order) and scale: the score and both changes.

    The first check-in has no changes (None). Records of other instruments are skipped.
    """
    mine = sorted((r for r in records if r.instrument == instrument.key), key=lambda r: r.day)
    steps: list[ScoreStep] = []
    for position, record in enumerate(mine):
        for scale in instrument.scales:
            if scale.key not in record.scores:
                continue
            score = record.scores[scale.key]
            previous = _earlier_score(mine[:position], scale.key, last=True)
            first = _earlier_score(mine[:position], scale.key, last=False)
            steps.append(
                ScoreStep(
                    day=record.day,
                    scale=scale.key,
                    score=score,
                    since_previous=_maybe(scale, previous, score),
                    since_first=_maybe(scale, first, score),
                )
            )
    return steps


def _maybe(scale: Scale, before: float | None, after: float) -> Change | None:
    return None if before is None else judge_change(scale, before, after)


def _earlier_score(records: Sequence[CheckinRecord], scale: str, *, last: bool) -> float | None:
    ordered = reversed(records) if last else iter(records)
    return next((r.scores[scale] for r in ordered if scale in r.scores), None)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
