"""The `tightrope` command: start the dashboard, the demo, and work with the data from a shell."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from dashboard.cli.args import Command, add_command, iso_day
from dashboard.cli.run import add_address_options, add_serve_options, cmd_demo, cmd_run


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tightrope",
        description="Tightrope: a private burnout early-warning dashboard for therapists.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = add_command(commands, "run", cmd_run, "start the dashboard on your database")
    add_serve_options(run)
    add_address_options(run)

    demo = add_command(
        commands, "demo", cmd_demo, "start the dashboard on a separate demo database"
    )
    add_serve_options(demo)
    demo.add_argument("--database", help="demo database file (default: demo.sqlite3 beside yours)")
    demo.add_argument("--today", type=iso_day, help="end the demo history on this day (YYYY-MM-DD)")
    demo.add_argument("--fresh", action="store_true", help="delete and re-seed the demo database")
    demo.add_argument("--seed-only", action="store_true", help="seed the database, do not serve")

    from dashboard.cli.data import add_data_commands
    from dashboard.cli.practice import add_practice_command
    from dashboard.cli.report import add_report_command
    from dashboard.cli.status import add_status_command

    add_data_commands(commands)
    add_report_command(commands)
    add_status_command(commands)
    add_practice_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tightrope` console script."""
    try:
        try:
            args = build_parser().parse_args(argv)
        finally:
            sys.stdout.flush()  # --help prints, then exits from inside argparse
        handler: Command = args.handler
        code = _unless_damaged(handler, args)
        sys.stdout.flush()  # here, where a closed pipe can still be handled
    except BrokenPipeError:
        # The reader went away (`tightrope status | head`). As the Python docs advise (signal
        # module, "Note on SIGPIPE"): send the rest of the output to devnull, so the flush at
        # exit cannot fail again, and exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code


def _unless_damaged(handler: Command, args: argparse.Namespace) -> int:
    # A journal file SQLite cannot read ends any command with a plain message and the way to
    # restore, never a traceback: found when the command opens the database, or later.
    from sqlalchemy.exc import DBAPIError, OperationalError

    from dashboard.cli.database import damaged_message, fail
    from data.damage import DamagedDatabaseError, is_damage
    from data.db import trouble_in_words
    from data.environment import load_environment

    try:
        return handler(args)
    except DamagedDatabaseError as damage:
        return fail(damaged_message(damage.path))
    except DBAPIError as error:
        if is_damage(error):
            return fail(damaged_message(load_environment().database_path))
        if isinstance(error, OperationalError):  # locked, full, read-only, a server gone
            logging.getLogger(__name__).warning("command failed: %s", type(error.orig).__name__)
            return fail(f"The command did not finish: {trouble_in_words(error)}.")
        raise
    except BrokenPipeError:
        raise  # main's: the reader went away
    except OSError as error:  # a file or folder named on the command line
        where = f" {error.filename}" if error.filename else ""
        reason = (error.strerror or type(error).__name__).lower()
        return fail(f"Cannot use{where}: {reason}.")
