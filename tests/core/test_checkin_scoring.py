"""Check-in instruments and scoring against worked examples hand-computed from the sources."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.checkin.instruments import CBI, INSTRUMENTS, PROQOL, PROQOL_CREDIT, Direction, Instrument
from core.checkin.scoring import CheckinError, answer_problems, band_of, score_answers

SOMETIMES = 2  # "Sometimes" / "Somewhat" on the CBI, "Sometimes" on the ProQOL: the middle option


def every(instrument: Instrument, index: int) -> dict[str, int]:
    """The same option index for every item."""
    return {item.id: index for item in instrument.items}


def test_the_cbi_has_19_items_in_three_scales_of_6_7_and_6() -> None:
    assert len(CBI.items) == 19
    assert [len(s.items) for s in CBI.scales] == [6, 7, 6]
    assert [s.key for s in CBI.scales] == ["personal", "work", "client"]
    assert [i.number for i in CBI.items] == list(range(1, 20))


def test_the_cbi_has_exactly_one_reversed_item_the_energy_for_family_and_friends() -> None:
    (reversed_item,) = [i for i in CBI.items if i.reversed]
    assert reversed_item.text == (
        "Do you have enough energy for family and friends during leisure time?"
    )
    assert reversed_item.scale == "work"


def test_the_cbi_answer_formats_follow_the_puma_sheet() -> None:
    formats = {i.id: i.format for i in CBI.items}
    # Work-related: three "to what degree" items, then four "how often"; client-related: four
    # "to what degree", then two "how often"; personal: all "how often".
    assert [formats[f"cbi_work_{n}"] for n in range(1, 8)] == ["degree"] * 3 + ["frequency"] * 4
    assert [formats[f"cbi_client_{n}"] for n in range(1, 7)] == ["degree"] * 4 + ["frequency"] * 2
    assert {formats[f"cbi_personal_{n}"] for n in range(1, 7)} == {"frequency"}
    frequency = CBI.formats[0]
    assert frequency.labels == ("Always", "Often", "Sometimes", "Seldom", "Never/almost never")
    assert frequency.points == (100, 75, 50, 25, 0)


def test_all_sometimes_is_50_on_every_cbi_scale() -> None:
    # The reversed item's middle option is 50 either way.
    assert score_answers(CBI, every(CBI, SOMETIMES)) == {"personal": 50, "work": 50, "client": 50}


def test_all_first_options_score_100_except_where_the_reversed_item_counts_0() -> None:
    scores = score_answers(CBI, every(CBI, 0))  # "Always" / "To a very high degree"
    assert scores["personal"] == 100
    assert scores["client"] == 100
    # Six items at 100 and "Always enough energy for family and friends" at 0: 600 / 7.
    assert scores["work"] == pytest.approx(600 / 7)


@pytest.mark.parametrize(
    ("energy_answer", "expected"),
    [
        (0, 450 / 7),  # "Always" has energy left: reversed, 0 points
        (1, 475 / 7),  # "Often": 25
        (3, 525 / 7),  # "Seldom": 75
        (4, 550 / 7),  # "Never/almost never": 100
    ],
)
def test_a_worked_work_related_case_with_the_reversed_item(
    energy_answer: int, expected: float
) -> None:
    answers = every(CBI, SOMETIMES)
    for n in range(1, 7):
        answers[f"cbi_work_{n}"] = 1  # "To a high degree" / "Often": 75 each, 450 in all
    answers["cbi_work_7"] = energy_answer
    assert score_answers(CBI, answers)["work"] == pytest.approx(expected)


def test_the_proqol_has_three_scales_of_ten_and_the_published_reversed_items() -> None:
    assert len(PROQOL.items) == 30
    assert [len(s.items) for s in PROQOL.scales] == [10, 10, 10]
    numbers = {s.key: sorted(PROQOL.item(i).number for i in s.items) for s in PROQOL.scales}
    assert numbers == {
        "compassion_satisfaction": [3, 6, 12, 16, 18, 20, 22, 24, 27, 30],
        "burnout": [1, 4, 8, 10, 15, 17, 19, 21, 26, 29],
        "secondary_traumatic_stress": [2, 5, 7, 9, 11, 13, 14, 23, 25, 28],
    }
    assert sorted(i.number for i in PROQOL.items if i.reversed) == [1, 4, 15, 17, 29]
    assert PROQOL.formats[0].labels == ("Never", "Rarely", "Sometimes", "Often", "Very Often")


def test_all_sometimes_is_30_on_every_proqol_scale() -> None:
    assert set(score_answers(PROQOL, every(PROQOL, SOMETIMES)).values()) == {30}


@pytest.mark.parametrize(
    ("reversed_answer", "other_answer", "expected", "band"),
    [
        # "Very Often" happy, connected, ... counts 1 each; "Rarely" (2) on the other five.
        (4, 1, 5 * 1 + 5 * 2, "low"),
        # "Never" happy (5 each) and "Very Often" worn out, trapped, ... (5 each).
        (0, 4, 50, "high"),
        # "Often" on the reversed (2 each) and "Often" on the rest (4 each).
        (3, 3, 5 * 2 + 5 * 4, "moderate"),
    ],
)
def test_proqol_burnout_reverses_items_1_4_15_17_29(
    reversed_answer: int, other_answer: int, expected: int, band: str
) -> None:
    answers = every(PROQOL, SOMETIMES)
    for item in PROQOL.items:
        if item.scale == "burnout":
            answers[item.id] = reversed_answer if item.reversed else other_answer
    score = score_answers(PROQOL, answers)["burnout"]
    assert score == expected
    found = band_of(PROQOL.scale("burnout"), score)
    assert found is not None and found.label == band


@pytest.mark.parametrize(
    ("score", "band"), [(10, "low"), (22, "low"), (23, "moderate"), (41, "moderate"), (42, "high")]
)
def test_the_proqol_bands_are_22_or_less_23_to_41_and_42_or_more(score: int, band: str) -> None:
    for scale in PROQOL.scales:
        found = band_of(scale, score)
        assert found is not None and found.label == band


def test_the_cbi_has_no_bands_but_reference_values() -> None:
    for scale in CBI.scales:
        assert scale.bands == ()
        assert band_of(scale, 80) is None
        assert scale.reference.mean is not None
        assert 0 < scale.reference.reliability < 1
    assert "no official cut-off" in CBI.cutoff_note


def test_directions_compassion_satisfaction_is_the_only_scale_where_higher_is_better() -> None:
    better = [
        s.key
        for i in INSTRUMENTS.values()
        for s in i.scales
        if s.direction is Direction.HIGHER_IS_BETTER
    ]
    assert better == ["compassion_satisfaction"]


def test_each_instrument_carries_its_credit_line_and_sources() -> None:
    assert PROQOL.credit.startswith(PROQOL_CREDIT)
    assert "Center for Victims of Torture" in PROQOL.credit
    assert PROQOL_CREDIT.startswith("© B. Hudnall Stamm, 2009-2012. Professional Quality of Life")
    assert "www.proqol.org" in PROQOL_CREDIT
    assert "Kristensen" in CBI.credit
    for instrument in INSTRUMENTS.values():
        assert instrument.sources and all(s.url.startswith("https://") for s in instrument.sources)


def test_nothing_calls_a_score_a_diagnosis() -> None:
    for instrument in INSTRUMENTS.values():
        prose = " ".join(
            [instrument.credit, instrument.terms, instrument.cutoff_note, instrument.instructions]
        ).lower()
        assert "diagnos" not in prose.replace("not a diagnosis", "")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cbi_work_7": None}, "Question 13 (work-related burnout) has no answer yet."),
        (
            {"cbi_personal_1": 5},
            "Question 1 (personal burnout) has answer number 5, but it has "
            "only 5 options (0 to 4).",
        ),
        ({"cbi_client_2": -1}, "Question 15 (client-related burnout) has answer number -1"),
        (
            {"cbi_client_3": "often"},
            "Question 16 (client-related burnout) has an answer that is not one of its options.",
        ),
        ({"cbi_client_3": True}, "not one of its options"),
        ({"proqol_1": 2}, "1 answer does not belong to the CBI: proqol_1."),
    ],
)
def test_bad_answers_are_refused_in_plain_words(change: dict[str, object], message: str) -> None:
    answers: dict[str, object] = {**every(CBI, SOMETIMES), **change}
    assert any(message in p for p in answer_problems(CBI, answers))
    with pytest.raises(CheckinError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score_answers(CBI, answers)


def test_answers_read_back_as_numpy_integers_are_scored() -> None:
    answers = {item.id: np.int64(SOMETIMES) for item in CBI.items}
    assert score_answers(CBI, answers) == {"personal": 50, "work": 50, "client": 50}


def test_every_missing_answer_is_named_at_once() -> None:
    answers = every(CBI, SOMETIMES)
    del answers["cbi_personal_2"], answers["cbi_client_6"]
    problems = answer_problems(CBI, answers)
    assert problems == [
        "Question 2 (personal burnout) has no answer yet.",
        "Question 19 (client-related burnout) has no answer yet.",
    ]


@given(st.lists(st.integers(0, 4), min_size=19, max_size=19))
def test_cbi_scores_stay_on_the_0_to_100_grid(indexes: list[int]) -> None:
    answers = {item.id: index for item, index in zip(CBI.items, indexes, strict=True)}
    for scale in CBI.scales:
        score = score_answers(CBI, answers)[scale.key]
        assert 0 <= score <= 100
        # A mean of multiples of 25: times the item count it is a multiple of 25 again.
        assert round(score * len(scale.items)) % 25 == 0


@given(st.lists(st.integers(0, 4), min_size=30, max_size=30))
def test_proqol_sums_stay_between_10_and_50_and_answer_order_does_not_matter(
    indexes: list[int],
) -> None:
    answers = {item.id: index for item, index in zip(PROQOL.items, indexes, strict=True)}
    scores = score_answers(PROQOL, answers)
    assert all(10 <= v <= 50 for v in scores.values())
    assert score_answers(PROQOL, dict(reversed(list(answers.items())))) == scores
