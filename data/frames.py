"""Session frames built from start times and ratings alone: what another owner shares, and what
the Review page's assessment reads of one's own entries (data.repository.load_ratings)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from core.schema import SESSION_DTYPES, SIGNS, empty_sessions


def ratings_frame(
    started: Sequence[datetime], ratings: Mapping[str, Sequence[int]]
) -> pd.DataFrame:
    """A session frame (core.schema) of start times and ratings: codes, tags and text empty.

    What a supervisor or the practice view reads has no client code, tag, reflection or note;
    the frame still has every column, so core judges it like anyone's own journal.
    """
    if not started:
        return empty_sessions()
    n = len(started)
    # Each column built in its schema dtype, not coerced afterwards by core.schema.as_sessions
    # (the same frame, tested): coercing a year of rows took ~10 ms of each Review after a save.
    columns: dict[str, Any] = {}
    for column, dtype in SESSION_DTYPES.items():
        if column == "started_at":
            columns[column] = pd.to_datetime(list(started), utc=True).as_unit("us")
        elif column in SIGNS:
            columns[column] = np.asarray(ratings[column], dtype=dtype)
        elif column == "scenarios":
            columns[column] = pd.Series([[] for _ in range(n)], dtype="object")
        elif column == "id":
            columns[column] = pd.Series([pd.NA] * n, dtype=dtype)
        elif column == "grounding_done":
            columns[column] = np.zeros(n, dtype=dtype)
        else:  # client code, reflections, note
            columns[column] = pd.Series([""] * n, dtype=dtype)
    return pd.DataFrame(columns)
