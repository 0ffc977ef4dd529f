"""Check-ins as their own CSV file, beside the entries' file: export, and import all-or-nothing.

Format (UTF-8, a header line, one row per answer; see the README, "Your data"):

    taken_on,instrument,item,answer

- `taken_on`: the check-in's local day, `YYYY-MM-DD`.
- `instrument`: `cbi` or `proqol`.
- `item`: the question's id, e.g. `cbi_work_7` or `proqol_12` (core.checkin.instruments).
- `answer`: the answer as printed, e.g. `Often` or `To a high degree` (case does not matter).

A check-in is the set of rows with the same day and instrument; every question must be answered
once. The same rules as the entries' import: every row is checked first and any problem means
nothing is saved; a check-in of the same day and instrument already stored is skipped, so
importing a file twice adds nothing. Scores are not in the file: they follow from the answers.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import Engine

from core.checkin.instruments import INSTRUMENTS
from data.checkins import StoredCheckin, insert_checkins
from data.csv_io import CsvFileError, ImportResult, Problem, decode_csv

log = logging.getLogger(__name__)

CHECKIN_COLUMNS: Final = ("taken_on", "instrument", "item", "answer")


def export_checkins_csv(checkins: Sequence[StoredCheckin]) -> bytes:
    """Every answer of every check-in as UTF-8 CSV bytes, by day, instrument and question."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHECKIN_COLUMNS)
    for stored in sorted(checkins, key=lambda c: (c.record.day, c.record.instrument)):
        instrument = INSTRUMENTS[stored.record.instrument]
        for item in instrument.items:
            label = instrument.format_of(item).labels[stored.answers[item.id]]
            writer.writerow([stored.record.day.isoformat(), instrument.key, item.id, label])
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class ParsedCheckins:
    """The check-ins read from a file, (day, instrument) -> answers, or the problems found."""

    checkins: dict[tuple[date, str], dict[str, int]]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """True when every row is valid and every check-in complete."""
        return not self.problems


def _header(names: Sequence[str]) -> list[str]:
    header = [name.strip().lower() for name in names]
    if sorted(header) != sorted(CHECKIN_COLUMNS):
        raise CsvFileError(
            "This does not look like a Tightrope check-in CSV file: the first line must name "
            f"the columns {', '.join(CHECKIN_COLUMNS)}."
        )
    return header


def _day(text: str, today: date) -> date:
    value = text.strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"“{value[:40]}” is not a day such as 2026-01-06") from None
    if day > today:
        raise ValueError(f"the day {day.isoformat()} is in the future")
    return day


def parse_checkins_csv(raw: bytes, *, today: date) -> ParsedCheckins:
    """Read check-in CSV bytes into complete, valid check-ins plus every problem, by row.

    Raises CsvFileError when the file as a whole is unusable. Row numbers count the header as
    row 1, as a spreadsheet does.
    """
    text = decode_csv(raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(next(reader))
    except StopIteration:
        raise CsvFileError("The file has no header line.") from None
    except csv.Error as error:
        raise CsvFileError(f"The file is not valid CSV: {error}.") from None
    problems: list[Problem] = []
    found: dict[tuple[date, str], dict[str, int]] = {}
    first_row: dict[tuple[date, str], int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(number, "", f"has {len(cells)} cells, the header {len(header)}")
                )
                continue
            row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            try:
                day = _day(row["taken_on"], today)
            except ValueError as error:
                problems.append(Problem(number, "taken_on", str(error)))
                continue
            instrument = INSTRUMENTS.get(row["instrument"].lower())
            if instrument is None:
                known = ", ".join(INSTRUMENTS)
                problems.append(
                    Problem(number, "instrument", f"“{row['instrument'][:20]}” is not {known}")
                )
                continue
            ids = {item.id: item for item in instrument.items}
            item = ids.get(row["item"].lower())
            if item is None:
                problems.append(
                    Problem(
                        number,
                        "item",
                        f"“{row['item'][:30]}” is not a question of the {instrument.short_name}",
                    )
                )
                continue
            labels = [label.lower() for label in instrument.format_of(item).labels]
            if row["answer"].lower() not in labels:
                options = ", ".join(instrument.format_of(item).labels)
                problems.append(
                    Problem(
                        number,
                        "answer",
                        f"question {item.number} of the {instrument.short_name} is answered "
                        f"with one of: {options} (it is “{row['answer'][:30]}”)",
                    )
                )
                continue
            key = (day, instrument.key)
            answers = found.setdefault(key, {})
            first_row.setdefault(key, number)
            if item.id in answers:
                problems.append(
                    Problem(
                        number,
                        "item",
                        f"question {item.number} of the {instrument.short_name} of "
                        f"{day.isoformat()} is answered twice",
                    )
                )
                continue
            answers[item.id] = labels.index(row["answer"].lower())
    except csv.Error as error:
        raise CsvFileError(f"The file is not valid CSV: {error}.") from None
    # Completeness only once every row reads: a refused row would also count as a missing answer.
    for key, answers in () if problems else found.items():
        day, key_instrument = key
        instrument = INSTRUMENTS[key_instrument]
        missing = [i.number for i in instrument.items if i.id not in answers]
        if missing:
            shown = ", ".join(str(n) for n in missing)
            problems.append(
                Problem(
                    first_row[key],
                    "item",
                    f"the {instrument.short_name} check-in of {day.isoformat()} has no answer to "
                    f"question{'s' if len(missing) != 1 else ''} {shown}",
                )
            )
    problems.sort(key=lambda p: p.row)
    return ParsedCheckins({} if problems else found, problems)


def import_checkins_csv(engine: Engine, raw: bytes, *, owner: int, today: date) -> ImportResult:
    """Validate check-in CSV bytes and store every check-in for `owner` at once, or none.

    Raises CsvFileError for an unusable file; row problems come back in the result.
    """
    parsed = parse_checkins_csv(raw, today=today)
    if not parsed.ok:
        log.info("check-in import refused: %d problems, nothing stored", len(parsed.problems))
        return ImportResult(0, 0, parsed.problems)
    added = insert_checkins(engine, owner=owner, checkins=parsed.checkins)
    log.info("imported %d check-ins", added)
    return ImportResult(added, len(parsed.checkins) - added)
