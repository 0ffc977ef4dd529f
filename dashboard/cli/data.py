"""The data commands of `tightrope`: import, export, backup, restore and delete-all."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from dashboard.account import current_account
from dashboard.cli.args import add_command, count
from dashboard.cli.database import fail, open_database, overwrite_refusal, where
from data.environment import local_timezone
from data.maintenance import CONFIRM_PHRASE, confirmation_matches
from data.private import write_private


def _import_file(args: argparse.Namespace, noun: str, store: Callable[[Engine, bytes], Any]) -> int:
    """Read `args.file` and `store` it all-or-nothing; exit 1 listing rows and reasons if not."""
    from data.csv_io import CsvFileError, describe_problems

    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return fail(f"Cannot read {path}: {error.strerror}.")
    with open_database() as engine:
        try:
            result = store(engine, raw)
        except CsvFileError as error:
            return fail(f"{error} Nothing was imported.")
    if not result.ok:
        rows = len({p.row for p in result.problems})
        return fail(
            f"Nothing was imported: {rows} row(s) have problems. Fix them and import again.\n"
            + describe_problems(result.problems, limit=args.show)
        )
    print(
        f"Imported {path.name}: {result.added} {noun} added, "
        f"{result.already_present} already present. Data: {where()}"
    )
    return 0


def _export_file(
    args: argparse.Namespace, noun: str, build: Callable[[Engine], tuple[int, bytes]]
) -> int:
    """Write what `build` returns to `args.file`, readable by its owner only."""
    path = Path(args.file)
    if (refusal := overwrite_refusal(path, force=args.force)) is not None:
        return fail(refusal)
    with open_database() as engine:
        count, content = build(engine)
    write_private(path, content)  # every entry: owner only
    print(f"Exported {count} {noun} to {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a CSV file all-or-nothing; exit 1 listing row numbers and reasons on any problem."""
    from data.csv_io import import_csv

    return _import_file(
        args, "entries", lambda engine, raw: import_csv(engine, raw, owner=current_account())
    )


def cmd_export(args: argparse.Namespace) -> int:
    """Write every entry to a CSV file (the interchange format)."""
    from data.csv_io import export_csv
    from data.repository import load_sessions

    def build(engine: Engine) -> tuple[int, bytes]:
        frame = load_sessions(engine, owner=current_account())
        return len(frame), export_csv(frame, local_timezone())

    return _export_file(args, "entries", build)


def cmd_export_checkins(args: argparse.Namespace) -> int:
    """Write every check-in answer to a CSV file (the check-ins' own file)."""
    from data.checkin_csv import export_checkins_csv
    from data.checkins import stored_checkins

    def build(engine: Engine) -> tuple[int, bytes]:
        checkins = stored_checkins(engine, owner=current_account())
        return len(checkins), export_checkins_csv(checkins)

    return _export_file(args, "check-ins", build)


def cmd_import_checkins(args: argparse.Namespace) -> int:
    """Import a check-in CSV file all-or-nothing; exit 1 listing rows and reasons on a problem."""
    from data.checkin_csv import import_checkins_csv

    today = datetime.now(local_timezone()).date()
    return _import_file(
        args,
        "check-ins",
        lambda engine, raw: import_checkins_csv(engine, raw, owner=current_account(), today=today),
    )


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database into a new file with the SQLite backup API."""
    from data.backup import BackupError, backup_database

    with open_database() as engine:
        try:
            target = backup_database(engine, Path(args.file))
        except FileExistsError as error:
            return fail(f"{error}. No backup was made.")
        except BackupError as error:
            return fail(str(error))
    print(f"Backed up to {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the data with a backup; the current data is backed up first and the path printed."""
    from data.backup import DAMAGED_PREFIX, BackupError
    from data.restore import restore_database

    # Unchecked: the file being replaced may be damaged (restore_database moves it aside).
    with open_database(check=False) as engine:
        try:
            result = restore_database(engine, Path(args.file))
        except BackupError as error:
            return fail(str(error))
    if result.safety_backup is not None:
        damaged = result.safety_backup.name.startswith(DAMAGED_PREFIX)
        kept = "The damaged file is kept at" if damaged else "Your previous data is saved at"
        print(f"{kept} {result.safety_backup}")
    if result.migrated_from is not None:
        print(f"The backup was upgraded from schema {result.migrated_from}.")
    print(f"Restored {result.entries} entries from {args.file}. Data: {where()}")
    return 0


def cmd_delete_all(args: argparse.Namespace) -> int:
    """Delete every entry for good, after a typed confirmation (or --yes-delete-everything)."""
    from data.maintenance import delete_all_data

    if not args.yes_delete_everything:
        print(f"This deletes every entry, check-in, tag, setting and packet record in {where()}.")
        print(f'It cannot be undone. Type "{CONFIRM_PHRASE}" to go ahead: ', end="", flush=True)
        typed = sys.stdin.readline()
        if not confirmation_matches(typed):
            return fail("Nothing was deleted.")
    with open_database() as engine:
        result = delete_all_data(engine, owner=current_account(), remove_backups=args.backups_too)
    print(f"Deleted {result.entries} entries.")
    if result.backups_removed:
        print(f"Removed {len(result.backups_removed)} automatic backups.")
    if not result.wal_cleared:
        print("Close the dashboard and run this again to finish wiping the write-ahead log.")
    if result.note:
        print(result.note)
    return 0


def add_data_commands(commands: Any) -> None:
    """Add import, export (entries and check-ins), backup, restore and delete-all."""
    imp = add_command(
        commands, "import", cmd_import, "import entries from a CSV file (all or nothing)"
    )
    imp.add_argument("file", help="CSV file in the Tightrope format (see the README)")
    imp.add_argument("--show", type=count, default=20, help="problems to list (default 20)")

    exp = add_command(commands, "export", cmd_export, "write every entry to a CSV file")
    exp.add_argument("file", help="the CSV file to write")
    exp.add_argument("--force", action="store_true", help="replace the file if it exists")

    imp_checkins = add_command(
        commands,
        "import-checkins",
        cmd_import_checkins,
        "import check-ins from their CSV file (all or nothing)",
    )
    imp_checkins.add_argument("file", help="check-in CSV file in the Tightrope format")
    imp_checkins.add_argument(
        "--show", type=count, default=20, help="problems to list (default 20)"
    )

    exp_checkins = add_command(
        commands, "export-checkins", cmd_export_checkins, "write every check-in to a CSV file"
    )
    exp_checkins.add_argument("file", help="the CSV file to write")
    exp_checkins.add_argument("--force", action="store_true", help="replace the file if it exists")

    backup = add_command(commands, "backup", cmd_backup, "copy the database into a new file")
    backup.add_argument("file", help="the backup file to create (must not exist)")

    restore = add_command(
        commands,
        "restore",
        cmd_restore,
        "replace your data with a backup (your current data is backed up first)",
    )
    restore.add_argument("file", help="a backup made by `tightrope backup` or the Data page")

    wipe = add_command(commands, "delete-all", cmd_delete_all, "delete all your data for good")
    wipe.add_argument(
        "--yes-delete-everything", action="store_true", help="skip the typed confirmation"
    )
    wipe.add_argument(
        "--backups-too", action="store_true", help="also remove the automatic backups"
    )
