"""Check-ins stored and read back as core records, validated first, per owner, on every backend."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text

from core.checkin.record import CheckinRecord
from core.checkin.scoring import CheckinError
from data.accounts import account_for
from data.checkins import add_checkin, add_checkins, delete_checkin, list_checkins, stored_checkins
from data.db import owner_connection
from data.maintenance import delete_all_data
from data.models import LOCAL_ACCOUNT_ID
from data.repository import data_version
from tests.factories import checkin_answers

A = LOCAL_ACCOUNT_ID
DAY = date(2026, 3, 2)


@pytest.fixture
def b(engine: Engine) -> int:
    """A second account beside the local account A."""
    return account_for(engine, issuer="https://id.example", subject="b", display_name="B")


def _count(engine: Engine, owner: int) -> int:
    with owner_connection(engine, owner=owner) as connection:
        return int(connection.execute(text("SELECT count(*) FROM checkin")).scalar_one())


def test_a_check_in_comes_back_with_its_scores_and_answers(engine: Engine) -> None:
    # "Sometimes" everywhere is 50 on each CBI scale, the reversed item included.
    add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers())
    # "Always" everywhere: 100, except the reversed energy item, which counts 0 -> 600/7.
    later = date(2026, 3, 30)
    add_checkin(engine, owner=A, day=later, instrument="cbi", answers=checkin_answers(option=0))
    records = list_checkins(engine, owner=A)
    assert records[0] == CheckinRecord(DAY, "cbi", {"personal": 50, "work": 50, "client": 50})
    assert records[1].day == later
    assert records[1].scores["personal"] == 100
    assert records[1].scores["work"] == pytest.approx(600 / 7)
    (first, _) = stored_checkins(engine, owner=A)
    assert first.answers == checkin_answers()


def test_proqol_sums(engine: Engine) -> None:
    add_checkin(engine, owner=A, day=DAY, instrument="proqol", answers=checkin_answers("proqol", 2))
    (record,) = list_checkins(engine, owner=A)
    assert record.scores == {
        "compassion_satisfaction": 30,
        "burnout": 30,
        "secondary_traumatic_stress": 30,
    }


@pytest.mark.parametrize(
    ("instrument", "answers", "words"),
    [
        ("cbi", {}, "has no answer yet"),
        ("cbi", checkin_answers(cbi_work_7=5), "only 5 options"),
        ("cbi", {**checkin_answers(), "cbi_extra": 1}, "does not belong"),
        ("phq9", checkin_answers(), "no questionnaire called"),
    ],
    ids=["empty", "out-of-range", "unknown-item", "unknown-instrument"],
)
def test_invalid_answers_are_refused_and_nothing_is_saved(
    engine: Engine, instrument: str, answers: dict[str, int], words: str
) -> None:
    with pytest.raises(CheckinError, match=words):
        add_checkin(engine, owner=A, day=DAY, instrument=instrument, answers=answers)
    assert _count(engine, A) == 0


def test_answering_again_the_same_day_replaces_that_check_in(engine: Engine) -> None:
    add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers(option=4))
    add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers(option=2))
    add_checkin(engine, owner=A, day=DAY, instrument="proqol", answers=checkin_answers("proqol"))
    records = list_checkins(engine, owner=A)
    assert [(r.day, r.instrument) for r in records] == [(DAY, "cbi"), (DAY, "proqol")]
    assert records[0].scores["personal"] == 50


def test_a_saved_check_in_changes_the_data_version(engine: Engine) -> None:
    # Cached check-in products are keyed by the data version (dashboard.cache).
    before = data_version(engine, owner=A)
    new_id = add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers())
    saved = data_version(engine, owner=A)
    assert saved != before
    assert delete_checkin(engine, owner=A, checkin_id=new_id)
    assert data_version(engine, owner=A) != saved


def test_b_sees_and_changes_nothing_of_a(engine: Engine, b: int) -> None:
    a_id = add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers())
    b_version = data_version(engine, owner=b)
    assert list_checkins(engine, owner=b) == []
    assert not delete_checkin(engine, owner=b, checkin_id=a_id)
    add_checkin(engine, owner=b, day=DAY, instrument="cbi", answers=checkin_answers(option=0))
    assert data_version(engine, owner=b) != b_version
    # B's check-in of the same day and instrument is B's own: A's stays as it was.
    assert list_checkins(engine, owner=A)[0].scores["personal"] == 50
    assert list_checkins(engine, owner=b)[0].scores["personal"] == 100


def test_delete_all_removes_the_owners_check_ins_only(engine: Engine, b: int) -> None:
    add_checkin(engine, owner=A, day=DAY, instrument="cbi", answers=checkin_answers())
    add_checkin(engine, owner=b, day=DAY, instrument="cbi", answers=checkin_answers())
    delete_all_data(engine, owner=A)
    assert list_checkins(engine, owner=A) == []
    assert len(list_checkins(engine, owner=b)) == 1


def test_two_instruments_save_together_or_not_at_all(engine: Engine) -> None:
    incomplete = checkin_answers("proqol")
    del incomplete["proqol_30"]
    with pytest.raises(CheckinError, match="Question 30"):
        add_checkins(
            engine, owner=A, day=DAY, answers={"cbi": checkin_answers(), "proqol": incomplete}
        )
    assert _count(engine, A) == 0
    ids = add_checkins(
        engine,
        owner=A,
        day=DAY,
        answers={"cbi": checkin_answers(), "proqol": checkin_answers("proqol")},
    )
    assert len(ids) == 2 and _count(engine, A) == 2
