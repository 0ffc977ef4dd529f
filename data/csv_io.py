"""The one CSV interchange format: export every entry, import a file all-or-nothing.

Format (UTF-8, a header line, one row per session; see the README, "Your data"):

    started_at,client_code,dread,detachment,fatigue,scenarios,note,
    reflection_reaction,reflection_held_back,reflection_themes,grounding_done

- `started_at`: ISO-8601 with a UTC offset, e.g. `2026-01-06T09:00:00+01:00` (`Z` is accepted).
- `dread`, `detachment`, `fatigue`: whole numbers 0–10.
- `scenarios`: tag names separated by `;` (empty for none).
- `grounding_done`: `true` or `false` (`yes`/`no`, `1`/`0` and empty are accepted on import).
- Only the first five columns are required; the others may be left out of the header.

Spreadsheet formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return, possibly after some `'`, gets one extra `'` in front on export. Import removes
one leading `'` exactly when the `'`s are followed by one of those characters, so every value
comes back as it was, and `'hello` stays `'hello`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import Engine

from core.schema import RATING_MAX, RATING_MIN, SIGNS, as_sessions, empty_sessions
from data.models import SessionCreate
from data.repository import FUTURE_TOLERANCE, insert_frame
from data.validation import explain

log = logging.getLogger(__name__)

REQUIRED_COLUMNS: Final = ("started_at", "client_code", *SIGNS)
CSV_COLUMNS: Final = (
    *REQUIRED_COLUMNS,
    "scenarios",
    "note",
    "reflection_reaction",
    "reflection_held_back",
    "reflection_themes",
    "grounding_done",
)
TEXT_COLUMNS: Final = (
    "client_code",
    "scenarios",
    "note",
    "reflection_reaction",
    "reflection_held_back",
    "reflection_themes",
)
SCENARIO_SEPARATOR: Final = ";"
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")

_NEEDS_GUARD = re.compile(r"^'*[=+\-@\t\r]")
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


class CsvFileError(ValueError):
    """The file as a whole cannot be read as a Tightrope CSV; the message says why."""


@dataclass(frozen=True)
class Problem:
    """One reason a row cannot be imported; `row` counts as a spreadsheet does (header = 1)."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class ParsedCsv:
    """The validated entries of a file and every problem found; import only when `ok`."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row is valid and the file may be stored."""
        return not self.problems


def guard_formula(value: str) -> str:
    """Prefix one `'` to a cell a spreadsheet would run as a formula (see unguard_formula)."""
    return "'" + value if _NEEDS_GUARD.match(value) else value


def unguard_formula(value: str) -> str:
    """Undo guard_formula: drop one leading `'` when the `'`s precede a formula character."""
    return value[1:] if _GUARDED.match(value) else value


def _iso(value: pd.Timestamp, zone: ZoneInfo | None) -> str:
    moment = value.to_pydatetime()
    return (moment.astimezone(zone) if zone is not None else moment).isoformat()


def export_csv(frame: pd.DataFrame, zone: ZoneInfo | None = None) -> bytes:
    """Every entry of a session frame as UTF-8 CSV bytes, times in `zone` (UTC when None)."""
    sessions = as_sessions(frame) if len(frame) else empty_sessions()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in sessions.to_dict("records"):
        values: dict[str, str] = {
            "started_at": _iso(row["started_at"], zone),
            "client_code": str(row["client_code"]),
            "scenarios": SCENARIO_SEPARATOR.join(row["scenarios"]),
            "note": str(row["note"]),
            "reflection_reaction": str(row["reflection_reaction"]),
            "reflection_held_back": str(row["reflection_held_back"]),
            "reflection_themes": str(row["reflection_themes"]),
            "grounding_done": "true" if row["grounding_done"] else "false",
            **{sign: str(int(row[sign])) for sign in SIGNS},
        }
        for column in TEXT_COLUMNS:
            values[column] = guard_formula(values[column])
        writer.writerow([values[c] for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


def decode_csv(raw: bytes) -> str:
    """The text of an uploaded CSV file (UTF-8, with or without BOM); CsvFileError if unusable."""
    if not raw.strip():
        raise CsvFileError("The file is empty. Choose a CSV file exported from Tightrope.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            "The file is not UTF-8 text, so it is not a CSV file Tightrope can read. "
            "In a spreadsheet, save it as “CSV UTF-8”."
        ) from None
    if "\x00" in text:
        raise CsvFileError("The file contains binary data; it is not a CSV file.")
    return text


def _header(names: Sequence[str]) -> list[str]:
    header = [name.strip().lower() for name in names]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing and len(header) == 1 and ";" in header[0]:
        # Spreadsheets in many European locales save "CSV" with semicolons between columns.
        raise CsvFileError(
            "This file separates its columns with semicolons; Tightrope needs commas. "
            "In your spreadsheet, save it as “CSV UTF-8 (comma delimited)”."
        )
    if missing:
        raise CsvFileError(
            "This does not look like a Tightrope CSV file: the first line must name the columns "
            f"{', '.join(REQUIRED_COLUMNS)} (missing: {', '.join(missing)})."
        )
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise CsvFileError(
            f"The file has columns Tightrope does not know: {', '.join(unknown)}. "
            f"Known columns: {', '.join(CSV_COLUMNS)}."
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise CsvFileError(f"The header names a column twice: {', '.join(repeated)}.")
    return header


def _time(text: str) -> datetime:
    value = text.strip()
    if not value:
        raise ValueError("the start time is missing")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"“{value[:40]}” is not an ISO-8601 time such as 2026-01-06T09:00:00+01:00"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            "the start time has no UTC offset; write it like 2026-01-06T09:00:00+01:00"
        )
    try:
        # Year 1 or 9999 with an offset cannot be shown in UTC; say so instead of crashing.
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"the start time {value[:40]} is out of range") from None


def _rating(text: str, sign: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"[+-]?\d{1,3}", value):
        shown = f"“{value[:20]}”" if value else "empty"
        raise ValueError(f"{sign} must be a whole number from 0 to 10 (it is {shown})")
    number = int(value)
    if not RATING_MIN <= number <= RATING_MAX:
        raise ValueError(f"{sign} must be a whole number from 0 to 10 (it is {number})")
    return number


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"grounding_done must be true or false (it is “{value[:20]}”)")


def _row(
    cells: dict[str, str], now: datetime
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Validate one record; returns the clean fields or the (column, reason) problems."""
    reasons: list[tuple[str, str]] = []
    fields: dict[str, Any] = {}
    for column, value in cells.items():
        try:
            if column == "started_at":
                fields[column] = _time(value)
            elif column in SIGNS:
                fields[column] = _rating(value, column)
            elif column == "grounding_done":
                fields[column] = _flag(value)
            else:
                fields[column] = unguard_formula(value)
        except ValueError as error:
            reasons.append((column, str(error)))
    if reasons:
        return None, reasons
    try:
        entry = SessionCreate.model_validate(fields)
    except ValidationError as error:
        return None, [(problem.field, problem.reason) for problem in explain(error)]
    if entry.started_at - now > FUTURE_TOLERANCE:
        return None, [("started_at", "the start time is in the future")]
    return entry.model_dump(), []


def parse_csv(raw: bytes, *, now: datetime | None = None) -> ParsedCsv:
    """Read CSV bytes into a validated session frame plus every problem, by row number.

    Raises CsvFileError when the file as a whole is unusable (empty, not UTF-8, not CSV, wrong
    header). Bad rows never raise: they come back as problems, and the frame is then empty.
    """
    now = now or datetime.now(UTC)
    text = decode_csv(raw)
    # newline="" semantics: the csv module handles CRLF and newlines inside quotes itself.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    seen: dict[tuple[datetime, str], int] = {}
    try:
        first = next(reader, None)
        if first is None:
            raise CsvFileError("The file is empty. Choose a CSV file exported from Tightrope.")
        header = _header(first)
        row_number = 1
        for cells in reader:
            row_number += 1
            if not cells or all(not c.strip() for c in cells):
                continue  # a blank line, often at the end of a hand-edited file
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        row_number,
                        "",
                        f"the row has {len(cells)} values but the header has {len(header)} columns",
                    )
                )
                continue
            fields, reasons = _row(dict(zip(header, cells, strict=True)), now)
            problems.extend(Problem(row_number, column, reason) for column, reason in reasons)
            if fields is None:
                continue
            key = (fields["started_at"], fields["client_code"])
            if key in seen:
                problems.append(
                    Problem(
                        row_number,
                        "started_at",
                        f"the same client code and start time as row {seen[key]}",
                    )
                )
                continue
            seen[key] = row_number
            records.append(fields)
    except csv.Error as error:
        raise CsvFileError(
            f"The file could not be read as CSV (near line {reader.line_num}: {error})."
        ) from None
    if not records and not problems:
        raise CsvFileError("The file has a header but no entries.")
    if problems:
        return ParsedCsv(empty_sessions(), problems)
    return ParsedCsv(as_sessions(pd.DataFrame.from_records(records)), [])


@dataclass(frozen=True)
class ImportResult:
    """What an import did: entries added, entries already stored, or the problems found."""

    added: int
    already_present: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was imported (possibly adding nothing new)."""
        return not self.problems


def import_csv(
    engine: Engine, raw: bytes, *, owner: int, now: datetime | None = None
) -> ImportResult:
    """Validate CSV bytes and store every row for `owner` in one transaction, or store nothing.

    Raises CsvFileError for an unusable file; row problems come back in the result and then
    nothing is stored. Rows already in the database (same start time and client code) are skipped,
    so importing a file twice adds nothing the second time.
    """
    parsed = parse_csv(raw, now=now)
    if not parsed.ok:
        # Counts only: row contents (notes, client codes) never reach the log.
        log.info("import refused: %d problems, nothing stored", len(parsed.problems))
        return ImportResult(0, 0, parsed.problems)
    added = insert_frame(engine, owner=owner, frame=parsed.frame)
    log.info("imported %d entries, %d already present", added, len(parsed.frame) - added)
    return ImportResult(added, len(parsed.frame) - added)


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """Problems as a small table for the page: row, column, reason."""
    return pd.DataFrame(
        {
            "row": pd.Series([p.row for p in problems], dtype="int64"),
            "column": pd.Series([p.column for p in problems], dtype="str"),
            "reason": pd.Series([p.reason for p in problems], dtype="str"),
        }
    )


def describe_problems(problems: Sequence[Problem], limit: int = 20) -> str:
    """Problems as plain lines, e.g. 'row 7: dread must be a whole number from 0 to 10'."""
    lines = [f"row {p.row}: {p.reason}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more")
    return "\n".join(lines)
