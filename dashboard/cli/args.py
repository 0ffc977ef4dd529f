"""What the `tightrope` subcommands share in their arguments: registration and date values."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

Command = Callable[[argparse.Namespace], int]


def add_command(
    commands: Any, name: str, handler: Command, summary: str, description: str | None = None
) -> argparse.ArgumentParser:
    """Register subcommand `name` with its one-line summary (its help), description and handler."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description or f"{summary[0].upper()}{summary[1:]}."
    )
    parser.set_defaults(handler=handler)
    return parser


FIRST_YEAR, LAST_YEAR = 1900, 2999


def iso_day(text: str) -> date:
    """A YYYY-MM-DD command-line value as a date, with a plain message when it is not one."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None
    # The analyses reach a year and more either side of a day: the calendar's ends would overflow.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def count(text: str) -> int:
    """A whole number of at least 0, with a plain message when it is not one."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is below 0")
    return value
