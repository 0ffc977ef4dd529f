"""AppTest of the Check-in page: items and labels, refusal beside Save, scores, credit lines."""

from __future__ import annotations

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from core.checkin.instruments import CBI, PROQOL
from core.settings import Thresholds
from dashboard.components.checkin_form import item_key
from data.checkins import add_checkin, list_checkins
from data.settings_store import save_thresholds
from tests.dashboard.views.pages import local_today, open_page
from tests.factories import OWNER, checkin_answers


def page_text(at: AppTest) -> str:
    """Every text the page shows: titles, Markdown, captions, messages and question labels."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption")
        for e in getattr(at, kind)
    ]
    parts += [
        e.value for kind in ("info", "success", "error", "warning") for e in getattr(at, kind)
    ]
    parts += [radio.label for radio in at.radio]
    parts += [str(option) for radio in at.radio for option in radio.options]
    return "\n".join(str(part) for part in parts)


def answer(at: AppTest, answers: dict[str, int]) -> AppTest:
    """Choose these answers, press Save and run the page."""
    for item_id, option in answers.items():
        at.radio(key=item_key(item_id)).set_value(option)
    at.button(key="checkin_save").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_an_empty_journal_shows_every_cbi_item_with_its_labels_and_credit(engine: Engine) -> None:
    at = open_page("checkin")
    assert any("No check-in yet" in info.value for info in at.info)
    # Said once, by the empty state: not again in a "check-in is due" line above it.
    assert page_text(at).count("gives the baseline") == 1
    assert [radio.key for radio in at.radio] == [item_key(item.id) for item in CBI.items]
    first = at.radio(key=item_key("cbi_personal_1"))
    assert first.label == "1. How often do you feel tired?"
    assert first.options == ["Always", "Often", "Sometimes", "Seldom", "Never/almost never"]
    assert first.value is None  # nothing chosen for the therapist
    degree = at.radio(key=item_key("cbi_work_1"))
    assert degree.options[0] == "To a very high degree"
    assert CBI.credit in page_text(at)
    assert "diagnos" not in page_text(at).lower()
    assert not at.get("plotly_chart")


def test_missing_answers_are_refused_beside_save_and_nothing_is_saved(engine: Engine) -> None:
    answers = checkin_answers()
    del answers["cbi_client_2"], answers["cbi_client_6"]
    at = answer(open_page("checkin"), answers)
    (error,) = at.error
    assert "Questions 15 and 19 of the CBI have no answer yet." in error.value
    assert "Nothing was saved" in error.value
    assert list_checkins(engine, owner=OWNER) == []
    # The answers given stay chosen.
    assert at.radio(key=item_key("cbi_personal_1")).value == 2


def test_the_refusal_follows_the_answers_given_after_it(engine: Engine) -> None:
    answers = checkin_answers()
    del answers["cbi_client_2"], answers["cbi_client_6"]
    at = answer(open_page("checkin"), answers)
    at.radio(key=item_key("cbi_client_2")).set_value(1).run()
    (error,) = at.error
    assert "Question 19 of the CBI has no answer yet." in error.value
    at.radio(key=item_key("cbi_client_6")).set_value(1).run()
    assert not at.error  # every question answered: nothing left to refuse
    assert list_checkins(engine, owner=OWNER) == []  # and nothing saved until Save


def test_saving_shows_the_scores_beside_the_reference_values_and_the_credit(
    engine: Engine,
) -> None:
    at = answer(open_page("checkin"), checkin_answers())
    assert any("Saved your CBI check-in" in s.value for s in at.success)
    (record,) = list_checkins(engine, owner=OWNER)
    assert record.day == local_today()
    assert record.scores == {"personal": 50, "work": 50, "client": 50}
    text = page_text(at)
    assert (
        "**Personal burnout: 50** (of 0–100); published reference: average 45, spread (SD) 17"
        in text
    )
    assert "no official cut-off" in text
    assert CBI.credit in text
    assert "diagnos" not in text.lower()
    assert len(at.get("plotly_chart")) == 1
    # The form is empty again for the next time.
    assert at.radio(key=item_key("cbi_personal_1")).value is None


def test_the_change_since_the_previous_check_in_is_said_in_words(demo: Engine) -> None:
    at = open_page("checkin")
    text = page_text(at)
    assert "Work-related burnout: 35.7 → 60.7 since the previous check-in, reliably worse." in text
    assert (
        "Client-related burnout: 41.7 → 41.7 since the previous check-in, no reliable change"
        in text
    )
    assert "6 check-ins so far" in text
    # The demo's difficult client C-42: too few sessions by the first check-in, flagged by the last.
    (table,) = at.dataframe
    flagged = list(table.value["Flagged clients seen"])
    assert len(flagged) == 6 and flagged[0] == "none" and flagged[-1] == "C-42"
    assert "diagnos" not in text.lower()


def test_proqol_too_when_it_is_turned_on(engine: Engine) -> None:
    save_thresholds(engine, owner=OWNER, thresholds=Thresholds(proqol_enabled=True))
    at = open_page("checkin")
    assert len(at.radio) == len(CBI.items) + len(PROQOL.items)
    assert at.radio(key=item_key("proqol_1")).options == [
        "Never",
        "Rarely",
        "Sometimes",
        "Often",
        "Very Often",
    ]
    assert PROQOL.credit in page_text(at)
    # A complete CBI alone is refused too: both are saved or neither.
    at = answer(at, checkin_answers())
    assert "The ProQOL 5 has no answers yet." in at.error[0].value
    assert list_checkins(engine, owner=OWNER) == []
    at = answer(at, {**checkin_answers(), **checkin_answers("proqol", 3)})
    text = page_text(at)
    # "Often" everywhere: 40 on compassion satisfaction; burnout's five reversed items count 2.
    assert "**Compassion satisfaction: 40** (of 10–50); moderate on the ProQOL's own bands" in text
    assert "**Burnout: 30** (of 10–50)" in text
    assert {r.instrument for r in list_checkins(engine, owner=OWNER)} == {"cbi", "proqol"}
    assert "diagnos" not in text.lower()


def test_a_check_in_taken_today_says_when_the_next_is_due(engine: Engine) -> None:
    add_checkin(engine, owner=OWNER, day=local_today(), instrument="cbi", answers=checkin_answers())
    at = open_page("checkin")
    assert any("Next check-in on" in c.value for c in at.caption)


def test_saving_with_no_answer_at_all_says_so_plainly(engine: Engine) -> None:
    at = answer(open_page("checkin"), {})
    (error,) = at.error
    assert error.value == "The CBI has no answers yet.\n\nNothing was saved."


FIVE = {
    "cbi_personal_1": 1,
    "cbi_personal_2": 2,
    "cbi_work_1": 0,
    "cbi_work_7": 4,
    "cbi_client_6": 3,
}


def test_answers_given_before_leaving_the_page_are_there_on_return(engine: Engine) -> None:
    at = open_page("checkin")
    for item_id, option in FIVE.items():
        at.radio(key=item_key(item_id)).set_value(option)
        at.run()  # each answer reaches the server as it is chosen, as in the browser
    assert not at.exception, at.exception
    at.switch_page("views/review.py")
    at.run()
    at.switch_page("views/checkin.py")
    at.run()
    assert not at.exception, at.exception
    assert {i: at.radio(key=item_key(i)).value for i in FIVE} == FIVE
    assert at.radio(key=item_key("cbi_personal_3")).value is None
    assert any("Draft kept: your 5 answers" in caption.value for caption in at.caption)
    assert list_checkins(engine, owner=OWNER) == []  # a draft is never a saved check-in


def test_the_draft_is_cleared_after_a_successful_save(engine: Engine) -> None:
    at = answer(open_page("checkin"), checkin_answers())
    assert len(list_checkins(engine, owner=OWNER)) == 1
    at.switch_page("views/review.py")
    at.run()
    at.switch_page("views/checkin.py")
    at.run()
    assert not at.exception, at.exception
    assert all(radio.value is None for radio in at.radio)
    assert not any("Draft kept" in caption.value for caption in at.caption)
