"""`tightrope report`: write the de-identified supervision packet as HTML or PDF from a shell."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from dashboard.account import current_account
from dashboard.cli.args import add_command, iso_day
from dashboard.cli.database import open_database, overwrite_refusal
from data.environment import local_timezone
from data.private import write_private


def add_report_command(subparsers: Any) -> None:
    """Register `tightrope report` on the `tightrope` command's subparsers."""
    report = add_command(
        subparsers,
        "report",
        cmd_report,
        "write a de-identified supervision packet (HTML or PDF)",
        "Write the supervision packet for a period. By default it names no client (they appear "
        "as Client A, B, …) and holds no private note or reflection.",
    )
    report.add_argument(
        "--from",
        dest="start",
        type=iso_day,
        metavar="YYYY-MM-DD",
        help="first day (default: the day after your last packet, else 4 weeks ago)",
    )
    report.add_argument(
        "--to", dest="end", type=iso_day, metavar="YYYY-MM-DD", help="last day (default: today)"
    )
    report.add_argument(
        "--format",
        choices=("html", "pdf"),
        help="html or pdf (default: from the --out file's suffix, else html)",
    )
    report.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    report.add_argument(
        "--force", action="store_true", help="replace --out if it exists (never the journal)"
    )
    report.add_argument(
        "--include-notes", action="store_true", help="include your private notes and reflections"
    )
    report.add_argument(
        "--show-client-codes", action="store_true", help="show client codes instead of aliases"
    )
    report.add_argument(
        "--include-checkin-answers",
        action="store_true",
        help="include your answer to each check-in question (the scores are always in)",
    )


def cmd_report(args: argparse.Namespace) -> int:
    """Write the packet for the chosen period; exit non-zero when nothing is written."""
    from dashboard.packet.context import PacketOptions, load_packet
    from dashboard.packet.pdf import ChromiumNotFoundError, PdfError, html_to_pdf
    from dashboard.packet.render import render_packet
    from data.packets import default_period, last_packet, record_packet
    from data.repository import count_sessions

    tz = local_timezone()
    today = datetime.now(tz).date()
    out = Path(args.out)
    fmt = args.format or ("pdf" if out.suffix.lower() == ".pdf" else "html")
    if (refusal := overwrite_refusal(out, force=args.force)) is not None:
        print(refusal, file=sys.stderr)
        return 1
    with open_database() as engine:
        default_start, _ = default_period(
            last_packet(engine, owner=current_account()), args.end or today
        )
        start, end = args.start or default_start, args.end or today
        if end < start:
            print(f"The period ends ({end}) before it starts ({start}).", file=sys.stderr)
            return 2
        if not count_sessions(engine, owner=current_account()):
            print("No sessions logged yet, so there is no packet to write.", file=sys.stderr)
            return 1
        options = PacketOptions(
            start,
            end,
            args.include_notes,
            args.show_client_codes,
            args.include_checkin_answers,
        )
        context = load_packet(engine, options, owner=current_account(), today=today, tz=tz)
        if context.empty:
            print(
                f"No sessions were logged from {start} to {end}; nothing was written. "
                "Choose a period with entries.",
                file=sys.stderr,
            )
            return 1
        html = render_packet(context)
        if fmt == "pdf":
            try:
                data = html_to_pdf(html)
            except ChromiumNotFoundError as error:
                fallback = out.with_suffix(".html")
                if (refusal := overwrite_refusal(fallback, force=args.force)) is not None:
                    print(f"{error}\n{refusal}", file=sys.stderr)
                    return 1
                write_private(fallback, html.encode("utf-8"))
                print(f"{error}\nWrote the HTML packet instead: {fallback}", file=sys.stderr)
                record_packet(engine, owner=current_account(), start=start, end=end, fmt="html")
                return 1
            except PdfError as error:
                print(str(error), file=sys.stderr)
                return 1
        else:
            data = html.encode("utf-8")
        write_private(out, data)
        record_packet(engine, owner=current_account(), start=start, end=end, fmt=fmt)
    notes = "with your notes" if args.include_notes else "no notes"
    codes = "client codes shown" if args.show_client_codes else "clients as aliases"
    print(
        f"Wrote {out} ({fmt.upper()}, {len(data) // 1024} KB; {start} to {end}; {notes}, {codes})"
    )
    return 0
