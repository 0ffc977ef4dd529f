"""Practice mode under AppTest: sign-in first, a refusal for whom the practice has not permitted,
the usual pages with a sign-out button for everyone else; personal mode asks nobody to sign in.

st.user is AppTest's `user` dict, as Streamlit fills it from the identity token's claims.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

import dashboard.account
from dashboard.account import ACCOUNT_STATE, Identity, SignedIn
from dashboard.views.refused import REFUSAL
from data.accounts import account_for
from data.db import make_engine
from data.practice import permit_domain, withdraw_permit
from data.repository import add_session
from tests.databases import Databases
from tests.factories import COOKIE_SECRET, OWNER, auth_section, make_entry
from tests.paths import APP

ISSUER = "https://id.practice.example"
ALICE = {
    "is_logged_in": True,
    "iss": ISSUER,
    "sub": "alice-1",
    "name": "Alice",
    "email": "alice@practice.example",
    "email_verified": True,
}


pytestmark = pytest.mark.usefixtures("empty_caches")


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Identity]:
    """Every identity the practice was asked about; Alice is permitted (her own account), nobody
    else is."""
    seen: list[Identity] = []

    def permitted(engine: Engine, identity: Identity, email: str) -> int | None:
        seen.append(identity)
        if identity.subject != ALICE["sub"]:
            return None
        return account_for(engine, issuer=ISSUER, subject=identity.subject, display_name="Alice")

    monkeypatch.setattr(dashboard.account, "permitted_account", permitted)
    return seen


def practice_app(user: dict[str, Any] | None = None) -> AppTest:
    """The app with an [auth] section, as `user` (None: nobody signed in), after its first run."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = auth_section()
    at.user = {"is_logged_in": False} if user is None else dict(user)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Every text the run showed, main area and sidebar."""
    shown = [str(e.value) for e in [*at.main, *at.sidebar] if hasattr(e, "value")]
    return " ".join(shown)


def test_personal_mode_asks_nobody_to_sign_in(db_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert [b.label for b in at.sidebar.button] == []
    assert "Sign in" not in [b.label for b in at.button]


def test_practice_mode_on_sqlite_refuses_to_serve(db_url: str) -> None:
    at = practice_app(ALICE)
    (error,) = at.error
    assert "PostgreSQL" in error.value
    assert not at.button and not at.sidebar.button
    assert COOKIE_SECRET not in texts(at)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_nobody_signed_in_sees_only_the_sign_in_button(db_url: str, asked: list[Identity]) -> None:
    at = practice_app()
    assert [b.label for b in at.button] == ["Sign in"]
    assert [t.value for t in at.title] == ["Tightrope"]
    assert not at.text_input and not at.slider  # not the Log form
    assert asked == []
    # Every page's address serves the sign-in page too.
    at.switch_page("views/signin.py")
    at.run()
    assert [b.label for b in at.button] == ["Sign in"]


@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.parametrize(
    ("user", "is_asked"),
    [
        ({**ALICE, "sub": "mallory", "email": "mallory@elsewhere.example"}, True),
        # The practice permits addresses: one the provider has not verified is never put to it.
        ({**ALICE, "email_verified": False}, False),
        ({**ALICE, "email_verified": "false"}, False),
        ({key: value for key, value in ALICE.items() if key != "email"}, False),
    ],
    ids=["not-permitted", "unverified", "unverified-text", "no-email"],
)
def test_a_person_the_practice_has_not_permitted_is_refused(
    db_url: str, asked: list[Identity], user: dict[str, Any], is_asked: bool
) -> None:
    at = practice_app(user)
    assert len(asked) == int(is_asked)
    assert [m.value for m in at.markdown if REFUSAL in m.value]
    assert [b.label for b in at.button] == ["Sign out"]
    assert at.session_state[ACCOUNT_STATE].account is None
    at.button(key="sign_out_refused").click().run()
    assert at.user["is_logged_in"] is False  # st.logout cleared the identity
    at.run()  # the browser's next session after the provider sent it back
    assert [b.label for b in at.button] == ["Sign in"]
    assert ACCOUNT_STATE not in at.session_state


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_permitted_person_sees_their_own_journal_and_can_sign_out(
    db_url: str, engine: Engine, asked: list[Identity]
) -> None:
    add_session(engine, owner=OWNER, entry=make_entry(client_code="C-LOCAL"))
    at = practice_app(ALICE)
    signed_in = at.session_state[ACCOUNT_STATE]
    assert signed_in.account is not None and signed_in.account != OWNER
    add_session(engine, owner=signed_in.account, entry=make_entry(client_code="C-ALICE"))
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Entries"] == "1"  # hers, not the local one
    # Her entries are on the practice's server, not "on this computer"; its address and role
    # are the administrator's business.
    assert "kept in your practice's database" in texts(at)
    assert "on this computer" not in texts(at)
    assert not [code for code in at.code if "postgresql" in code.value]
    (caption,) = at.sidebar.caption
    assert caption.value.replace("\\", "") == "Signed in as alice@practice.example"
    at.sidebar.button(key="sign_out").click().run()
    assert at.user["is_logged_in"] is False
    at.run()
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(asked) == 1  # resolved once for the whole session


@pytest.mark.parametrize("backend", ["postgresql"])
def test_signing_out_in_one_tab_signs_the_person_s_other_tabs_out(
    db_url: str, asked: list[Identity]
) -> None:
    first, second = practice_app(ALICE), practice_app(ALICE)  # two tabs, one person
    # Someone else (refused here: only Alice is permitted) in another browser.
    bob = practice_app({**ALICE, "sub": "bob-1", "name": "Bob", "email": "bob@practice.example"})
    assert first.session_state[ACCOUNT_STATE].account is not None
    assert second.session_state[ACCOUNT_STATE].account is not None
    first.sidebar.button(key="sign_out").click().run()
    assert first.user["is_logged_in"] is False
    # The other tab's st.user still names Alice (Streamlit keeps it until a reload), but its
    # next run shows the sign-in page, says why, and serves nothing of her journal.
    second.switch_page("views/data.py")
    second.run()
    assert not second.exception, second.exception
    assert [b.label for b in second.button] == ["Sign in"]
    assert not second.metric and not second.sidebar.button
    assert "signed out in another tab" in " ".join(i.value for i in second.info)
    assert ACCOUNT_STATE not in second.session_state
    second.run()  # and stays so
    assert [b.label for b in second.button] == ["Sign in"]
    # Someone else's session is untouched: resolved once, still his.
    bob.run()
    assert bob.session_state[ACCOUNT_STATE].subject == "bob-1"
    assert [b.label for b in bob.button] == ["Sign out"]
    assert [i.subject for i in asked].count("bob-1") == 1
    # Signing in again (a new session after the provider) works as before.
    again = practice_app(ALICE)
    assert again.session_state[ACCOUNT_STATE].account is not None
    assert [b.label for b in again.sidebar.button] == ["Sign out"]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_session_whose_person_changed_is_resolved_afresh(
    db_url: str, engine: Engine, asked: list[Identity]
) -> None:
    at = practice_app(ALICE)
    assert at.session_state[ACCOUNT_STATE].account is not None
    # The same session, another identity (a stale state must not keep Alice's account).
    at.user = {**ALICE, "sub": "mallory", "email": "mallory@elsewhere.example"}
    at.run()
    assert at.session_state[ACCOUNT_STATE] == SignedIn(
        issuer=ISSUER, subject="mallory", account=None
    )
    assert [b.label for b in at.button] == ["Sign out"]
    assert [i.subject for i in asked] == [ALICE["sub"], "mallory"]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_practice_s_own_permits_decide(db_url: str, databases: Databases) -> None:
    owner = make_engine(databases.owner_url(db_url))  # the administrator's role
    permit_domain(owner, domain="practice.example")
    owner.dispose()
    at = practice_app(ALICE)  # no stand-in: data.practice.sign_in on the server
    assert at.session_state[ACCOUNT_STATE].account is not None
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    outsider = practice_app({**ALICE, "sub": "eve", "email": "eve@elsewhere.example"})
    assert outsider.session_state[ACCOUNT_STATE].account is None
    assert [m.value for m in outsider.markdown if REFUSAL in m.value]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_withdrawn_permit_ends_an_open_session_at_the_next_check(
    db_url: str, databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_engine(databases.owner_url(db_url))  # the administrator's role
    permit_domain(owner, domain="practice.example")
    at = practice_app(ALICE)
    assert at.session_state[ACCOUNT_STATE].account is not None
    withdraw_permit(owner, value="practice.example")
    owner.dispose()
    at.run()  # within RECHECK_SECONDS the session's sign-in stands
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    monkeypatch.setattr(dashboard.account, "RECHECK_SECONDS", 0.0)
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception, at.exception
    assert [m.value for m in at.markdown if REFUSAL in m.value]
    assert not at.metric  # nothing of her journal
    assert at.session_state[ACCOUNT_STATE].account is None


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_half_configured_sign_in_serves_nobody(db_url: str, asked: list[Identity]) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = auth_section(client_secret=None, cookie_secret="tiny-secret-7")
    at.user = dict(ALICE)
    at.run()
    (error,) = at.error
    assert "`client_secret` is missing" in error.value and "shorter than 32" in error.value
    assert "tiny-secret-7" not in error.value  # the secret itself is never shown
    assert not at.button and not at.sidebar.button and asked == []


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_server_whose_role_owns_the_tables_serves_nobody(
    db_url: str, databases: Databases, monkeypatch: pytest.MonkeyPatch, asked: list[Identity]
) -> None:
    # Row-level security does not bind a table's owner: connected as the owner, every account
    # would read every other's rows. The server says why and signs nobody in.
    monkeypatch.setenv("TIGHTROPE_DATABASE_URL", databases.owner_url(db_url))
    at = practice_app(ALICE)
    (error,) = at.error
    assert "row-level security does not bind a table's owner" in error.value
    assert "signs nobody in" in error.value
    assert not at.button and not at.sidebar.button and asked == []
