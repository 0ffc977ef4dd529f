"""AppTest of the Log page: save, refuse, de-duplicate, edit, delete, and the privacy guard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from data.models import TEXT_MAX
from data.repository import add_session, count_sessions, load_sessions
from tests.factories import OWNER, make_entry, refusing
from tests.paths import APP

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def app(engine: Engine) -> AppTest:
    """The app on this test's empty database, after its first run."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def fill_now(at: AppTest, code: str = "C-07", ratings: tuple[int, int, int] = (3, 4, 5)) -> None:
    """Fill the log form the way a user would right after a session (no date or time)."""
    box = at.selectbox(key="new_client")
    if code not in box.options:
        box.options.append(code)  # what typing a new code does (accept_new_options)
    box.set_value(code)
    for key, value in zip(("new_dread", "new_detachment", "new_fatigue"), ratings, strict=True):
        at.slider(key=key).set_value(value)


def backfill(at: AppTest, day: date, start: time) -> None:
    """Turn on "Earlier session" (outside the form: it reruns) and set the date and time."""
    if not at.toggle(key="new_backfill").value:
        at.toggle(key="new_backfill").set_value(True)
        at.run()
        assert not at.exception
    at.date_input(key="new_date").set_value(day)
    at.time_input(key="new_time").set_value(start)


def fill(at: AppTest, code: str = "C-07", ratings: tuple[int, int, int] = (3, 4, 5)) -> None:
    """Fill the log form the way a user would for a session yesterday at 14:00."""
    backfill(at, date.today() - timedelta(days=1), time(14, 0))
    fill_now(at, code, ratings)


def pick(at: AppTest, entry_id: int) -> None:
    """Choose an entry in the recent list's picker (the options are entry ids)."""
    at.selectbox(key="row_pick").set_value(entry_id)


def ask_to_delete(at: AppTest, entry_id: int) -> None:
    """Pick the entry in the recent list and press Delete (its confirmation then shows)."""
    at.run()
    pick(at, entry_id)
    at.button(key="row_delete").click()
    at.run()


def submit(at: AppTest) -> None:
    """Press Save session and rerun."""
    at.button(key="new_submit").click()
    at.run()
    assert not at.exception


def open_reflection(at: AppTest) -> None:
    """Open the reflection expander as a click does: its state changes and the form reruns."""
    at.session_state["new_reflection"] = True
    at.run()
    assert not at.exception


def in_order(at: AppTest) -> list[str]:
    """The main area's elements top to bottom: a widget's key, else its kind and value."""
    found: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            key = getattr(child, "key", None)
            found.append(key or f"{type(child).__name__}: {getattr(child, 'value', '')}")
            walk(child)

    walk(at.main)
    return found


def below_save(at: AppTest, kind: str) -> list[str]:
    """Messages of `kind` (Error, Warning, Info, Success) drawn after the Save button."""
    order = in_order(at)
    after = order[order.index("new_submit") + 1 :]
    return [item for item in after if item.startswith(f"{kind}: ")]


def below_save_keys(at: AppTest) -> list[str]:
    """Widget keys drawn after the Save button."""
    order = in_order(at)
    return order[order.index("new_submit") + 1 :]


def test_reflection_fields_are_drawn_once_asked_for_and_then_stay(app: AppTest) -> None:
    assert not app.text_area  # closed and never opened: nothing drawn inside
    open_reflection(app)
    assert [area.key for area in app.text_area] == [
        "new_reflection_reaction",
        "new_reflection_held_back",
        "new_reflection_themes",
        "new_note",
    ]
    # Closing it again keeps the fields (text typed in a form reaches the server only on Save).
    app.session_state["new_reflection"] = False
    app.run()
    assert len(app.text_area) == 4


def test_empty_database_shows_a_friendly_state(app: AppTest) -> None:
    assert any("No sessions logged yet" in info.value for info in app.info)


def test_save_stores_one_row_and_says_what_was_saved(app: AppTest, engine: Engine) -> None:
    open_reflection(app)  # a run of its own: AppTest drops form values set before another run
    fill(app)
    app.multiselect(key="new_scenarios").set_value(["crisis situation"])
    app.checkbox(key="new_grounding").check()
    app.text_area(key="new_note").input("hard one")
    submit(app)
    rows = load_sessions(engine, owner=OWNER)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["client_code"], row["dread"], row["detachment"], row["fatigue"]) == (
        "C-07",
        3,
        4,
        5,
    )
    assert row["scenarios"] == ["crisis situation"]
    assert row["grounding_done"]
    assert row["note"] == "hard one"
    local = row["started_at"].to_pydatetime().astimezone(BERLIN)
    assert (local.date(), local.time()) == (date.today() - timedelta(days=1), time(14, 0))
    assert "Saved `C-07`" in app.success[0].value  # the code as a code span: shown literally
    assert "dread 3" in app.success[0].value
    # The form is ready for the next session, and the list shows the entry.
    assert app.selectbox(key="new_client").value is None
    assert any("C-07" in md.value for md in app.markdown)


def test_default_entry_takes_the_time_of_saving(app: AppTest, engine: Engine) -> None:
    # Right after a session no date or time is asked for: the pickers are behind a toggle.
    assert not app.get("date_input") and not app.get("time_input")
    before = datetime.now(BERLIN).replace(second=0, microsecond=0)
    fill_now(app)
    submit(app)
    after = datetime.now(BERLIN)
    started = load_sessions(engine, owner=OWNER).iloc[0]["started_at"].to_pydatetime()
    assert before <= started <= after
    assert started.second == 0 and started.microsecond == 0
    assert "Saved `C-07`" in app.success[0].value


def test_backfill_keeps_its_day_for_the_next_entry(app: AppTest, engine: Engine) -> None:
    day = date.today() - timedelta(days=3)
    app.toggle(key="new_backfill").set_value(True)
    app.run()
    # Turning it on starts the pickers at the current time, not at when the page opened.
    assert app.date_input(key="new_date").value == date.today()
    backfill(app, day, time(9, 0))
    fill_now(app, code="C-01")
    submit(app)
    assert app.toggle(key="new_backfill").value is True
    assert app.date_input(key="new_date").value == day
    assert app.selectbox(key="new_client").value is None
    app.time_input(key="new_time").set_value(time(10, 0))
    fill_now(app, code="C-02")
    submit(app)
    starts = load_sessions(engine, owner=OWNER)["started_at"].dt.tz_convert(BERLIN)
    assert [(s.date(), s.time()) for s in starts] == [(day, time(9, 0)), (day, time(10, 0))]


def test_missing_client_code_is_refused_and_nothing_is_stored(app: AppTest, engine: Engine) -> None:
    app.slider(key="new_dread").set_value(7)
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert "client code" in app.error[0].value
    assert app.slider(key="new_dread").value == 7  # the user's input is kept


def test_future_start_isrefusing(app: AppTest, engine: Engine) -> None:
    fill(app)
    app.date_input(key="new_date").set_value(date.today() + timedelta(days=2))
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert "future" in app.error[0].value


def test_too_long_note_isrefusing(app: AppTest, engine: Engine) -> None:
    fill(app)
    app.session_state["new_note"] = "x" * 5000
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert "too long" in app.error[0].value


def test_double_submit_stores_one_row(app: AppTest, engine: Engine) -> None:
    fill(app)
    submit(app)
    # A second click carries the same form values as the first (the browser had not redrawn yet).
    fill(app)
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 1
    assert "Already saved" in app.info[0].value


def test_double_click_across_a_minute_boundary_stores_one_row(app: AppTest, engine: Engine) -> None:
    fill_now(app)
    submit(app)
    # As if the minute had turned between the two clicks: the database's one-entry-per-minute
    # rule cannot catch the second, the page's double-click guard must.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE session_entry SET started_at = :earlier"),
            {"earlier": "2020-01-01 08:00:00.000000"},
        )
    fill_now(app)
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 1
    assert "Already saved" in app.info[0].value
    # A different entry is not a double click.
    fill_now(app, code="C-08")
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 2


def test_name_like_code_needs_an_explicit_confirm(app: AppTest, engine: Engine) -> None:
    fill(app, code="Anna Schmidt")
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert "pseudonym" in app.warning[0].value
    # The question and its tick box sit below Save, where the person pressed it.
    assert below_save(app, "Warning") and "new_keep_code" in below_save_keys(app)
    app.checkbox(key="new_keep_code").check()
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 1


def test_edit_changes_the_entry(app: AppTest, engine: Engine) -> None:
    entry_id = add_session(engine, owner=OWNER, entry=make_entry(dread=2, client_code="C-11"))
    app.run()
    pick(app, entry_id)
    app.button(key="row_edit").click()
    app.run()
    assert app.selectbox(key="edit_client").value == "C-11"
    app.slider(key="edit_dread").set_value(8)
    app.button(key="edit_submit").click()
    app.run()
    assert not app.exception
    row = load_sessions(engine, owner=OWNER).iloc[0]
    assert (row["dread"], row["client_code"]) == (8, "C-11")
    assert "Updated `C-11`" in app.success[0].value


def test_delete_asks_first_and_removes_the_picked_entry(app: AppTest, engine: Engine) -> None:
    now = datetime.now(BERLIN)
    keep = add_session(
        engine,
        owner=OWNER,
        entry=make_entry(client_code="C-01", started_at=now - timedelta(hours=3)),
    )
    doomed = add_session(
        engine,
        owner=OWNER,
        entry=make_entry(client_code="C-02", started_at=now - timedelta(hours=5)),
    )
    app.run()
    pick(app, doomed)
    app.button(key="row_delete").click()
    app.run()
    assert count_sessions(engine, owner=OWNER) == 2
    assert "cannot be undone" in app.warning[0].value
    assert "C-02" in app.warning[0].value  # it names the entry that would go
    app.button(key="delete_yes").click()
    app.run()
    assert not app.exception
    assert load_sessions(engine, owner=OWNER)["id"].tolist() == [keep]
    assert "deleted" in app.success[0].value
    order = in_order(app)
    assert order.index("Success: Entry deleted.") > order.index("row_delete")  # below Delete
    # The picker falls back to an entry that still exists.
    assert app.selectbox(key="row_pick").value == keep


def test_delete_can_be_cancelled(app: AppTest, engine: Engine) -> None:
    entry_id = add_session(engine, owner=OWNER, entry=make_entry())
    ask_to_delete(app, entry_id)
    app.button(key="delete_no").click()
    app.run()
    assert count_sessions(engine, owner=OWNER) == 1
    assert not app.warning


def test_recent_codes_are_offered(app: AppTest, engine: Engine) -> None:
    now = datetime.now(BERLIN)
    add_session(
        engine,
        owner=OWNER,
        entry=make_entry(client_code="C-01", started_at=now - timedelta(hours=3)),
    )
    add_session(
        engine,
        owner=OWNER,
        entry=make_entry(client_code="C-02", started_at=now - timedelta(hours=2)),
    )
    app.run()
    assert app.selectbox(key="new_client").options[:2] == ["C-02", "C-01"]


def test_a_hostile_code_is_listed_as_literal_text(app: AppTest, engine: Engine) -> None:
    # Markdown would fetch an image from another host; a code span shows the text as typed.
    add_session(
        engine, owner=OWNER, entry=make_entry(client_code="![x](http://evil.example/x.png)")
    )
    app.run()
    listing = next(md.value for md in app.markdown if "evil.example" in md.value)
    assert "`![x](http://evil.example/x.png)`" in listing


def test_a_second_click_after_the_save_says_it_was_already_saved(
    app: AppTest, engine: Engine
) -> None:
    fill_now(app, code="C-42", ratings=(5, 3, 6))
    submit(app)
    # The first click emptied the form; the second finds it empty and must not say "pick a code".
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 1
    assert not app.error
    assert "Already saved: `C-42`" in app.info[0].value
    assert "dread 5, detachment 3, fatigue 6" in app.info[0].value


def test_an_empty_form_is_still_refused_when_nothing_was_saved_before(
    app: AppTest, engine: Engine
) -> None:
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert "Pick a recent client code" in app.error[0].value


def test_refusals_and_confirmations_appear_right_below_save(app: AppTest, engine: Engine) -> None:
    fill(app)
    app.session_state["new_note"] = "x" * (TEXT_MAX + 1)
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert below_save(app, "Error") == [
        f"Error: The private note is too long (at most {TEXT_MAX} characters). Nothing was saved."
    ]
    app.session_state["new_note"] = ""
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 1
    assert len(below_save(app, "Success")) == 1


def test_a_long_name_like_code_is_refused_for_its_length_before_any_name_question(
    app: AppTest, engine: Engine
) -> None:
    fill(app, code="Anna Schmidt " * 5)
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert not app.warning  # not first questioned as a possible name
    assert "client code is too long (at most 40 characters)" in app.error[0].value


def test_text_fields_show_their_limit_before_anyone_types_past_it(app: AppTest) -> None:
    open_reflection(app)
    assert {area.key: area.proto.max_chars for area in app.text_area} == {
        "new_reflection_reaction": TEXT_MAX,
        "new_reflection_held_back": TEXT_MAX,
        "new_reflection_themes": TEXT_MAX,
        "new_note": TEXT_MAX,
    }


def test_a_half_typed_entry_survives_a_visit_to_another_page(app: AppTest, engine: Engine) -> None:
    open_reflection(app)
    fill_now(app, code="C-42", ratings=(5, 3, 6))
    app.text_area(key="new_note").input("half a thou")
    app.run()  # each field reaches the server as it changes (no form holding it back)
    app.switch_page("views/review.py")
    app.run()
    app.switch_page("views/log.py")
    app.run()
    assert not app.exception
    assert app.selectbox(key="new_client").value == "C-42"
    assert [app.slider(key=f"new_{sign}").value for sign in ("dread", "detachment", "fatigue")] == [
        5,
        3,
        6,
    ]
    assert app.text_area(key="new_note").value == "half a thou"
    submit(app)
    saved = load_sessions(engine, owner=OWNER).iloc[0]
    assert (saved["client_code"], saved["dread"], saved["note"]) == ("C-42", 5, "half a thou")


def test_the_client_code_cannot_be_cleared_so_tab_goes_straight_to_dread(app: AppTest) -> None:
    # A clearable picker put its "Clear value" button between the code and Dread in the Tab order
    # (tests/e2e/test_log_journey.py shows the keys that follow; here the setting that causes it).
    assert app.selectbox(key="new_client").proto.required


def test_another_entry_for_the_same_client_and_minute_is_not_called_already_saved(
    app: AppTest, engine: Engine
) -> None:
    fill(app, code="C-42", ratings=(5, 3, 6))
    submit(app)
    # Same client, same back-filled minute, other ratings: a conflict, not a double click.
    fill(app, code="C-42", ratings=(1, 2, 3))
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 1
    assert not app.info
    assert "already has an entry" in app.warning[0].value
    assert "Nothing new was saved" in app.warning[0].value


def test_a_journal_that_cannot_be_written_keeps_the_entry_and_says_why(
    app: AppTest, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another program holds the file past the busy timeout: Save says so right below it, in
    # words, and the entry stays in the form for the next try.
    monkeypatch.setattr("data.repository.add_session", refusing("database is locked"))
    app.run()  # Save's callback is the page's run's own: one run with the refusing store
    fill_now(app, ratings=(6, 4, 5))
    submit(app)
    assert count_sessions(engine, owner=OWNER) == 0
    assert below_save(app, "Error") == [
        "Error: Nothing was saved: your journal is busy: another program is writing to it. "
        "Your entry is still in the form: try again in a moment."
    ]
    assert app.slider(key="new_dread").value == 6
    assert app.selectbox(key="new_client").value == "C-07"


def test_a_delete_that_cannot_be_written_says_why(
    app: AppTest, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id = add_session(engine, owner=OWNER, entry=make_entry())
    monkeypatch.setattr(
        "dashboard.components.recent_entries.delete_session", refusing("database or disk is full")
    )
    ask_to_delete(app, entry_id)
    app.button(key="delete_yes").click()
    app.run()
    assert not app.exception
    assert count_sessions(engine, owner=OWNER) == 1
    assert "The entry was not deleted: the disk is full." in app.error[0].value
