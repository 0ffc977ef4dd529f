"""The check-in on other pages: the due line on Log and Review, the Review's Check-ins section."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from core.checkin.tracking import MIN_CHECKINS
from dashboard.components.checkin_scores import TRACKING_OPEN
from data.checkins import add_checkin
from data.environment import local_timezone
from data.repository import add_session
from tests.dashboard.views.pages import local_today, open_page
from tests.factories import OWNER, checkin_answers, make_entry


def links(at: AppTest) -> list[str]:
    """The labels of the page links the page shows."""
    return [str(e.proto.label) for e in at.get("page_link")]


def due_links(at: AppTest) -> list[str]:
    return [label for label in links(at) if "check-in is due" in label]


def _some_entries(engine: Engine) -> None:
    now = datetime.now(local_timezone()).replace(hour=9, minute=0, second=0, microsecond=0)
    for back in (1, 2):
        add_session(engine, owner=OWNER, entry=make_entry(started_at=now - timedelta(days=back)))


def test_before_the_first_check_in_log_and_review_say_one_is_due(engine: Engine) -> None:
    _some_entries(engine)
    for page in ("log", "review"):
        (line,) = due_links(open_page(page))
        assert line.startswith("A check-in is due: no questionnaire yet.")
        assert line.endswith("Take the check-in.")


def test_after_a_check_in_nothing_is_due(engine: Engine) -> None:
    _some_entries(engine)
    add_checkin(engine, owner=OWNER, day=local_today(), instrument="cbi", answers=checkin_answers())
    for page in ("log", "review"):
        assert due_links(open_page(page)) == []


def test_an_overdue_check_in_says_since_when(engine: Engine) -> None:
    _some_entries(engine)
    day = local_today() - timedelta(days=40)
    add_checkin(engine, owner=OWNER, day=day, instrument="cbi", answers=checkin_answers())
    (line,) = due_links(open_page("log"))
    assert "the last one was 40 days ago" in line


def test_review_shows_the_latest_scores_and_how_many_more_are_needed(engine: Engine) -> None:
    _some_entries(engine)
    add_checkin(engine, owner=OWNER, day=local_today(), instrument="cbi", answers=checkin_answers())
    at = open_page("review")
    text = "\n".join(m.value for m in at.markdown)
    assert "**Personal burnout: 50** (of 0–100)" in text
    captions = "\n".join(c.value for c in at.caption)
    assert "Kristensen" in captions
    assert f"From {MIN_CHECKINS} check-ins on" in captions
    assert "diagnos" not in (text + captions).lower()


def test_review_of_the_demo_shows_the_tracking_with_its_honest_sentence(demo: Engine) -> None:
    at = open_page("review")
    text = "\n".join(m.value for m in at.markdown)
    assert "**Work-related burnout: 60.7**" in text
    assert "reliably worse" in text
    assert "Over 6 check-ins" not in text  # the tracking waits until its expander is opened
    at.session_state[TRACKING_OPEN] = True  # what opening the expander does, then a rerun
    at.run()
    text = "\n".join(m.value for m in at.markdown)
    # Six sentences (three signs, two scales), each saying how few points it rests on.
    sentences = [line for line in text.splitlines() if line.startswith("- Over 6 check-ins")]
    assert len(sentences) == 6
    assert all("6 points are very few" in sentence for sentence in sentences)
    assert len(at.get("plotly_chart")) == 1  # the trend only: the check-in chart is on its page
