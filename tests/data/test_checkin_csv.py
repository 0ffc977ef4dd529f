"""The check-ins' own CSV file: export, import all-or-nothing with row problems, round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from core.checkin.instruments import CBI, INSTRUMENTS
from core.checkin.record import CheckinRecord
from core.checkin.scoring import score_answers
from data.accounts import account_for
from data.checkin_csv import (
    CHECKIN_COLUMNS,
    export_checkins_csv,
    import_checkins_csv,
    parse_checkins_csv,
)
from data.checkins import StoredCheckin, add_checkin, list_checkins, stored_checkins
from data.csv_io import CsvFileError
from data.models import LOCAL_ACCOUNT_ID
from tests.factories import checkin_answers

A = LOCAL_ACCOUNT_ID
TODAY = date(2026, 11, 30)
DAY = date(2026, 11, 2)


def _lines(raw: bytes) -> list[str]:
    return raw.decode().splitlines()


def test_export_writes_one_row_per_answer_with_its_printed_label(engine: Engine) -> None:
    add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers(option=1))
    lines = _lines(export_checkins_csv(stored_checkins(engine, owner=A)))
    assert lines[0] == ",".join(CHECKIN_COLUMNS)
    assert len(lines) == 1 + 19
    assert lines[1] == "2026-11-02,cbi,cbi_personal_1,Often"
    assert "2026-11-02,cbi,cbi_work_1,To a high degree" in lines


def test_a_round_trip_into_another_journal_gives_the_same_check_ins(engine: Engine) -> None:
    add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers(option=0))
    add_checkin(engine, owner=A, day=TODAY, instrument="cbi", answers=checkin_answers(option=3))
    add_checkin(
        engine, owner=A, day=TODAY, instrument="proqol", answers=checkin_answers("proqol", 4)
    )
    raw = export_checkins_csv(stored_checkins(engine, owner=A))
    b = account_for(engine, issuer="https://id.example", subject="b", display_name="B")
    result = import_checkins_csv(engine, raw, owner=b, today=TODAY)
    assert (result.ok, result.added, result.already_present) == (True, 3, 0)
    assert list_checkins(engine, owner=b) == list_checkins(engine, owner=A)
    # Twice adds nothing.
    again = import_checkins_csv(engine, raw, owner=b, today=TODAY)
    assert (again.added, again.already_present) == (0, 3)


# A complete CBI check-in: "Sometimes" or "Somewhat" (option 2) everywhere.
ROWS = [",".join(CHECKIN_COLUMNS)] + [
    f"2026-11-02,cbi,{item.id},{CBI.format_of(item).labels[2]}" for item in CBI.items
]


@pytest.mark.parametrize(
    ("change", "row", "words"),
    [
        ((2, "2026-11-02,cbi,cbi_personal_1,Maybe"), 2, "answered with one of: Always"),
        ((2, "2026-13-02,cbi,cbi_personal_1,Often"), 2, "is not a day"),
        ((2, "2026-12-24,cbi,cbi_personal_1,Often"), 2, "in the future"),
        ((2, "2026-11-02,phq,cbi_personal_1,Often"), 2, "is not cbi, proqol"),
        ((2, "2026-11-02,cbi,proqol_1,Often"), 2, "not a question of the CBI"),
        ((3, "2026-11-02,cbi,cbi_personal_1,Often"), 3, "answered twice"),
        ((20, ""), 2, "has no answer to question 19"),
    ],
    ids=["label", "day", "future", "instrument", "item", "twice", "incomplete"],
)
def test_a_bad_row_is_named_and_nothing_is_saved(
    engine: Engine, change: tuple[int, str], row: int, words: str
) -> None:
    lines = list(ROWS)
    lines[change[0] - 1] = change[1]
    result = import_checkins_csv(engine, "\n".join(lines).encode(), owner=A, today=TODAY)
    assert not result.ok and result.added == 0
    (problem,) = result.problems
    assert problem.row == row and words in problem.reason
    assert list_checkins(engine, owner=A) == []


def test_answers_are_read_whatever_their_case() -> None:
    raw = "\n".join([ROWS[0], *(line.upper().replace("CBI,", "cbi,") for line in ROWS[1:])])
    parsed = parse_checkins_csv(raw.encode(), today=TODAY)
    assert parsed.ok and parsed.checkins[(DAY, "cbi")] == checkin_answers()


def test_a_file_that_is_not_a_check_in_file_is_refused_whole() -> None:
    with pytest.raises(CsvFileError, match="check-in CSV"):
        parse_checkins_csv(b"started_at,client_code,dread,detachment,fatigue\n", today=TODAY)


def _check_ins() -> st.SearchStrategy[list[StoredCheckin]]:
    """Stored check-ins of either instrument on distinct (day, instrument) pairs."""

    def one(day: date, key: str, options: list[int]) -> StoredCheckin:
        instrument = INSTRUMENTS[key]
        answers = {item.id: option for item, option in zip(instrument.items, options, strict=False)}
        record = CheckinRecord(day, key, score_answers(instrument, answers))
        return StoredCheckin(0, record, answers, datetime(2026, 1, 1, tzinfo=UTC))

    single = st.tuples(
        st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
        st.sampled_from(sorted(INSTRUMENTS)),
        st.lists(st.integers(0, 4), min_size=30, max_size=30),
    ).map(lambda t: one(*t))
    return st.lists(single, max_size=6, unique_by=lambda c: (c.record.day, c.record.instrument))


@settings(max_examples=60, deadline=None)
@given(_check_ins())
def test_export_then_parse_gives_back_every_answer(checkins: list[StoredCheckin]) -> None:
    parsed = parse_checkins_csv(export_checkins_csv(checkins), today=TODAY)
    assert parsed.ok
    assert parsed.checkins == {(c.record.day, c.record.instrument): c.answers for c in checkins}
