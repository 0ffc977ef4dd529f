"""The latest check-in of an instrument in words: each scale's score, how to read it, its changes.

One summary serves the Check-in and Review pages, `tightrope status --json` and the packet, so
they say the same thing. A CBI score is read beside its published reference values (the CBI has
no official cut-off); a ProQOL 5 score with the band its scoring page gives. Changes use the
Jacobson–Truax index (core.checkin.change) since the previous and since the first check-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.checkin.change import Change, change_sentence, score_history
from core.checkin.due import checkin_due
from core.checkin.instruments import INSTRUMENTS, Instrument, Scale
from core.checkin.record import CheckinRecord
from core.checkin.scoring import band_of


@dataclass(frozen=True)
class ScaleSummary:
    """One scale at the latest check-in: its score, how to read it and both changes in words."""

    scale: str
    title: str
    score: float
    low: float
    high: float
    reading: str
    since_previous: Change | None
    since_first: Change | None
    changes: tuple[str, ...]  # one sentence per change, empty at the first check-in


@dataclass(frozen=True)
class CheckinSummary:
    """The latest check-in of one instrument, with how many there are so far."""

    instrument: str
    name: str
    day: date
    count: int
    scales: tuple[ScaleSummary, ...]
    cutoff_note: str
    credit: str


def fmt_score(value: float) -> str:
    """A score as the scales print it: whole numbers plain, others to the tenth."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def reading(scale: Scale, score: float) -> str:
    """How to read one score: its published band, or the reference sample's mean and SD.

    Values not checked against published text (`Reference.unchecked`) say so.
    """
    ref = scale.reference
    # A value not matched against published text says so wherever it is read.
    unchecked = f"; {ref.unchecked}" if ref.unchecked else ""
    if scale.bands:
        band = band_of(scale, score)
        if band is None:
            return f"between the published bands{unchecked}"
        bounds = f"{fmt_score(band.low)}–{fmt_score(band.high)}"
        return f"{band.label} on the ProQOL's own bands ({bounds}){unchecked}"
    # As published: "45 (17)" stays 45 and 17, "37.7 (6.5)" keeps its decimal.
    mean = "" if ref.mean is None else f"average {ref.mean:g}, "
    return f"published reference: {mean}spread (SD) {ref.sd:g} ({ref.sample}){unchecked}"


def latest_summary(
    instrument: Instrument, records: Sequence[CheckinRecord]
) -> CheckinSummary | None:
    """The latest check-in of `instrument` in `records`, in words; None before the first."""
    steps = score_history(instrument, records)
    if not steps:
        return None
    last_day = steps[-1].day
    count = len({step.day for step in steps})
    scales: list[ScaleSummary] = []
    for step in (s for s in steps if s.day == last_day):
        scale = instrument.scale(step.scale)
        changes = tuple(
            change_sentence(scale, change, since=since)
            for change, since in (
                (step.since_previous, "the previous check-in"),
                (step.since_first, "the first check-in"),
            )
            if change is not None and not (since == "the first check-in" and count == 2)
        )
        scales.append(
            ScaleSummary(
                scale=scale.key,
                title=scale.title,
                score=step.score,
                low=scale.low,
                high=scale.high,
                reading=reading(scale, step.score),
                since_previous=step.since_previous,
                since_first=step.since_first,
                changes=changes,
            )
        )
    return CheckinSummary(
        instrument=instrument.key,
        name=instrument.name,
        day=last_day,
        count=count,
        scales=tuple(scales),
        cutoff_note=instrument.cutoff_note,
        credit=instrument.credit,
    )


def checkins_payload(
    records: Sequence[CheckinRecord], *, today: date, every_days: int
) -> dict[str, Any]:
    """The `checkins` field of `tightrope status --json`: whether one is due, the latest scores.

    `latest` has one row per scale of each instrument's latest check-in, with the change since
    the previous and since the first check-in in words (null where there is none yet).
    """
    due = checkin_due((r.day for r in records), today=today, every_days=every_days)
    latest: list[dict[str, Any]] = []
    for instrument in INSTRUMENTS.values():
        summary = latest_summary(instrument, [r for r in records if r.day <= today])
        if summary is None:
            continue
        for scale in summary.scales:
            latest.append(
                {
                    "instrument": instrument.key,
                    "day": summary.day.isoformat(),
                    "scale": scale.scale,
                    "score": round(scale.score, 2),
                    "since_previous": _verdict(scale.since_previous),
                    "since_first": _verdict(scale.since_first),
                }
            )
    return {
        "due": due.due,
        "next_on": None if due.next_on is None else due.next_on.isoformat(),
        "message": due.message,
        "count": len({(r.day, r.instrument) for r in records if r.day <= today}),
        "latest": latest,
    }


def _verdict(change: Change | None) -> str | None:
    return None if change is None else str(change.verdict)
