"""Sign-in settings: the [auth] section is read as Streamlit reads it and checked in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.signin import (
    MIN_COOKIE_SECRET_CHARS,
    SigninConfigError,
    auth_problems,
    check_auth_section,
    default_secrets_files,
    is_loopback,
    practice_database_problem,
    read_auth_section,
)
from tests.factories import CLIENT_SECRET, COOKIE_SECRET, auth_section, write_secrets


def test_a_complete_section_has_no_problem() -> None:
    assert auth_problems(auth_section()) == []
    check_auth_section(auth_section())


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"redirect_uri": None}, "`redirect_uri` is missing"),
        ({"cookie_secret": None}, "`cookie_secret` is missing"),
        ({"cookie_secret": "   "}, "`cookie_secret` is missing"),
        ({"client_id": None}, "`client_id` is missing"),
        ({"client_secret": None}, "`client_secret` is missing"),
        ({"server_metadata_url": None}, "`server_metadata_url` is missing"),
        ({"cookie_secret": "s" * (MIN_COOKIE_SECRET_CHARS - 1)}, "shorter than 32 characters"),
        ({"redirect_uri": "tightrope.example/oauth2callback"}, "not an absolute http(s)"),
        ({"redirect_uri": "https://tightrope.example/"}, "must end with /oauth2callback"),
        ({"server_metadata_url": "id.example/.well-known"}, "`server_metadata_url` is not"),
        ({"redirect_uri": "http://tightrope.example/oauth2callback"}, "must start with https://"),
        (
            {
                "server_metadata_url": "https://login.microsoftonline.com/common/v2.0/"
                ".well-known/openid-configuration"
            },
            "shared Entra ID tenant",
        ),
    ],
)
def test_each_problem_is_named(overrides: dict[str, str | None], problem: str) -> None:
    problems = auth_problems(auth_section(**overrides))
    assert any(problem in p for p in problems), problems


def test_an_organisation_s_own_entra_tenant_is_accepted() -> None:
    own = "https://login.microsoftonline.com/0d5f-tenant/v2.0/.well-known/openid-configuration"
    assert auth_problems(auth_section(server_metadata_url=own)) == []


def test_no_message_holds_a_secret() -> None:
    short = "short-secret-123"
    with pytest.raises(SigninConfigError) as raised:
        check_auth_section(auth_section(cookie_secret=short, client_id=None))
    message = str(raised.value)
    assert "`client_id` is missing" in message and "shorter than 32" in message
    assert short not in message and CLIENT_SECRET not in message


def test_later_files_win_and_a_file_without_auth_adds_nothing(tmp_path: Path) -> None:
    first = write_secrets(tmp_path / "home" / "secrets.toml", auth_section(client_id="first"))
    second = write_secrets(tmp_path / "project" / "secrets.toml", {"client_id": "second"})
    plain = write_secrets(tmp_path / "plain" / "secrets.toml", None)
    section = read_auth_section([first, second, plain, tmp_path / "missing.toml"])
    assert section is not None and section["client_id"] == "second"
    assert section["cookie_secret"] == COOKIE_SECRET  # kept from the first file
    assert read_auth_section([plain, tmp_path / "missing.toml"]) is None


def test_a_file_that_is_not_toml_is_named_without_its_content(tmp_path: Path) -> None:
    broken = tmp_path / "secrets.toml"
    broken.write_text(f'[auth]\ncookie_secret = "{COOKIE_SECRET}\n', encoding="utf-8")
    with pytest.raises(SigninConfigError) as raised:
        read_auth_section([broken])
    assert str(broken) in str(raised.value) and COOKIE_SECRET not in str(raised.value)


def test_the_default_files_are_streamlit_s(tmp_path: Path) -> None:
    files = default_secrets_files(cwd=tmp_path / "here", home=tmp_path / "home")
    assert files[:2] == [
        tmp_path / "home" / ".streamlit" / "secrets.toml",
        tmp_path / "here" / ".streamlit" / "secrets.toml",
    ]
    assert files[2].parent.parent.name == "dashboard"  # beside app.py, Streamlit's script level


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("tightrope.practice.example", False),
    ],
)
def test_loopback_addresses(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("sqlite:////srv/tightrope.sqlite3", True),
        ("postgresql+psycopg://tightrope_app@db.example/tightrope", False),
    ],
)
def test_practice_mode_needs_postgresql(url: str, refused: bool) -> None:
    problem = practice_database_problem(url)
    assert (problem is not None) is refused
    if problem is not None:
        assert "PostgreSQL" in problem


@pytest.mark.parametrize(
    "redirect",
    ["http://127.0.0.1:8501/oauth2callback", "http://localhost:8501/oauth2callback"],
)
def test_plain_http_is_allowed_on_this_machine_only(redirect: str) -> None:
    assert auth_problems(auth_section(redirect_uri=redirect)) == []
