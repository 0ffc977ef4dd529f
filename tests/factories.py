"""Factories for test data: seeded synthetic histories and single valid entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from core.synthetic import History, make_sessions
from data.models import SessionCreate


def make_entry(**overrides: Any) -> SessionCreate:
    """A valid session entry an hour ago; any field can be overridden."""
    fields: dict[str, Any] = {
        "started_at": datetime.now(UTC) - timedelta(hours=1),
        "client_code": "C-07",
        "dread": 4,
        "detachment": 3,
        "fatigue": 5,
    }
    fields.update(overrides)
    return SessionCreate.model_validate(fields)


def sessions_frame(**history: Any) -> pd.DataFrame:
    """A synthetic session frame; keyword arguments are History fields (start, days, seed, ...)."""
    history.setdefault("start", datetime(2025, 1, 6).date())
    history.setdefault("days", 182)
    return make_sessions(History(**history))
