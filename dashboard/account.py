"""Whose journal this run shows: the one place the dashboard learns the account.

Personal mode (no `[auth]` section in Streamlit's secrets) has one account, the local one
(migration 0004 creates it and gives it every existing row), and nobody signs in. Practice mode
(an `[auth]` section: dashboard.signin) resolves the signed-in person's account here, once per
browser session and again every RECHECK_SECONDS, through data.practice.sign_in: the practice
permits their e-mail address or its domain, or nobody's rows are served. Pages, caches and
commands never decide the account themselves; outside a Streamlit run (the `tightrope`
commands) it is the local account.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Final

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.signin import AUTH_SECTION
from data.models import LOCAL_ACCOUNT_ID

# The session's resolved sign-in. Session state belongs to one browser tab's session, and the
# entry also names the identity it was resolved for, so a session whose signed-in person changed
# is resolved afresh instead of keeping the account of the one before.
ACCOUNT_STATE = "tightrope_signed_in"
# How long a session's sign-in stands before the practice is asked again, so a permit withdrawn
# by the administrator (`tightrope practice withdraw`) ends open sessions within this time.
RECHECK_SECONDS: Final = 300.0
# The identity (issuer, subject) of a session that a sign-out in another of the person's tabs
# ended: it stays signed out (and the sign-in page says why) while st.user still names it.
SIGNED_OUT_STATE = "tightrope_signed_out_elsewhere"


class NotSignedIn(RuntimeError):
    """A page asked for the account of a practice session nobody (permitted) signed in to."""


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says signed in (the claims st.user holds)."""

    issuer: str
    subject: str
    display_name: str
    email: str | None
    email_verified: bool | None  # None: the provider did not say

    @property
    def verified_email(self) -> str | None:
        """The e-mail address, unless there is none or the provider says it is not verified."""
        return None if self.email_verified is False else self.email


@dataclass(frozen=True)
class SignedIn:
    """A session's sign-in: whose identity, the practice's account for it (None: refused), when
    the session signed in and when the practice was last asked (this process's monotonic clock)."""

    issuer: str
    subject: str
    account: int | None
    at: float = field(default_factory=time.monotonic, compare=False)
    checked: float = field(default_factory=time.monotonic, compare=False)

    def is_for(self, identity: Identity) -> bool:
        """Whether this was resolved for `identity`."""
        return (self.issuer, self.subject) == (identity.issuer, identity.subject)


class SignOuts:
    """When each identity last signed out on this server.

    st.logout ends only the session of the tab it is clicked in (it clears the identity cookie
    and starts that tab afresh); Streamlit leaves the person's other open tabs signed in until
    they reload. So every sign-out is written down here, per identity (issuer and subject, never
    an address), and a session resolved before its identity's last sign-out counts as signed out
    at its next run. One entry per person who ever signed out, in this process: a practice runs
    one server process (README, "Running Tightrope for a practice").
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: dict[tuple[str, str], float] = {}

    def record(self, issuer: str, subject: str) -> None:
        """`issuer`/`subject` signed out now."""
        with self._lock:
            self._at[(issuer, subject)] = time.monotonic()

    def ended(self, signed_in: SignedIn) -> bool:
        """Whether its identity signed out (anywhere) after `signed_in` was resolved."""
        with self._lock:
            last = self._at.get((signed_in.issuer, signed_in.subject))
        return last is not None and last >= signed_in.at


SIGN_OUTS = SignOuts()


def sign_out() -> None:
    """End this person's sign-in in every tab of theirs, then this session's (st.logout)."""
    known = st.session_state.get(ACCOUNT_STATE)
    if isinstance(known, SignedIn):
        SIGN_OUTS.record(known.issuer, known.subject)
    st.logout()


def practice_mode() -> bool:
    """Whether this server signs people in (an `[auth]` section in Streamlit's secrets)."""
    try:
        return AUTH_SECTION in st.secrets
    except FileNotFoundError:  # no secrets file at all: personal mode
        return False


def _claim_is_true(value: Any) -> bool | None:
    """An OIDC boolean claim (some providers send "true" as a string); None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def signed_in_identity() -> Identity | None:
    """The identity of this browser session's signed-in person (st.user), or None."""
    user = st.user
    if not user.is_logged_in:
        return None
    issuer, subject = user.get("iss"), user.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not subject:
        return None  # an identity token always names both: without them nobody is identified
    email = user.get("email")
    email = email.strip() if isinstance(email, str) and email.strip() else None
    name = user.get("name")
    return Identity(
        issuer=issuer,
        subject=subject,
        display_name=name if isinstance(name, str) and name.strip() else (email or subject),
        email=email,
        email_verified=_claim_is_true(user.get("email_verified")),
    )


def permitted_account(engine: Engine, identity: Identity, email: str) -> int | None:
    """The practice's account for `identity` signed in with the verified `email`, created at the
    first sign-in, or None: the practice has not permitted it (data.practice)."""
    from data.practice import sign_in

    return sign_in(
        engine,
        issuer=identity.issuer,
        subject=identity.subject,
        display_name=identity.display_name,
        email=email,
    )


def resolve_sign_in(engine: Engine) -> SignedIn | None:
    """This session's sign-in in practice mode, resolved once per identity; None: signed out."""
    identity = signed_in_identity()
    if identity is None:
        st.session_state.pop(ACCOUNT_STATE, None)
        return None
    known = st.session_state.get(ACCOUNT_STATE)
    since = time.monotonic()
    if isinstance(known, SignedIn) and known.is_for(identity):
        if SIGN_OUTS.ended(known):
            # Signed out in another tab: this tab's st.user is stale until it reloads.
            st.session_state.pop(ACCOUNT_STATE, None)
            st.session_state[SIGNED_OUT_STATE] = (identity.issuer, identity.subject)
            return None
        if since - known.checked < RECHECK_SECONDS:
            return known
        since = known.at  # asked again below; the session signed in when it did
    elif st.session_state.get(SIGNED_OUT_STATE) == (identity.issuer, identity.subject):
        return None  # still the stale identity of a tab signed out elsewhere
    # The practice permits e-mail addresses (an invitation, or an allowed domain): an address
    # the provider says it has not verified, or none at all, is refused without asking.
    email = identity.verified_email
    signed_in = SignedIn(
        issuer=identity.issuer,
        subject=identity.subject,
        account=None if email is None else permitted_account(engine, identity, email),
        at=since,
    )
    st.session_state[ACCOUNT_STATE] = signed_in
    return signed_in


def current_account() -> int:
    """The account (owner id) whose rows this run reads and writes.

    In practice mode only a permitted sign-in of this very session has one: anything else raises
    NotSignedIn rather than fall back to the local account.
    """
    if get_script_run_ctx(suppress_warning=True) is None or not practice_mode():
        return LOCAL_ACCOUNT_ID
    known = st.session_state.get(ACCOUNT_STATE)
    identity = signed_in_identity()
    if (
        not isinstance(known, SignedIn)
        or identity is None
        or not known.is_for(identity)
        or known.account is None
        or SIGN_OUTS.ended(known)
    ):
        raise NotSignedIn("no permitted sign-in in this session")
    return known.account
