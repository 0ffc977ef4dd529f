"""Ratings frames: start times and ratings as a whole session frame."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from core.schema import RATING_MAX, RATING_MIN, SIGNS, as_sessions, empty_sessions
from data.frames import ratings_frame

START = datetime(2025, 1, 1, 7, tzinfo=UTC)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000),
            *(st.integers(RATING_MIN, RATING_MAX) for _ in SIGNS),
        ),
        max_size=30,
    )
)
def test_a_ratings_frame_is_the_session_frame_of_its_start_times_and_ratings(
    rows: list[tuple[int, ...]],
) -> None:
    started = [START + timedelta(hours=row[0]) for row in rows]
    ratings = {sign: [row[1 + i] for row in rows] for i, sign in enumerate(SIGNS)}
    frame = ratings_frame(started, ratings)
    # What core.schema makes of the same start times and ratings with nothing else given.
    expected = (
        as_sessions(
            pd.DataFrame(
                {"started_at": pd.to_datetime(started, utc=True), "client_code": "", **ratings}
            )
        )
        if rows
        else empty_sessions()
    )
    pd.testing.assert_frame_equal(frame, expected)
    assert frame.dtypes.equals(expected.dtypes)
