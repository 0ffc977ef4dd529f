"""The practice-mode pages under AppTest on PostgreSQL: Sharing (the therapist), People you
supervise (the supervisor) and the Practice view (a clinical lead)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from dashboard.common import md
from data.db import make_engine
from data.packets import record_packet
from data.practice import (
    MEMBERS_CHANGED_KEY,
    opted_in_since,
    permit_domain,
    set_lead,
    set_min_group,
    set_opt_in,
    sign_in,
)
from data.repository import add_session
from data.sharing import (
    grants_given,
    invite_supervisor,
    packets_shared,
    revoke_supervisor,
    share_packet,
    shared_packet_content,
    shared_ratings,
)
from tests.databases import Databases
from tests.factories import PRACTICE_ISSUER, make_entry, practice_person, refusing

pytestmark = [
    pytest.mark.parametrize("backend", ["postgresql"]),
    pytest.mark.usefixtures("empty_caches"),
]

CODE = "Zephyr-Q9"
NOTE = "LAVENDER-ORCHID private words"
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class People:
    owner: Engine
    app: Engine
    ann: int
    sue: int


def _journal(engine: Engine, owner: int, days: int = 30) -> None:
    for back in range(days):
        add_session(
            engine,
            owner=owner,
            entry=make_entry(
                started_at=NOW - timedelta(days=back, hours=2),
                client_code=CODE,
                note=NOTE,
                fatigue=8 if back < 16 else 2,
            ),
        )


@pytest.fixture
def people(databases: Databases, db_url: str, engine: Engine) -> Iterator[People]:
    owner = make_engine(databases.owner_url(db_url))
    permit_domain(owner, domain="practice.example")
    ann, sue = practice_person(engine, "ann"), practice_person(engine, "sue")
    _journal(engine, ann)
    yield People(owner, engine, ann, sue)
    owner.dispose()


def members_changed_at(owner: Engine, when: datetime) -> None:
    """Pretend the last opt-in or opt-out was at `when` (as migration 0009's trigger writes it)."""
    with owner.begin() as connection:
        connection.execute(
            text("UPDATE practice_config SET value = :when WHERE key = :key"),
            {"when": when.isoformat(), "key": MEMBERS_CHANGED_KEY},
        )


def ann_shares_with_sue(people: People, *, levels: bool = True, trends: bool = True) -> int:
    """Ann invites Sue as her supervisor, sharing what is asked; the grant's id."""
    return ann_shares_with(people, "sue", levels=levels, trends=trends)


def ann_shares_with(people: People, name: str, *, levels: bool, trends: bool) -> int:
    """Ann invites `name` (name@practice.example) as her supervisor; the grant's id."""
    return invite_supervisor(
        people.app,
        owner=people.ann,
        email=f"{name}@practice.example",
        share_levels=levels,
        share_trends=trends,
    )


def open_view(page: str, account: int) -> AppTest:
    """One practice page rendered for `account`, with no exception."""
    at = AppTest.from_string(
        f"from dashboard.views.{page} import render\nrender(account={account})\n",
        default_timeout=60,
    )
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.success)]
    parts += [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def test_the_therapist_invites_a_supervisor_and_stops_sharing(people: People) -> None:
    at = open_view("sharing", people.ann)
    assert "You share nothing with anyone yet" in _texts(at)
    at.text_input(key="share_email").input("nobody@practice.example")
    at.button[0].click().run()  # the form's submit button
    assert "They need to sign in to Tightrope once first" in _texts(at)
    assert grants_given(people.app, owner=people.ann) == []

    at.text_input(key="share_email").input("sue@practice.example")
    at.checkbox(key="share_trends").uncheck()
    at.button[0].click().run()
    assert not at.exception
    (grant,) = grants_given(people.app, owner=people.ann)
    assert grant.share_levels and not grant.share_trends
    assert "**Sue** sees your warning levels and their sentences" in _texts(at)

    at.button(key=f"share_revoke_{grant.id}").click().run()
    assert "Sue no longer sees anything" in _texts(at)
    assert not grants_given(people.app, owner=people.ann)[0].active


def test_the_access_log_lists_the_supervisors_looks(people: People) -> None:
    ann_shares_with_sue(people)
    at = open_view("sharing", people.ann)
    assert "Nobody has looked at anything you share" in _texts(at)
    shared_ratings(people.app, supervisor=people.sue, owner=people.ann)
    at = open_view("sharing", people.ann)
    log = at.dataframe[0].value
    assert list(log["Who"]) == ["Sue"]
    assert "your ratings" in log["What"].iloc[0]


def test_the_therapist_opts_in_and_out_of_the_practice_view(people: People) -> None:
    at = open_view("sharing", people.ann)
    assert "at least 5 therapists" in _texts(at)
    at.toggle(key="share_opt").set_value(True).run()
    assert opted_in_since(people.app, owner=people.ann) is not None
    assert "You are counted from now on" in _texts(at)
    at.toggle(key="share_opt").set_value(False).run()
    assert opted_in_since(people.app, owner=people.ann) is None


def test_the_therapist_shares_a_de_identified_packet(people: People) -> None:
    ann_shares_with_sue(people)
    at = open_view("sharing", people.ann)
    at.button(key="share_packet").click().run()
    assert not at.exception
    (packet,) = packets_shared(people.app, owner=people.ann)
    assert packet.supervisor_id == people.sue and packet.format == "html"
    # De-identified: Ann's client code and note are not in what Sue receives.
    content = shared_packet_content(people.app, supervisor=people.sue, packet=packet.id)
    assert content is not None and b"Client A" in content
    for secret in (CODE, NOTE, "Zephyr", "LAVENDER"):
        assert secret.encode() not in content
    at = open_view("supervisees", people.sue)
    at.button(key=f"sv_get_{packet.id}").click().run()
    assert at.get("download_button"), "no download button after getting the packet"


def test_the_supervisor_sees_levels_and_trends_and_loses_them_on_revocation(
    people: People,
) -> None:
    at = open_view("supervisees", people.sue)
    assert "Nobody shares with you yet" in _texts(at)
    grant = ann_shares_with_sue(people)
    at = open_view("supervisees", people.sue)
    texts = _texts(at)
    assert "**Fatigue:" in texts and "Ann reads" in texts
    assert len(at.get("plotly_chart")) == 1
    for secret in (CODE, NOTE, "Zephyr", "LAVENDER"):
        assert secret not in texts
    revoke_supervisor(people.app, owner=people.ann, grant=grant)
    at.run()
    assert "Nobody shares with you yet" in _texts(at)
    assert not at.get("plotly_chart")


def test_a_supervisor_sees_no_chart_unless_trends_are_shared(people: People) -> None:
    ann_shares_with_sue(people, trends=False)
    at = open_view("supervisees", people.sue)
    assert "**Fatigue:" in _texts(at)
    assert not at.get("plotly_chart")


def test_the_practice_view_refuses_a_non_lead_and_waits_for_the_minimum(people: People) -> None:
    at = open_view("practice", people.sue)
    assert "for clinical leads" in _texts(at)
    set_lead(people.owner, email="sue@practice.example", lead=True)
    set_opt_in(people.app, owner=people.ann, opted_in=True)
    at = open_view("practice", people.sue)
    assert "Nothing to show yet" in _texts(at) and "at least 5" in _texts(at)
    assert not at.get("plotly_chart")


def test_the_practice_view_counts_from_the_minimum_group(people: People) -> None:
    set_lead(people.owner, email="sue@practice.example", lead=True)
    set_min_group(people.owner, size=3)
    others = [practice_person(people.app, name) for name in ("bob", "cat")]
    for person in (people.ann, *others):
        set_opt_in(people.app, owner=person, opted_in=True)
    members_changed_at(people.owner, NOW - timedelta(days=200))  # they joined long ago
    at = open_view("practice", people.sue)
    assert "3 therapists take part" in _texts(at)
    assert sum(int(metric.value) for metric in at.metric) == 3
    assert len(at.get("plotly_chart")) == 1
    table = at.dataframe[0].value
    assert len(table) == 13 and (table[["No warning", "Watch", "Chronic"]].sum(axis=1) == 3).all()
    for secret in ("Ann", "Bob", "Cat"):
        assert secret not in _texts(at)
    set_opt_in(people.app, owner=others[0], opted_in=False)  # one leaves: below the minimum
    at.run()
    assert "Nothing to show yet" in _texts(at)


def test_no_week_counted_before_someone_joined_or_left_is_shown(people: People) -> None:
    # Counts of one week seen before and after a change differ by the person who joined or left.
    set_lead(people.owner, email="sue@practice.example", lead=True)
    set_min_group(people.owner, size=3)
    others = [practice_person(people.app, name) for name in ("bob", "cat", "dan")]
    for person in (people.ann, *others):
        set_opt_in(people.app, owner=person, opted_in=True)
    at = open_view("practice", people.sue)  # dan joined today
    assert "come back tomorrow" in _texts(at)
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
    members_changed_at(people.owner, NOW - timedelta(days=200))
    at.run()
    assert len(at.dataframe[0].value) == 13
    set_opt_in(people.app, owner=others[2], opted_in=False)  # dan leaves: today again
    at.run()
    assert "come back tomorrow" in _texts(at) and not at.dataframe
    set_opt_in(people.app, owner=others[2], opted_in=False)  # leaving again changes nothing
    members_changed_at(people.owner, NOW - timedelta(days=17))
    at.run()
    table = at.dataframe[0].value
    assert len(table) == 3  # this week and the two that ended since the change
    assert "are not shown: someone joined or left" in _texts(at)
    assert sum(int(metric.value) for metric in at.metric) == 3


@pytest.mark.parametrize(
    ("lead", "paths"), [(False, "sharing supervisees"), (True, "sharing supervisees practice")]
)
def test_the_pages_for_the_navigation_run_for_their_account(
    people: People, lead: bool, paths: str
) -> None:
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from dashboard.practice_pages import practice_pages\n"
        f"pages = practice_pages(account={people.ann}, lead={lead})\n"
        "st.caption(' '.join(page.url_path or 'sharing' for page in pages))\n"
        "st.navigation(pages).run()\n",
        default_timeout=60,
    )
    at.run()
    assert not at.exception, at.exception
    assert at.caption[0].value == paths
    assert at.title[0].value == "Sharing"  # the first page, Ann's own


def test_a_packet_taken_back_disappears_for_the_supervisor(people: People) -> None:
    ann_shares_with_sue(people, levels=False)
    share_packet(
        people.app,
        owner=people.ann,
        supervisor=people.sue,
        fmt="html",
        title="<b>March</b>",
        content=b"<p>x</p>",
    )
    at = open_view("supervisees", people.sue)
    assert "\\<b\\>March\\</b\\>" in _texts(at)  # escaped, shown as typed
    (packet,) = packets_shared(people.app, owner=people.ann)
    at = open_view("sharing", people.ann)
    at.button(key=f"share_unshare_{packet.id}").click().run()
    assert packets_shared(people.app, owner=people.ann) == []


HOSTILE = "Mal ![seen](http://tracker.invalid/p.gif) [mine](http://tracker.invalid/)"


def test_names_from_the_identity_provider_are_shown_as_typed(people: People) -> None:
    # A display name is the provider's `name` claim, which its owner may edit: in Markdown it
    # would fetch an image from anywhere (who looked, and when) or plant a link.
    mal = sign_in(
        people.app,
        issuer=PRACTICE_ISSUER,
        subject="mal",
        display_name=HOSTILE,
        email="mal@practice.example",
    )
    assert mal is not None
    # Mal shares with Sue and has logged nothing; Ann shares with Mal as her supervisor.
    invite_supervisor(
        people.app, owner=mal, email="sue@practice.example", share_levels=True, share_trends=True
    )
    ann_shares_with_sue(people)
    grant = ann_shares_with(people, "mal", levels=True, trends=False)
    at = open_view("supervisees", people.sue)
    at.selectbox(key="sv_person").set_value(mal).run()
    shown = _texts(at)
    assert md(HOSTILE) in shown and "](http" not in shown

    at = open_view("sharing", people.ann)
    at.selectbox(key="share_packet_to").set_value(mal).run()
    at.button(key="share_packet").click().run()
    assert not at.exception
    assert f"with {md(HOSTILE)}." in _texts(at)
    at.button(key=f"share_revoke_{grant}").click().run()
    shown = _texts(at)
    assert "no longer sees anything" in shown and "](http" not in shown
    assert md(HOSTILE) in shown


def test_a_packet_goes_only_to_the_supervisor_shown(people: People) -> None:
    # Bob is chosen; in another tab Ann stops sharing with him; then she clicks Share here. The
    # list no longer holds Bob and its first name (Sue) would take his place: nothing is shared.
    bob = practice_person(people.app, "bob")
    ann_shares_with_sue(people)
    bob_grant = ann_shares_with(people, "bob", levels=False, trends=False)
    at = open_view("sharing", people.ann)
    at.selectbox(key="share_packet_to").set_value(bob).run()
    revoke_supervisor(people.app, owner=people.ann, grant=bob_grant)
    at.button(key="share_packet").click().run()
    assert not at.exception
    assert packets_shared(people.app, owner=people.ann) == []
    assert "You stopped sharing with that supervisor, so nothing was shared." in _texts(at)


def test_a_shared_packet_compares_with_the_packet_made_before_it(people: People) -> None:
    # The packet depends on the last packet recorded before its period; a packet recorded
    # between two shares of the same day must not be answered from the first share's cache.
    ann_shares_with_sue(people)
    at = open_view("sharing", people.ann)
    at.button(key="share_packet").click().run()
    today = NOW.date()
    record_packet(
        people.app,
        owner=people.ann,
        start=today - timedelta(days=70),
        end=today - timedelta(days=42),
        fmt="html",
    )
    at = open_view("sharing", people.ann)
    at.button(key="share_packet").click().run()
    later, first = packets_shared(people.app, owner=people.ann)
    contents = [
        shared_packet_content(people.app, supervisor=people.sue, packet=packet.id)
        for packet in (first, later)
    ]
    assert contents[0] is not None and contents[1] is not None
    assert b"Compared with your last packet" not in contents[0]
    assert b"Compared with your last packet" in contents[1]


def test_sharing_that_the_database_refuses_is_told_where_it_was_asked(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = refusing("server closed the connection unexpectedly")
    grant = ann_shares_with_sue(people)
    monkeypatch.setattr("dashboard.views.sharing.revoke_supervisor", gone)
    monkeypatch.setattr("dashboard.views.sharing.set_opt_in", gone)
    at = open_view("sharing", people.ann)
    at.button(key=f"share_revoke_{grant}").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Nothing was changed: the database could not be reached. Try again."
    ]
    assert grants_given(people.app, owner=people.ann)[0].active
    at.toggle(key="share_opt").set_value(True).run()
    assert not at.exception
    assert "Nothing was changed: the database could not be reached." in at.error[0].value
    assert opted_in_since(people.app, owner=people.ann) is None
