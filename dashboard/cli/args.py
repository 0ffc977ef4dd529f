"""Argument types shared by the `tightrope` subcommands."""

from __future__ import annotations

import argparse
from datetime import date


def iso_day(text: str) -> date:
    """A YYYY-MM-DD command-line value as a date, with a plain message when it is not one."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None
