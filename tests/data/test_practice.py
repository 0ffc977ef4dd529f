"""A practice on PostgreSQL: who may sign in, who is a lead, the minimum group; the app role's
rights on them; and a plain refusal on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from data.db import make_engine
from data.models import LOCAL_ISSUER
from data.practice import (
    MIN_GROUP_DEFAULT,
    NEEDS_POSTGRESQL,
    NOT_SIGNED_IN_YET,
    PracticeError,
    is_lead,
    lead_count,
    min_group,
    permit_domain,
    permit_email,
    permits,
    set_lead,
    set_min_group,
    sign_in,
    withdraw_permit,
)
from tests.databases import Databases

ISSUER = "https://id.practice.example"


@pytest.fixture
def owner_engine(databases: Databases, db_url: str) -> Iterator[Engine]:
    """The administrator's engine: the role that owns the tables."""
    engine = make_engine(databases.owner_url(db_url))
    yield engine
    engine.dispose()


def _sign_in(engine: Engine, subject: str, email: str) -> int | None:
    return sign_in(engine, issuer=ISSUER, subject=subject, display_name=subject, email=email)


@pytest.mark.backends("postgresql")
def test_nobody_signs_in_until_the_practice_permits_them(
    engine: Engine, owner_engine: Engine
) -> None:
    assert _sign_in(engine, "ann", "ann@practice.example") is None
    assert permit_domain(owner_engine, domain=" @Practice.Example ") == "practice.example"
    ann = _sign_in(engine, "ann", "Ann@PRACTICE.example")
    assert ann is not None
    assert _sign_in(engine, "ann", "ann@practice.example") == ann  # the same account again
    assert _sign_in(engine, "bob", "bob@practice.example.evil") is None
    assert _sign_in(engine, "eve", "eve@elsewhere.example") is None
    assert _sign_in(engine, "eve", "no address") is None


@pytest.mark.backends("postgresql")
def test_an_invitation_admits_one_address_until_withdrawn(
    engine: Engine, owner_engine: Engine
) -> None:
    assert permit_email(owner_engine, email="Guest@Elsewhere.example") == "guest@elsewhere.example"
    assert _sign_in(engine, "guest", "guest@elsewhere.example") is not None
    assert _sign_in(engine, "other", "other@elsewhere.example") is None
    assert [(p.kind, p.value) for p in permits(owner_engine)] == [
        ("email", "guest@elsewhere.example")
    ]
    assert withdraw_permit(owner_engine, value="GUEST@elsewhere.example") is True
    assert withdraw_permit(owner_engine, value="guest@elsewhere.example") is False
    assert _sign_in(engine, "guest", "guest@elsewhere.example") is None


@pytest.mark.backends("postgresql")
def test_the_local_account_cannot_be_signed_into(engine: Engine, owner_engine: Engine) -> None:
    permit_domain(owner_engine, domain="practice.example")
    found = sign_in(
        engine, issuer=LOCAL_ISSUER, subject="local", display_name="x", email="x@practice.example"
    )
    assert found is None


@pytest.mark.backends("postgresql")
def test_the_app_role_cannot_read_or_change_the_practice(
    engine: Engine, owner_engine: Engine
) -> None:
    permit_domain(owner_engine, domain="practice.example")
    for statement in (
        "SELECT count(*) FROM practice_permit",
        "INSERT INTO practice_permit (kind, value, created_at) VALUES ('domain', 'x.example', "
        "now())",
        "INSERT INTO practice_role (account_id, role, granted_at) VALUES (1, 'lead', now())",
        "UPDATE practice_config SET value = '1'",
        "INSERT INTO practice_config (key, value) VALUES ('min_group', '1')",
    ):
        with pytest.raises(DBAPIError, match="permission denied"), engine.begin() as connection:
            connection.execute(text(statement))


@pytest.mark.backends("postgresql")
def test_a_lead_is_set_by_address_and_sees_only_their_own_role(
    engine: Engine, owner_engine: Engine
) -> None:
    permit_domain(owner_engine, domain="practice.example")
    ann = _sign_in(engine, "ann", "ann@practice.example")
    bob = _sign_in(engine, "bob", "bob@practice.example")
    assert ann is not None and bob is not None
    with pytest.raises(PracticeError, match=NOT_SIGNED_IN_YET):
        set_lead(owner_engine, email="cat@practice.example", lead=True)
    set_lead(owner_engine, email="ANN@practice.example", lead=True)
    set_lead(owner_engine, email="ann@practice.example", lead=True)  # twice changes nothing
    assert is_lead(engine, account=ann) and not is_lead(engine, account=bob)
    assert lead_count(owner_engine) == 1
    with engine.begin() as connection:  # without an account, no role is visible at all
        assert connection.execute(text("SELECT count(*) FROM practice_role")).scalar_one() == 0
    set_lead(owner_engine, email="ann@practice.example", lead=False)
    assert not is_lead(engine, account=ann)


@pytest.mark.backends("postgresql")
def test_the_minimum_group_defaults_to_five_and_keeps_a_floor(
    engine: Engine, owner_engine: Engine
) -> None:
    assert min_group(engine) == MIN_GROUP_DEFAULT == 5
    set_min_group(owner_engine, size=7)
    set_min_group(owner_engine, size=8)
    assert min_group(engine) == 8
    with pytest.raises(PracticeError, match="between 3"):
        set_min_group(owner_engine, size=2)
    assert min_group(engine) == 8


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("practice.example", True),
        ("a-b.co.uk", True),
        ("name@practice.example", False),
        ("practice", False),
        ("prac tice.example", False),
        ("-x.example", False),
    ],
)
@pytest.mark.backends("postgresql")
def test_a_domain_is_checked_before_it_is_stored(
    owner_engine: Engine, value: str, ok: bool
) -> None:
    if ok:
        permit_domain(owner_engine, domain=value)
    else:
        with pytest.raises(PracticeError, match="not an e-mail domain"):
            permit_domain(owner_engine, domain=value)


@pytest.mark.backends("sqlite")
def test_sqlite_is_refused_in_plain_words(engine: Engine) -> None:
    for call in (
        lambda: permit_domain(engine, domain="practice.example"),
        lambda: sign_in(engine, issuer=ISSUER, subject="a", display_name="a", email="a@b.example"),
        lambda: min_group(engine),
    ):
        with pytest.raises(PracticeError) as refused:
            call()
        assert str(refused.value) == NEEDS_POSTGRESQL
    assert is_lead(engine, account=1) is False


@pytest.mark.backends("postgresql")
def test_a_temporary_permit_table_lets_nobody_in(engine: Engine) -> None:
    # Signing in runs with the owner's rights: it must read the real permits, never a temporary
    # table of the same name made by the dashboard's role (search_path ends with pg_temp).
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TEMP TABLE practice_permit (kind text, value text, created_at timestamp)")
        )
        connection.execute(
            text("INSERT INTO practice_permit VALUES ('domain', 'evil.example', now())")
        )
        connection.execute(text("GRANT SELECT ON practice_permit TO PUBLIC"))
        found = connection.execute(
            text("SELECT tightrope_sign_in('https://id.example', 'e', 'E', 'e@evil.example')")
        ).scalar_one()
    assert found is None


@pytest.mark.backends("postgresql")
def test_a_long_or_empty_name_from_the_provider_still_signs_in(
    engine: Engine, owner_engine: Engine
) -> None:
    permit_domain(owner_engine, domain="practice.example")
    long = sign_in(
        engine, issuer=ISSUER, subject="l", display_name="Dr " * 100, email="l@practice.example"
    )
    empty = sign_in(
        engine, issuer=ISSUER, subject="e", display_name=" \n", email="e@practice.example"
    )
    assert long is not None and empty is not None and long != empty
