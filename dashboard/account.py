"""Whose journal this run shows: the one place the dashboard learns the account.

Personal mode has one account, the local one (migration 0004 creates it and gives it every
existing row), and nobody signs in. Sign-in with the practice's identity provider will resolve
the signed-in person's account here, so pages, caches and commands never decide it themselves.
"""

from __future__ import annotations

from data.models import LOCAL_ACCOUNT_ID


def current_account() -> int:
    """The account (owner id) whose rows this run reads and writes."""
    return LOCAL_ACCOUNT_ID
