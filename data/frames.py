"""Session frames built from what another owner shares: start times and ratings alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import pandas as pd

from core.schema import SIGNS, as_sessions, empty_sessions


def ratings_frame(
    started: Sequence[datetime], ratings: Mapping[str, Sequence[int]]
) -> pd.DataFrame:
    """A session frame (core.schema) of start times and ratings: codes, tags and text empty.

    What a supervisor or the practice view reads has no client code, tag, reflection or note;
    the frame still has every column, so core judges it like anyone's own journal.
    """
    if not started:
        return empty_sessions()
    frame = pd.DataFrame(
        {
            "started_at": pd.to_datetime(list(started), utc=True),
            "client_code": "",
            **{sign: list(ratings[sign]) for sign in SIGNS},
        }
    )
    return as_sessions(frame)
