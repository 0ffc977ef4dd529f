"""Factories for test data: seeded synthetic histories and single valid entries."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy.exc import OperationalError

from core.synthetic import History, make_sessions
from data.models import LOCAL_ACCOUNT_ID, SessionCreate

if TYPE_CHECKING:
    from sqlalchemy import Engine

OWNER = LOCAL_ACCOUNT_ID
"""Whose rows the tests write and read: the local account, as in personal mode."""


def make_entry(**overrides: Any) -> SessionCreate:
    """A valid session entry an hour ago; any field can be overridden."""
    fields: dict[str, Any] = {
        "started_at": datetime.now(UTC) - timedelta(hours=1),
        "client_code": "C-07",
        "dread": 4,
        "detachment": 3,
        "fatigue": 5,
    }
    fields.update(overrides)
    return SessionCreate.model_validate(fields)


def sessions_frame(**history: Any) -> pd.DataFrame:
    """A synthetic session frame; keyword arguments are History fields (start, days, seed, ...)."""
    history.setdefault("start", datetime(2025, 1, 6).date())
    history.setdefault("days", 182)
    return make_sessions(History(**history))


def rated_sessions(
    rows: list[tuple[str, int, int, int]], tz: str = "Europe/Berlin", *, client: str = "C-01"
) -> pd.DataFrame:
    """A session frame from (local 'YYYY-MM-DD HH:MM', dread, detachment, fatigue) rows.

    Rows on the same local minute get distinct clients so they stay distinct sessions.
    """
    from core.schema import as_sessions, empty_sessions

    if not rows:
        return empty_sessions()
    starts = [pd.Timestamp(when).tz_localize(tz) for when, *_ in rows]
    frame = pd.DataFrame(
        {
            "started_at": starts,
            "client_code": [f"{client}-{i}" for i in range(len(rows))],
            "dread": [r[1] for r in rows],
            "detachment": [r[2] for r in rows],
            "fatigue": [r[3] for r in rows],
        }
    )
    return as_sessions(frame)


class _ClassText(HTMLParser):
    """Text content of every element carrying a given class (void elements such as <br> skipped)."""

    VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr"})

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.open: list[int | None] = []  # per open element: its index in found, if it matched
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            if tag == "br":
                self.handle_data(" ")  # a line break reads as a space
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.css_class in classes:
            self.found.append("")
            self.open.append(len(self.found) - 1)
        else:
            self.open.append(None)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for index in {i for i in self.open if i is not None}:
            self.found[index] += data


def texts_by_class(html: str, css_class: str) -> list[str]:
    """The text of each element of `html` with `css_class`, whitespace collapsed, in order."""
    parser = _ClassText(css_class)
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.found]


def checkin_answers(instrument: str = "cbi", option: int = 2, **overrides: int) -> dict[str, int]:
    """Answers to every item of a check-in instrument, all the same option unless overridden."""
    from core.checkin.instruments import INSTRUMENTS

    answers = {item.id: option for item in INSTRUMENTS[instrument].items}
    answers.update(overrides)
    return answers


COOKIE_SECRET = "c00kie-secret-for-tests-" + "x" * 24
"""A cookie secret long enough for dashboard.signin (the tests look for it in every output)."""
CLIENT_SECRET = "client-secret-for-tests-9b1f"


def auth_section(**overrides: str | None) -> dict[str, str]:
    """A complete `[auth]` section for one identity provider; a None override leaves a key out."""
    section: dict[str, str | None] = {
        "redirect_uri": "https://tightrope.practice.example/oauth2callback",
        "cookie_secret": COOKIE_SECRET,
        "client_id": "tightrope",
        "client_secret": CLIENT_SECRET,
        "server_metadata_url": "https://id.practice.example/.well-known/openid-configuration",
    }
    section.update(overrides)
    return {key: value for key, value in section.items() if value is not None}


def write_secrets(path: Path, section: dict[str, str] | None) -> Path:
    """A secrets.toml at `path` with `section` as its `[auth]` (None: a file without one)."""
    lines = ['[other]\nname = "not sign-in"\n']
    if section is not None:
        # JSON strings are TOML basic strings for everything these tests write.
        lines.append("[auth]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in section.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


PRACTICE_ISSUER = "https://id.practice.example"
"""The identity provider of the practice in the PostgreSQL tests (it permits practice.example)."""


def practice_person(engine: Engine, name: str) -> int:
    """`name`'s account at their first sign-in as name@practice.example (the domain permitted)."""
    from data.practice import sign_in

    found = sign_in(
        engine,
        issuer=PRACTICE_ISSUER,
        subject=name,
        display_name=name.capitalize(),
        email=f"{name}@practice.example",
    )
    assert found is not None
    return found


def refusing(message: str) -> Callable[..., Any]:
    """A stand-in for a database call that the database refuses with `message` (as SQLite words
    it: "database is locked", "database or disk is full")."""

    def refuse(*_args: object, **_kwargs: object) -> Any:
        raise OperationalError("…", {}, sqlite3.OperationalError(message))

    return refuse
