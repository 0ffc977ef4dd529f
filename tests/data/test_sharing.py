"""Sharing by consent on PostgreSQL: a supervisor sees what a therapist shares, only while the
grant is active, every read is in the therapist's access log; the practice view holds back
everything below the minimum group; no client code, tag or text ever leaves a journal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.settings import Thresholds
from data.db import make_engine, owner_connection
from data.maintenance import delete_all_data
from data.practice import (
    NOT_SIGNED_IN_YET,
    PracticeError,
    members_changed,
    opted_in_since,
    permit_domain,
    practice_ratings,
    set_lead,
    set_min_group,
    set_opt_in,
)
from data.repository import add_session, count_sessions
from data.settings_store import save_thresholds
from data.sharing import (
    NOT_YOURSELF,
    SharingError,
    access_log,
    grants_given,
    invite_supervisor,
    packets_shared,
    revoke_supervisor,
    share_packet,
    shared_packet_content,
    shared_packets,
    shared_ratings,
    shared_thresholds,
    supervisees,
    unshare_packet,
)
from tests.databases import Databases
from tests.factories import make_entry, practice_person

pytestmark = pytest.mark.backends("postgresql")

CODE = "Zephyr-Q9"
NOTE = "LAVENDER-ORCHID private words"
REFLECTION = "MARZIPAN-TIGER held back"
TAG = "walnut-tag"
SECRETS = (CODE, NOTE, REFLECTION, TAG, "LAVENDER", "MARZIPAN", "Zephyr", "walnut")
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Practice:
    """Ann keeps a journal full of secrets; Sue supervises; Bob is someone else."""

    app: Engine
    owner: Engine
    ann: int
    sue: int
    bob: int


def _journal(engine: Engine, owner: int, entries: int = 6) -> None:
    for i in range(entries):
        add_session(
            engine,
            owner=owner,
            entry=make_entry(
                started_at=NOW - timedelta(days=i, hours=1),
                client_code=CODE,
                note=NOTE,
                reflection_held_back=REFLECTION,
                scenarios=[TAG],
                dread=i % 11,
            ),
        )


@pytest.fixture
def practice(databases: Databases, db_url: str, engine: Engine) -> Iterator[Practice]:
    owner = make_engine(databases.owner_url(db_url))
    permit_domain(owner, domain="practice.example")
    ann, sue, bob = (practice_person(engine, name) for name in ("ann", "sue", "bob"))
    _journal(engine, ann)
    yield Practice(engine, owner, ann, sue, bob)
    owner.dispose()


def _share(p: Practice, *, levels: bool = True, trends: bool = True) -> int:
    return invite_supervisor(
        p.app, owner=p.ann, email="SUE@practice.example", share_levels=levels, share_trends=trends
    )


def test_a_supervisor_reads_ratings_only_while_the_grant_is_active(practice: Practice) -> None:
    p = practice
    assert supervisees(p.app, supervisor=p.sue) == []
    assert shared_ratings(p.app, supervisor=p.sue, owner=p.ann).empty
    grant = _share(p)
    (seen,) = supervisees(p.app, supervisor=p.sue)
    assert (seen.owner_id, seen.display_name, seen.share_levels) == (p.ann, "Ann", True)
    assert seen.since.utcoffset() == timedelta(0)
    ratings = shared_ratings(p.app, supervisor=p.sue, owner=p.ann)
    assert len(ratings) == count_sessions(p.app, owner=p.ann) == 6
    assert sorted(ratings["dread"]) == list(range(6))
    assert set(ratings["client_code"]) == {""} and set(ratings["note"]) == {""}
    # Bob, who nobody shares with, sees nothing of Ann's.
    assert supervisees(p.app, supervisor=p.bob) == []
    assert shared_ratings(p.app, supervisor=p.bob, owner=p.ann).empty

    assert revoke_supervisor(p.app, owner=p.ann, grant=grant) is True
    assert revoke_supervisor(p.app, owner=p.ann, grant=grant) is False
    assert supervisees(p.app, supervisor=p.sue) == []
    assert shared_ratings(p.app, supervisor=p.sue, owner=p.ann).empty
    assert shared_thresholds(p.app, supervisor=p.sue, owner=p.ann) == Thresholds()


def test_only_the_owner_revokes_and_sue_cannot_revoke_for_ann(practice: Practice) -> None:
    p = practice
    grant = _share(p)
    assert revoke_supervisor(p.app, owner=p.sue, grant=grant) is False
    assert revoke_supervisor(p.app, owner=p.bob, grant=grant) is False
    assert len(supervisees(p.app, supervisor=p.sue)) == 1


def test_the_supervisor_sees_the_levels_with_the_therapists_own_settings(
    practice: Practice,
) -> None:
    p = practice
    save_thresholds(p.app, owner=p.ann, thresholds=Thresholds(absolute_threshold=7.0))
    _share(p, trends=False)
    assert shared_thresholds(p.app, supervisor=p.sue, owner=p.ann).absolute_threshold == 7.0
    assert shared_thresholds(p.app, supervisor=p.bob, owner=p.ann) == Thresholds()


def test_every_read_is_in_the_owners_access_log(practice: Practice) -> None:
    p = practice
    assert access_log(p.app, owner=p.ann) == []
    _share(p)
    supervisees(p.app, supervisor=p.sue)
    shared_ratings(p.app, supervisor=p.sue, owner=p.ann)
    shared_ratings(p.app, supervisor=p.sue, owner=p.ann)  # the same look again: one line
    shared_thresholds(p.app, supervisor=p.sue, owner=p.ann)
    log = access_log(p.app, owner=p.ann)
    assert {entry.viewer_name for entry in log} == {"Sue"}
    assert sorted(entry.what for entry in log) == [
        "your name, in their list of people who share with them",
        "your ratings (dread, detachment, fatigue)",
        "your warning-level settings",
    ]
    assert all(abs(entry.at - datetime.now(UTC)) < timedelta(minutes=5) for entry in log)
    # Sue's own log is empty: nobody looked at hers; nobody else reads Ann's.
    assert access_log(p.app, owner=p.sue) == []
    with owner_connection(p.app, owner=p.sue) as connection:
        assert connection.execute(text("SELECT count(*) FROM access_log")).scalar_one() == 0


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO access_log (owner_id, viewer_id, viewer_name, what, at) "
        "VALUES (:me, :me, 'x', 'forged', now())",
        "DELETE FROM access_log",
        "INSERT INTO supervision_grant (owner_id, supervisor_id, share_levels, share_trends, "
        "created_at) VALUES (:me, 1, true, true, now())",
        "UPDATE supervision_grant SET revoked_at = NULL",
        "SELECT tightrope_log_access(:me, 'forged')",
        "SELECT count(*) FROM practice_permit",
    ],
    ids=["forge-log", "erase-log", "make-grant", "unrevoke", "log-function", "permits"],
)
def test_the_app_role_cannot_write_around_the_functions(practice: Practice, statement: str) -> None:
    _share(practice)
    with (
        pytest.raises(DBAPIError, match="permission denied"),
        owner_connection(practice.app, owner=practice.ann) as connection,
    ):
        connection.execute(text(statement), {"me": practice.ann})


def test_each_person_sees_only_their_own_grants(practice: Practice) -> None:
    p = practice
    _share(p)
    counts = {}
    for who in (p.ann, p.sue, p.bob):
        with owner_connection(p.app, owner=who) as connection:
            counts[who] = connection.execute(
                text("SELECT count(*) FROM supervision_grant")
            ).scalar_one()
    assert counts == {p.ann: 1, p.sue: 1, p.bob: 0}
    (grant,) = grants_given(p.app, owner=p.ann)
    assert (grant.supervisor_name, grant.supervisor_email, grant.active) == (
        "Sue",
        "sue@practice.example",
        True,
    )
    assert grants_given(p.app, owner=p.sue) == grants_given(p.app, owner=p.bob) == []
    assert grant.created_at.utcoffset() == timedelta(0) and grant.revoked_at is None  # aware UTC


def test_inviting_again_changes_what_is_shared(practice: Practice) -> None:
    p = practice
    first = _share(p, trends=False)
    assert _share(p, levels=False) == first
    (seen,) = supervisees(p.app, supervisor=p.sue)
    assert (seen.share_levels, seen.share_trends) == (False, True)
    # Neither: packets only, and no rating or setting leaves the journal.
    _share(p, levels=False, trends=False)
    assert shared_ratings(p.app, supervisor=p.sue, owner=p.ann).empty
    assert [s.owner_id for s in supervisees(p.app, supervisor=p.sue)] == [p.ann]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@practice.example", NOT_SIGNED_IN_YET),
        ("ann@practice.example", NOT_YOURSELF),
        ("not an address", "not an e-mail address"),
    ],
)
def test_an_invitation_that_cannot_be_made_says_why(
    practice: Practice, email: str, message: str
) -> None:
    with pytest.raises(SharingError, match=message):
        invite_supervisor(
            practice.app, owner=practice.ann, email=email, share_levels=True, share_trends=True
        )
    assert grants_given(practice.app, owner=practice.ann) == []


def test_a_shared_packet_is_read_by_its_supervisor_only_while_the_grant_is_active(
    practice: Practice,
) -> None:
    p = practice
    with pytest.raises(SharingError, match="Share with this supervisor first"):
        share_packet(p.app, owner=p.ann, supervisor=p.sue, fmt="html", title="x", content=b"x")
    grant = _share(p)
    packet = share_packet(
        p.app, owner=p.ann, supervisor=p.sue, fmt="html", title="March", content=b"<p>hi</p>"
    )
    assert [s.title for s in packets_shared(p.app, owner=p.ann)] == ["March"]
    assert [s.id for s in shared_packets(p.app, supervisor=p.sue, owner=p.ann)] == [packet]
    (shared,) = shared_packets(p.app, supervisor=p.sue, owner=p.ann)
    assert shared.created_at.utcoffset() == timedelta(0)
    assert shared_packet_content(p.app, supervisor=p.sue, packet=packet) == b"<p>hi</p>"
    assert shared_packet_content(p.app, supervisor=p.bob, packet=packet) is None
    assert shared_packets(p.app, supervisor=p.bob, owner=p.ann) == []
    assert 'the packet "March"' in {e.what for e in access_log(p.app, owner=p.ann)}
    with owner_connection(p.app, owner=p.sue) as connection:  # not even Sue reads the table
        assert connection.execute(text("SELECT count(*) FROM shared_packet")).scalar_one() == 0

    revoke_supervisor(p.app, owner=p.ann, grant=grant)
    assert shared_packet_content(p.app, supervisor=p.sue, packet=packet) is None
    assert shared_packets(p.app, supervisor=p.sue, owner=p.ann) == []
    # Stopping takes the packets back: inviting Sue again, for levels only, does not return them.
    assert packets_shared(p.app, owner=p.ann) == []
    assert unshare_packet(p.app, owner=p.ann, packet=packet) is False
    _share(p, trends=False)
    assert shared_packets(p.app, supervisor=p.sue, owner=p.ann) == []
    assert shared_packet_content(p.app, supervisor=p.sue, packet=packet) is None


def test_a_packet_cannot_be_planted_for_someone_not_shared_with(practice: Practice) -> None:
    p = practice
    with (
        pytest.raises(DBAPIError, match="row-level security"),
        owner_connection(p.app, owner=p.ann) as connection,
    ):
        connection.execute(
            text(
                "INSERT INTO shared_packet (owner_id, supervisor_id, format, title, content, "
                "created_at) VALUES (:ann, :bob, 'html', 't', 'x', now())"
            ),
            {"ann": p.ann, "bob": p.bob},
        )


def _everything_a_supervisor_or_lead_can_read(p: Practice) -> str:
    calls = [
        ("SELECT * FROM tightrope_supervisees()", p.sue),
        ("SELECT * FROM tightrope_shared_ratings(:ann)", p.sue),
        ("SELECT * FROM tightrope_shared_settings(:ann)", p.sue),
        ("SELECT * FROM tightrope_shared_packets(:ann)", p.sue),
        ("SELECT * FROM tightrope_practice_ratings()", p.bob),
    ]
    seen = []
    for query, who in calls:
        with owner_connection(p.app, owner=who) as connection:
            result = connection.execute(text(query), {"ann": p.ann})
            seen.append(repr(list(result.keys())) + repr(result.all()))
    return "\n".join(seen)


def test_no_client_code_tag_or_text_ever_comes_back(practice: Practice) -> None:
    p = practice
    _share(p)
    set_min_group(p.owner, size=3)
    for who in (p.ann, p.sue, p.bob):
        set_opt_in(p.app, owner=who, opted_in=True)
    set_lead(p.owner, email="bob@practice.example", lead=True)
    everything = _everything_a_supervisor_or_lead_can_read(p)
    assert "started_at" in everything and "dread" in everything
    assert "client_code" not in everything and "note" not in everything
    for secret in SECRETS:
        assert secret not in everything


def _members(p: Practice, count: int, *, start: int = 0) -> list[int]:
    people = [practice_person(p.app, f"member{start + i}") for i in range(count)]
    for person in people:
        _journal(p.app, person, entries=3)
        set_opt_in(p.app, owner=person, opted_in=True)
    return people


def test_the_practice_view_is_empty_below_the_minimum_group(practice: Practice) -> None:
    p = practice
    set_lead(p.owner, email="bob@practice.example", lead=True)
    people = _members(p, 4)
    assert practice_ratings(p.app, lead=p.bob) == []  # 4 of the default 5
    set_opt_in(p.app, owner=p.ann, opted_in=True)
    assert opted_in_since(p.app, owner=p.ann) is not None
    members = practice_ratings(p.app, lead=p.bob)
    assert sorted(m.number for m in members) == [1, 2, 3, 4, 5]
    assert sorted(len(m.sessions) for m in members) == [3, 3, 3, 3, 6]
    assert all(set(m.sessions["client_code"]) == {""} for m in members)
    # One person leaving at the minimum empties the view at once.
    set_opt_in(p.app, owner=people[0], opted_in=False)
    assert opted_in_since(p.app, owner=people[0]) is None
    assert practice_ratings(p.app, lead=p.bob) == []
    set_min_group(p.owner, size=4)
    assert len(practice_ratings(p.app, lead=p.bob)) == 4


def test_the_lead_who_takes_part_is_left_out_of_their_own_view(practice: Practice) -> None:
    # Bob leads and takes part: knowing his own level, at the minimum group he could take it
    # from the counts and single out the others sooner than the minimum allows.
    p = practice
    set_lead(p.owner, email="bob@practice.example", lead=True)
    _journal(p.app, p.bob, entries=9)
    set_opt_in(p.app, owner=p.bob, opted_in=True)
    set_opt_in(p.app, owner=p.ann, opted_in=True)
    _members(p, 3)
    assert practice_ratings(p.app, lead=p.bob) == []  # 5 take part, 4 besides Bob
    _members(p, 1, start=3)
    members = practice_ratings(p.app, lead=p.bob)
    assert sorted(len(m.sessions) for m in members) == [3, 3, 3, 3, 6]  # none of Bob's 9


def test_one_active_grant_per_therapist_and_supervisor(practice: Practice) -> None:
    # Two invitations at the same moment could each insert a grant; the database now refuses
    # the second, and invite_supervisor turns it into a change of the first.
    p = practice
    grant = _share(p)
    with pytest.raises(IntegrityError), p.owner.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO supervision_grant "
                "(owner_id, supervisor_id, share_levels, share_trends, created_at) "
                "VALUES (:ann, :sue, true, true, now())"
            ),
            {"ann": p.ann, "sue": p.sue},
        )
    assert _share(p, trends=False) == grant
    revoke_supervisor(p.app, owner=p.ann, grant=grant)
    assert supervisees(p.app, supervisor=p.sue) == []


def test_the_practice_view_carries_each_members_own_settings(practice: Practice) -> None:
    p = practice
    set_lead(p.owner, email="bob@practice.example", lead=True)
    set_min_group(p.owner, size=3)
    _members(p, 2)
    save_thresholds(p.app, owner=p.ann, thresholds=Thresholds(absolute_threshold=7.0))
    set_opt_in(p.app, owner=p.ann, opted_in=True)
    members = practice_ratings(p.app, lead=p.bob)
    assert sorted(m.thresholds.absolute_threshold for m in members) == [6.0, 6.0, 7.0]


def test_only_a_lead_reads_the_practice_view(practice: Practice) -> None:
    p = practice
    set_min_group(p.owner, size=3)
    _members(p, 3)
    with pytest.raises(PracticeError, match="clinical leads"):
        practice_ratings(p.app, lead=p.ann)
    set_lead(p.owner, email="ann@practice.example", lead=True)
    assert len(practice_ratings(p.app, lead=p.ann)) == 3


def test_opting_in_is_ones_own_choice(practice: Practice) -> None:
    p = practice
    set_opt_in(p.app, owner=p.ann, opted_in=True)
    set_opt_in(p.app, owner=p.ann, opted_in=True)  # twice changes nothing
    with owner_connection(p.app, owner=p.bob) as connection:
        assert connection.execute(text("SELECT count(*) FROM practice_opt_in")).scalar_one() == 0
        connection.execute(text("DELETE FROM practice_opt_in"))
        with pytest.raises(DBAPIError, match="row-level security"):
            connection.execute(
                text("INSERT INTO practice_opt_in (owner_id, since) VALUES (:ann, now())"),
                {"ann": p.ann},
            )
    assert opted_in_since(p.app, owner=p.ann) is not None


def test_every_change_of_who_takes_part_is_timed_and_nothing_else(practice: Practice) -> None:
    p = practice
    assert members_changed(p.app) is None
    before = datetime.now(UTC)
    set_opt_in(p.app, owner=p.ann, opted_in=True)
    joined = members_changed(p.app)
    assert joined is not None and before - timedelta(seconds=5) <= joined <= datetime.now(UTC)
    set_opt_in(p.app, owner=p.ann, opted_in=True)  # already in: no change
    set_opt_in(p.app, owner=p.bob, opted_in=False)  # never in: no change
    assert members_changed(p.app) == joined
    set_opt_in(p.app, owner=p.ann, opted_in=False)
    left = members_changed(p.app)
    assert left is not None and left > joined
    set_opt_in(p.app, owner=p.sue, opted_in=True)
    delete_all_data(p.app, owner=p.sue)  # delete-all takes the opt-in: a change too
    changed = members_changed(p.app)
    assert changed is not None and changed > left
    # The dashboard's role cannot set the time itself (it may only read the practice's settings).
    with owner_connection(p.app, owner=p.bob) as connection, pytest.raises(DBAPIError):
        connection.execute(
            text("UPDATE practice_config SET value = '2000-01-01' WHERE key = 'members_changed'")
        )


def test_delete_all_takes_what_was_shared_with_it(practice: Practice) -> None:
    p = practice
    grant = _share(p)
    share_packet(p.app, owner=p.ann, supervisor=p.sue, fmt="html", title="t", content=b"x")
    set_opt_in(p.app, owner=p.ann, opted_in=True)
    set_opt_in(p.app, owner=p.sue, opted_in=True)
    shared_ratings(p.app, supervisor=p.sue, owner=p.ann)
    assert access_log(p.app, owner=p.ann)

    delete_all_data(p.app, owner=p.ann)

    assert grants_given(p.app, owner=p.ann) == [] and packets_shared(p.app, owner=p.ann) == []
    assert access_log(p.app, owner=p.ann) == [] and opted_in_since(p.app, owner=p.ann) is None
    assert supervisees(p.app, supervisor=p.sue) == []
    assert revoke_supervisor(p.app, owner=p.ann, grant=grant) is False
    assert opted_in_since(p.app, owner=p.sue) is not None  # Sue's own choice stays


@pytest.mark.parametrize(
    "fake",
    [
        # A grant from Ann to Bob, made up in Bob's own temporary table of the same name.
        "CREATE TEMP TABLE supervision_grant AS SELECT * FROM supervision_grant WITH NO DATA; "
        "INSERT INTO supervision_grant VALUES (99, :ann, :bob, true, true, now(), NULL); "
        "GRANT SELECT ON supervision_grant TO PUBLIC",
        # Or Bob a lead and the group full, as far as temporary tables say.
        "CREATE TEMP TABLE practice_role (account_id integer, role text); "
        "INSERT INTO practice_role VALUES (:bob, 'lead'); "
        "GRANT SELECT ON practice_role TO PUBLIC; "
        "CREATE TEMP TABLE practice_opt_in (owner_id integer, since timestamp); "
        "INSERT INTO practice_opt_in VALUES (:ann, now()), (-1, now()), (-2, now()); "
        "GRANT SELECT ON practice_opt_in TO PUBLIC",
    ],
    ids=["grant", "lead"],
)
def test_a_temporary_table_cannot_stand_in_for_the_real_one(practice: Practice, fake: str) -> None:
    # PostgreSQL searches the session's temporary schema first unless search_path puts pg_temp
    # last, and anyone may create temporary tables: a function running with the owner's rights
    # must not read them (PostgreSQL documentation, "Writing SECURITY DEFINER Functions Safely").
    p = practice
    set_opt_in(p.app, owner=p.ann, opted_in=True)
    set_min_group(p.owner, size=3)
    with owner_connection(p.app, owner=p.bob) as connection:
        for statement in fake.split("; "):
            connection.execute(text(statement), {"ann": p.ann, "bob": p.bob})
        ratings = connection.execute(
            text("SELECT count(*) FROM tightrope_shared_ratings(:ann)"), {"ann": p.ann}
        ).scalar_one()
        assert ratings == 0
        try:
            members = connection.execute(
                text("SELECT count(*) FROM tightrope_practice_ratings()")
            ).scalar_one()
        except DBAPIError as error:
            assert "clinical leads" in str(error.orig)
        else:
            assert members == 0
