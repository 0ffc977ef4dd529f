"""The `tightrope` command: start the dashboard, the demo, and work with the data from a shell."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from dashboard.cli.run import add_serve_options, cmd_demo, cmd_run

Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tightrope",
        description="Tightrope: a private burnout early-warning dashboard for therapists.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the dashboard on your database")
    add_serve_options(run)
    run.set_defaults(handler=cmd_run)

    demo = commands.add_parser("demo", help="start the dashboard on a separate demo database")
    add_serve_options(demo)
    demo.add_argument("--database", help="demo database file (default: demo.sqlite3 beside yours)")
    demo.add_argument("--today", help="end the demo history on this day (YYYY-MM-DD)")
    demo.add_argument("--fresh", action="store_true", help="delete and re-seed the demo database")
    demo.add_argument("--seed-only", action="store_true", help="seed the database, do not serve")
    demo.set_defaults(handler=cmd_demo)

    from dashboard.cli.data import add_data_commands

    add_data_commands(commands)

    from dashboard.cli.report import add_report_command

    add_report_command(commands)

    from dashboard.cli.status import add_status_command

    add_status_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tightrope` console script."""
    try:
        try:
            args = build_parser().parse_args(argv)
        finally:
            sys.stdout.flush()  # --help prints, then exits from inside argparse
        handler: Command = args.handler
        code = handler(args)
        sys.stdout.flush()  # here, where a closed pipe can still be handled
    except BrokenPipeError:
        # The reader went away (`tightrope status | head`). As the Python docs advise (signal
        # module, "Note on SIGPIPE"): send the rest of the output to devnull, so the flush at
        # exit cannot fail again, and exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code
