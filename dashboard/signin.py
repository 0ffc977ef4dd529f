"""Sign-in settings: the `[auth]` section of Streamlit's secrets.toml, checked before serving.

Practice mode is on when the secrets hold an `[auth]` section (Streamlit's st.login reads the same
one); personal mode has none. `tightrope run` reads the files here, without Streamlit, so it can
refuse a half-configured section, a short cookie secret or a non-loopback address without
sign-in before the server starts. No message here ever holds a value from the section: the
cookie secret and the client secret must never reach a terminal or a log.
"""

from __future__ import annotations

import ipaddress
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

AUTH_SECTION: Final = "auth"
AUTH_KEYS: Final = (
    "redirect_uri",
    "cookie_secret",
    "client_id",
    "client_secret",
    "server_metadata_url",
)
"""The keys st.login needs in `[auth]` for the practice's one identity provider."""
MIN_COOKIE_SECRET_CHARS: Final = 32
"""A cookie secret signs every sign-in cookie; 32 random characters are out of guessing reach."""
LOOPBACK_NAMES: Final = frozenset({"localhost"})
ENTRA_HOST: Final = "login.microsoftonline.com"
SHARED_TENANTS: Final = frozenset({"common", "organizations", "consumers"})


class SigninConfigError(ValueError):
    """The sign-in settings cannot be used; the message says why, without any secret in it."""


def default_secrets_files(*, cwd: Path | None = None, home: Path | None = None) -> list[Path]:
    """Where Streamlit looks for secrets.toml by default, later files winning: the user's
    ~/.streamlit, the folder the server starts in, and the one beside dashboard/app.py."""
    app_folder = Path(__file__).resolve().parent
    files = [
        (home or Path.home()) / ".streamlit" / "secrets.toml",
        (cwd or Path.cwd()) / ".streamlit" / "secrets.toml",
        app_folder / ".streamlit" / "secrets.toml",
    ]
    return list(dict.fromkeys(files))  # the same folder twice counts once


def read_auth_section(files: Sequence[Path]) -> dict[str, Any] | None:
    """The merged `[auth]` section of `files` (later files win, as in Streamlit), or None."""
    section: dict[str, Any] | None = None
    for path in files:
        if not path.is_file():
            continue
        try:
            parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            # The parser's message may quote the line, and that line may hold the secret.
            raise SigninConfigError(
                f"{path} cannot be read as TOML ({type(error).__name__}); fix or remove it."
            ) from None
        found = parsed.get(AUTH_SECTION)
        if isinstance(found, Mapping):
            section = {**(section or {}), **found}
    return section


def readable_by_everyone(files: Sequence[Path]) -> list[Path]:
    """Those of `files` that every user of this machine may read (a secret there is no secret)."""
    return [path for path in files if path.is_file() and path.stat().st_mode & stat.S_IROTH]


def _shared_tenant(metadata_url: str) -> bool:
    """Whether `metadata_url` is Entra ID's discovery address for every tenant at once."""
    parts = urlsplit(metadata_url)
    first = parts.path.strip("/").split("/", 1)[0].lower()
    return (parts.hostname or "").lower() == ENTRA_HOST and first in SHARED_TENANTS


def auth_problems(section: Mapping[str, Any]) -> list[str]:
    """What keeps `section` from working for sign-in, in plain words (never a value of it)."""
    problems = [
        f"`{key}` is missing"
        for key in AUTH_KEYS
        if not isinstance(section.get(key), str) or not section[key].strip()
    ]
    secret = section.get("cookie_secret")
    if isinstance(secret, str) and secret.strip() and len(secret) < MIN_COOKIE_SECRET_CHARS:
        problems.append(
            f"`cookie_secret` is shorter than {MIN_COOKIE_SECRET_CHARS} characters "
            "(make one with: openssl rand -base64 48)"
        )
    for key in ("redirect_uri", "server_metadata_url"):
        value = section.get(key)
        if isinstance(value, str) and value and not value.startswith(("https://", "http://")):
            problems.append(f"`{key}` is not an absolute http(s) address")
    metadata = section.get("server_metadata_url")
    if isinstance(metadata, str) and _shared_tenant(metadata):
        # Entra ID sends no `email_verified`: with a shared tenant anyone with a Microsoft
        # account could sign in under an address of the practice's domain.
        problems.append(
            "`server_metadata_url` names a shared Entra ID tenant (common, organizations or "
            "consumers): use your own organisation's tenant"
        )
    redirect = section.get("redirect_uri")
    if isinstance(redirect, str) and redirect and not redirect.endswith("/oauth2callback"):
        problems.append("`redirect_uri` must end with /oauth2callback")
    if isinstance(redirect, str) and redirect.startswith("http://"):
        # Over plain HTTP anyone on the way reads the sign-in cookie and every page.
        host = urlsplit(redirect).hostname or ""
        if not is_loopback(host):
            problems.append(
                "`redirect_uri` must start with https:// (plain http only on this machine)"
            )
    return problems


def check_auth_section(section: Mapping[str, Any]) -> None:
    """Raise SigninConfigError naming every problem of a present `[auth]` section."""
    problems = auth_problems(section)
    if problems:
        raise SigninConfigError(
            "Sign-in is configured ([auth] in secrets.toml) but cannot be used: "
            + "; ".join(problems)
            + "."
        )


def is_loopback(address: str) -> bool:
    """Whether `address` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if address.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it may resolve to anything


def practice_database_problem(database_url: str) -> str | None:
    """Why practice mode cannot run on `database_url` (it needs PostgreSQL), or None."""
    if database_url.startswith("postgresql"):
        return None
    return (
        "Sign-in (practice mode) keeps every therapist's journal on a PostgreSQL server, and this "
        "server is set up with a SQLite file, which serves one person with no sign-in. Set "
        "TIGHTROPE_DATABASE_URL to the practice's PostgreSQL database (README, \"Running "
        'Tightrope for a practice"), or remove the [auth] section from secrets.toml.'
    )
