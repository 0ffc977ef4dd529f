"""A completed check-in as core sees it (storage builds these from its rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CheckinRecord:
    """One completed check-in: its local day, the instrument's key and each scale's score."""

    day: date
    instrument: str
    scores: dict[str, float]
