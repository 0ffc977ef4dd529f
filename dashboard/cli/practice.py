"""`tightrope practice …`: the server administrator's commands for a practice on PostgreSQL.

Who may sign in (a domain, an invited address), who is a clinical lead, how many opted-in
therapists the practice view needs. They change what the dashboard's role may not, so they run
as the role that owns the tables (TIGHTROPE_MIGRATION_DATABASE_URL). An e-mail address is
printed only back to the administrator who typed it, never listed and never logged.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from dashboard.cli.args import add_command
from dashboard.cli.database import fail, open_database

NEEDS_OWNER = (
    "The database refused: changing who may sign in needs the role that owns the tables. Set "
    "TIGHTROPE_MIGRATION_DATABASE_URL to it (README, Running Tightrope for a practice). "
    "Nothing was changed."
)

OTHER_DATABASE = (
    "TIGHTROPE_MIGRATION_DATABASE_URL names another database than TIGHTROPE_DATABASE_URL: "
    "point both at the practice's database. Nothing was changed."
)


def _same_database(first: str, second: str) -> bool:
    from sqlalchemy.engine import make_url

    a, b = make_url(first), make_url(second)
    return (a.host, a.port, a.database) == (b.host, b.port, b.database)


def _as_administrator(args: argparse.Namespace, act: Callable[[Engine], str]) -> int:
    """Run `act` with the owner's engine and print what it returns; refuse on SQLite."""
    from sqlalchemy.exc import DBAPIError

    from data.db import make_engine
    from data.environment import load_environment
    from data.practice import NEEDS_POSTGRESQL, PracticeError

    environment = load_environment()
    if not environment.database_url.startswith("postgresql"):
        return fail(NEEDS_POSTGRESQL)
    owner_url = environment.migration_url or environment.database_url
    if not _same_database(owner_url, environment.database_url):
        return fail(OTHER_DATABASE)
    with open_database():  # brings the schema up to date and gives the dashboard its rights
        pass
    owner = make_engine(owner_url)
    try:
        print(act(owner))
    except PracticeError as error:
        return fail(f"{error} Nothing was changed.")
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        return fail(NEEDS_OWNER)
    finally:
        owner.dispose()
    return 0


def cmd_allow_domain(args: argparse.Namespace) -> int:
    """Let everyone with an address at a domain sign in."""
    from data.practice import permit_domain

    def act(engine: Engine) -> str:
        domain = permit_domain(engine, domain=args.domain)
        return f"Everyone with an address at {domain} may now sign in."

    return _as_administrator(args, act)


def cmd_invite(args: argparse.Namespace) -> int:
    """Let one address sign in, whatever its domain."""
    from data.practice import permit_email

    def act(engine: Engine) -> str:
        address = permit_email(engine, email=args.email)
        return f"Invited {address}: they can sign in now with that address."

    return _as_administrator(args, act)


def cmd_withdraw(args: argparse.Namespace) -> int:
    """Remove a domain's or an address's permit."""
    from data.practice import withdraw_permit

    def act(engine: Engine) -> str:
        if withdraw_permit(engine, value=args.value):
            return (
                f"Withdrawn: {args.value.strip()} can no longer be used to sign in. "
                "Accounts and their journals stay."
            )
        return f"There was no permit for {args.value.strip()}; nothing changed."

    return _as_administrator(args, act)


def cmd_lead(args: argparse.Namespace) -> int:
    """Make an account a clinical lead, or no longer one (--remove)."""
    from data.practice import normal_email, set_lead

    def act(engine: Engine) -> str:
        set_lead(engine, email=args.email, lead=not args.remove)
        address = normal_email(args.email)
        if args.remove:
            return f"{address} is no longer a clinical lead."
        return f"{address} is now a clinical lead: they see the practice view at their next visit."

    return _as_administrator(args, act)


def cmd_min_group(args: argparse.Namespace) -> int:
    """Set how many opted-in therapists the practice view needs before it shows counts."""
    from data.practice import set_min_group

    def act(engine: Engine) -> str:
        set_min_group(engine, size=args.size)
        return f"The practice view now needs at least {args.size} therapists who opted in."

    return _as_administrator(args, act)


def cmd_list(args: argparse.Namespace) -> int:
    """Print the allowed domains, how many invitations and leads there are, the minimum group."""
    from data.practice import lead_count, min_group, permits

    def act(engine: Engine) -> str:
        found = permits(engine)
        domains = [p.value for p in found if p.kind == "domain"]
        invitations = sum(1 for p in found if p.kind == "email")
        return "\n".join(
            [
                "Domains whose people may sign in: " + (", ".join(domains) or "none"),
                f"Invited addresses: {invitations} (not listed; withdraw one by typing it)",
                f"Clinical leads: {lead_count(engine)}",
                f"The practice view needs at least {min_group(engine)} therapists who opted in.",
            ]
        )

    return _as_administrator(args, act)


def _size(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def add_practice_command(commands: Any) -> None:
    """Add `practice` and its actions: allow-domain, invite, withdraw, lead, min-group, list."""
    summary = "run a practice on PostgreSQL: who may sign in, who is a clinical lead"
    # No handler of its own: argparse requires an ACTION, and each sets its handler.
    practice = commands.add_parser(
        "practice", help=summary, description=f"{summary[0].upper()}{summary[1:]}."
    )
    actions = practice.add_subparsers(dest="practice_command", required=True, metavar="ACTION")
    allow = add_command(
        actions, "allow-domain", cmd_allow_domain, "let everyone at an e-mail domain sign in"
    )
    allow.add_argument("domain", metavar="DOMAIN", help="the domain, such as practice.example")
    invite = add_command(actions, "invite", cmd_invite, "let one e-mail address sign in")
    invite.add_argument("email", metavar="EMAIL", help="the address to invite")
    withdraw = add_command(
        actions, "withdraw", cmd_withdraw, "remove a domain's or an address's permit"
    )
    withdraw.add_argument("value", metavar="DOMAIN|EMAIL", help="the domain or the address")
    lead = add_command(
        actions, "lead", cmd_lead, "make an account a clinical lead (it sees the practice view)"
    )
    lead.add_argument("email", metavar="EMAIL", help="the address they signed in with")
    lead.add_argument("--remove", action="store_true", help="take the lead role away instead")
    group = add_command(
        actions,
        "min-group",
        cmd_min_group,
        "set how many opted-in therapists the practice view needs (default 5)",
    )
    group.add_argument("size", metavar="N", type=_size, help="at least 3")
    add_command(actions, "list", cmd_list, "show the allowed domains, invitations and leads")
