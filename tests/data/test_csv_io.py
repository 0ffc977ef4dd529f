"""The CSV interchange format: round trips, formula guards, all-or-nothing import, fuzzing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from data.csv_io import (
    CSV_COLUMNS,
    CsvFileError,
    export_csv,
    guard_formula,
    import_csv,
    parse_csv,
    unguard_formula,
)
from data.db import make_engine, owner_connection
from data.models import SessionCreate
from data.repository import count_sessions, insert_frame, load_sessions
from tests.databases import Databases
from tests.factories import OWNER, make_entry, sessions_frame

HEADER = "started_at,client_code,dread,detachment,fatigue,scenarios,note"
GOOD_ROW = "2026-01-06T09:00:00+01:00,C-07,4,3,5,boundary pushing;crisis situation,fine"


def csv_bytes(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    """A small CSV file from a header and row lines."""
    return newline.join([header, *rows, ""]).encode("utf-8")


def rows_of(engine: Engine) -> pd.DataFrame:
    """Every stored entry without the id, in a stable order, for comparing databases."""
    frame = load_sessions(engine, owner=OWNER).drop(columns=["id"])
    return frame.sort_values(["started_at", "client_code"]).reset_index(drop=True)


# -- formula guard -----------------------------------------------------------------------------

GUARD_TABLE = [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@cmd", "'@cmd"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("'=x", "''=x"),  # already looks guarded: one more quote, so import gives back '=x
    ("''-x", "'''-x"),
    ("'hello", "'hello"),  # a quote not before a formula character is left alone
    ("plain", "plain"),
    ("a=b", "a=b"),
    ("", ""),
]


@pytest.mark.parametrize(("value", "guarded"), GUARD_TABLE)
def test_guard_formula(value: str, guarded: str) -> None:
    assert guard_formula(value) == guarded
    assert unguard_formula(guarded) == value


@given(st.text())
def test_unguard_undoes_guard(value: str) -> None:
    guarded = guard_formula(value)
    assert guarded[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert unguard_formula(guarded) == value


def test_exported_cells_never_start_a_formula(engine: Engine) -> None:
    entry = make_entry(
        started_at=datetime(2026, 1, 6, 9, tzinfo=UTC),
        client_code="=HYPERLINK(1)",
        scenarios=["@home", "-x"],
        note="+44 call",
        reflection_themes="-minus",
    )
    insert_frame(engine, owner=OWNER, frame=pd.DataFrame([entry.model_dump()]).pipe(_sessions))
    raw = export_csv(load_sessions(engine, owner=OWNER))
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8"))))[1]
    assert all(not cell or cell[0] not in "=+-@\t\r" for cell in cells)
    assert parse_csv(raw).frame.iloc[0]["client_code"] == "=HYPERLINK(1)"


def _sessions(frame: pd.DataFrame) -> pd.DataFrame:
    from core.schema import as_sessions

    return as_sessions(frame)


# -- export ------------------------------------------------------------------------------------


def test_export_writes_every_entry_with_offset_times(engine: Engine) -> None:
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=60))
    stored = load_sessions(engine, owner=OWNER)
    raw = export_csv(stored, ZoneInfo("Europe/Berlin"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert len(rows) == len(stored) > 0
    assert tuple(rows[0]) == CSV_COLUMNS
    first = datetime.fromisoformat(rows[0]["started_at"])
    assert first.utcoffset() == timedelta(hours=1)  # January in Berlin
    assert first == stored.iloc[0]["started_at"].to_pydatetime()


def test_export_of_nothing_is_just_the_header() -> None:
    assert export_csv(pd.DataFrame()).decode("utf-8").strip() == ",".join(CSV_COLUMNS)


def test_export_then_import_into_an_empty_database(engine: Engine, databases: Databases) -> None:
    insert_frame(engine, owner=OWNER, frame=sessions_frame(days=120, seed=3))
    other = make_engine(databases.url("other", migrated=True))
    result = import_csv(
        other,
        export_csv(load_sessions(engine, owner=OWNER), ZoneInfo("America/New_York")),
        owner=OWNER,
    )
    assert result.ok and result.added == count_sessions(engine, owner=OWNER)
    pd.testing.assert_frame_equal(rows_of(other), rows_of(engine))
    other.dispose()


# -- import: encodings, line ends, quoting -----------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        csv_bytes(GOOD_ROW),
        b"\xef\xbb\xbf" + csv_bytes(GOOD_ROW),  # UTF-8 with BOM, as Excel writes it
        csv_bytes(GOOD_ROW, newline="\r\n"),
        csv_bytes(GOOD_ROW.replace("+01:00", "+01:00").replace(",fine", ',"fine,\r\nreally"')),
        csv_bytes(GOOD_ROW, "", ""),  # trailing blank lines
        csv_bytes(GOOD_ROW.replace("C-07", " C-07 "), header=HEADER.upper()),
    ],
    ids=["plain", "bom", "crlf", "quoted-newline", "blank-lines", "loose-header"],
)
def test_import_reads_common_variants(engine: Engine, raw: bytes) -> None:
    result = import_csv(engine, raw, owner=OWNER)
    assert result.ok, result.problems
    stored = load_sessions(engine, owner=OWNER).iloc[0]
    assert stored["client_code"] == "C-07"
    assert stored["started_at"].to_pydatetime() == datetime(2026, 1, 6, 8, tzinfo=UTC)
    assert stored["scenarios"] == ["boundary pushing", "crisis situation"]
    assert stored["note"].startswith("fine")


def test_quoted_newline_kept_in_the_note(engine: Engine) -> None:
    raw = csv_bytes(GOOD_ROW.replace(",fine", ',"line one\r\nline ""two"", three"'))
    assert import_csv(engine, raw, owner=OWNER).ok
    assert load_sessions(engine, owner=OWNER).iloc[0]["note"] == 'line one\nline "two", three'


def test_optional_columns_in_any_order(engine: Engine) -> None:
    header = "grounding_done,fatigue,dread,detachment,client_code,started_at,reflection_themes"
    raw = csv_bytes("yes,5,4,3,C-07,2026-01-06T08:00:00Z,work again", header=header)
    assert import_csv(engine, raw, owner=OWNER).ok
    row = load_sessions(engine, owner=OWNER).iloc[0]
    assert bool(row["grounding_done"]) is True
    assert row["reflection_themes"] == "work again"
    assert row["scenarios"] == []


# -- import: whole-file errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "empty"),
        (b"  \r\n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b'{"entries": []}', "does not look like a Tightrope CSV"),
        (b"name,age\nAnna,3\n", "does not look like a Tightrope CSV"),
        (HEADER.encode() + b"\n", "no entries"),
        ((HEADER + ",mood\n").encode(), "does not know: mood"),
        ((HEADER + ",note\n").encode(), "names a column twice"),
        (b"a,b\x00c\n", "binary"),
        (HEADER.replace(",", ";").encode() + b"\n", "semicolons"),
    ],
    ids=[
        "empty",
        "blank",
        "png",
        "json",
        "other-csv",
        "header-only",
        "unknown",
        "twice",
        "nul",
        "semicolons",
    ],
)
def test_unusable_files_get_a_clear_error(engine: Engine, raw: bytes, words: str) -> None:
    with pytest.raises(CsvFileError, match=words):
        import_csv(engine, raw, owner=OWNER)
    assert count_sessions(engine, owner=OWNER) == 0


# -- import: row problems, all or nothing ------------------------------------------------------

ROW_PROBLEMS = [
    (GOOD_ROW.replace("+01:00", ""), "started_at", "no UTC offset"),
    (GOOD_ROW.replace("2026-01-06T09:00:00+01:00", "06/01/2026"), "started_at", "ISO-8601"),
    (GOOD_ROW.replace("2026-01-06T09:00:00+01:00", ""), "started_at", "missing"),
    (GOOD_ROW.replace("2026-01-06", "2099-01-06"), "started_at", "future"),
    (GOOD_ROW.replace("2026-01-06T09", "0001-01-01T00"), "started_at", "out of range"),
    (
        GOOD_ROW.replace("2026-01-06T09:00:00+01:00", "9999-12-31T23:59:00-01:00"),
        "started_at",
        "out of range",
    ),
    (GOOD_ROW.replace(",4,3,5,", ",11,3,5,"), "dread", "0 to 10"),
    (GOOD_ROW.replace(",4,3,5,", ",4,-1,5,"), "detachment", "0 to 10"),
    (GOOD_ROW.replace(",4,3,5,", ",4,3,4.5,"), "fatigue", "whole number"),
    (GOOD_ROW.replace(",4,3,5,", ",4,3,,"), "fatigue", "empty"),
    (GOOD_ROW.replace("C-07", ""), "client_code", "client code is empty"),
    (GOOD_ROW.replace("C-07", "C" * 41), "client_code", "too long"),
    (GOOD_ROW + ",extra", "", "7 columns"),
    (GOOD_ROW.replace(",fine", ""), "", "has 6 values"),
]


@pytest.mark.parametrize(("row", "column", "reason"), ROW_PROBLEMS)
def test_one_bad_row_among_500_imports_nothing(
    engine: Engine, row: str, column: str, reason: str
) -> None:
    start = datetime(2025, 1, 6, 8, tzinfo=UTC)
    good = [
        f"{(start + timedelta(hours=i)).isoformat()},C-{i % 9},1,2,3,,ok {i}" for i in range(500)
    ]
    good[316] = row  # row 318 of the file: the header is row 1
    result = import_csv(engine, csv_bytes(*good), owner=OWNER)
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(318, column)]
    assert reason in result.problems[0].reason
    assert count_sessions(engine, owner=OWNER) == 0


def test_every_bad_row_is_listed(engine: Engine) -> None:
    rows = [GOOD_ROW, GOOD_ROW.replace(",4,3,5,", ",x,3,99,"), GOOD_ROW.replace("C-07", "C-08")]
    result = import_csv(engine, csv_bytes(*rows), owner=OWNER)
    assert {(p.row, p.column) for p in result.problems} == {(3, "dread"), (3, "fatigue")}
    assert count_sessions(engine, owner=OWNER) == 0


def test_a_repeated_row_in_the_file_is_a_problem(engine: Engine) -> None:
    later = GOOD_ROW.replace("+01:00", "+01:00").replace(",4,3,5,", ",9,9,9,")
    result = import_csv(engine, csv_bytes(GOOD_ROW, later), owner=OWNER)
    assert [(p.row, p.reason) for p in result.problems] == [
        (3, "the same client code and start time as row 2")
    ]


def test_importing_the_same_file_twice_adds_nothing(engine: Engine) -> None:
    raw = export_csv(sessions_frame(days=30))
    first = import_csv(engine, raw, owner=OWNER)
    second = import_csv(engine, raw, owner=OWNER)
    assert first.added > 0 and first.already_present == 0
    assert (second.added, second.already_present) == (0, first.added)
    assert count_sessions(engine, owner=OWNER) == first.added


# -- properties --------------------------------------------------------------------------------

SPECIALS = st.sampled_from([",", '"', "\n", "\r", ";", "'", "=", "-", "+", "@", "\t", " ", "é"])
TEXT = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), SPECIALS), max_size=60)
TAG = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_characters=";"), SPECIALS.filter(lambda c: c != ";")
    ),
    min_size=1,
    max_size=20,
)
ZONES = st.sampled_from([UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata")])


def _valid(fields: dict[str, object]) -> bool:
    try:
        SessionCreate.model_validate(fields)
    except ValueError:
        return False
    return True


@st.composite
def raw_entries(draw: st.DrawFn) -> dict[str, object]:
    """Fields of one entry with awkward text everywhere (some will not validate)."""
    code = draw(TEXT.filter(lambda t: 0 < len(" ".join(t.split())) <= 30))
    return {
        "started_at": draw(
            st.datetimes(
                min_value=datetime(2000, 1, 1), max_value=datetime(2025, 12, 31), timezones=ZONES
            )
        ),
        "client_code": code,
        "dread": draw(st.integers(0, 10)),
        "detachment": draw(st.integers(0, 10)),
        "fatigue": draw(st.integers(0, 10)),
        "scenarios": draw(st.lists(TAG, max_size=4)),
        "note": draw(TEXT),
        "reflection_reaction": draw(TEXT),
        "reflection_held_back": draw(TEXT),
        "reflection_themes": draw(TEXT),
        "grounding_done": draw(st.booleans()),
    }


def entries() -> st.SearchStrategy[dict[str, object]]:
    """Entries with awkward text that SessionCreate accepts."""
    return raw_entries().filter(_valid)


@pytest.fixture
def two_engines(databases: Databases) -> Iterator[tuple[Engine, Engine]]:
    """Two migrated databases reused across Hypothesis examples (emptied by each example)."""
    engines = []
    for name in ("source", "target"):
        engine = make_engine(databases.url(name, migrated=True))  # as the dashboard connects
        engines.append(engine)
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()


def _empty(*engines: Engine) -> None:
    for engine in engines:
        with owner_connection(engine, owner=OWNER) as connection:
            connection.execute(text("DELETE FROM session_entry"))
            connection.execute(text("DELETE FROM scenario WHERE NOT builtin"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(entries(), min_size=1, max_size=8), zone=ZONES)
def test_export_then_import_gives_back_identical_rows(
    two_engines: tuple[Engine, Engine], rows: list[dict[str, object]], zone: ZoneInfo
) -> None:
    source, target = two_engines
    _empty(source, target)
    valid = [SessionCreate.model_validate(row).model_dump() for row in rows]
    insert_frame(source, owner=OWNER, frame=_sessions(pd.DataFrame(valid)))
    result = import_csv(target, export_csv(load_sessions(source, owner=OWNER), zone), owner=OWNER)
    assert result.ok, result.problems
    pd.testing.assert_frame_equal(rows_of(target), rows_of(source))


def _snapshot(engine: Engine) -> list[tuple[object, ...]]:
    with owner_connection(engine, owner=OWNER) as connection:
        entries = connection.execute(text("SELECT * FROM session_entry ORDER BY id")).all()
        tags = connection.execute(text("SELECT * FROM scenario ORDER BY id")).all()
    return [tuple(r) for r in entries] + [tuple(r) for r in tags]


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["true", "no", "", "'=1", "5.5", "1e3", "C-07", "a;b;;", "Z", "-0"]),
)
# Mostly plausible values per column, so rows get past the first checks to the deeper ones.
COLUMN_CELLS = {
    "started_at": st.datetimes(
        min_value=datetime(1, 1, 2), timezones=st.one_of(st.none(), st.timezones())
    ).map(lambda d: d.isoformat())
    | st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-00:01"]),
    "client_code": st.text(min_size=1, max_size=45),
    **{sign: st.integers(-2, 12).map(str) for sign in ("dread", "detachment", "fatigue")},
    "grounding_done": st.sampled_from(["true", "false", "", "maybe"]),
}


@st.composite
def plausible_files(draw: st.DrawFn) -> bytes:
    """A header of real columns and nearly valid rows: reaches the row checks and validation."""
    header = ["started_at", "client_code", "dread", "detachment", "fatigue"]
    header += draw(st.lists(st.sampled_from(CSV_COLUMNS[5:]), unique=True, max_size=3))
    cell = {c: COLUMN_CELLS.get(c, st.text(max_size=30)) | CELLS for c in header}
    rows = draw(st.lists(st.tuples(*(cell[c] for c in header)), max_size=5))
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=300).map(lambda b: HEADER.encode() + b"\n" + b),
        st.text(max_size=200).map(lambda t: (HEADER + "\n" + t).encode("utf-8")),
        plausible_files(),
    )
)
def test_arbitrary_bytes_never_crash_or_change_the_database(engine: Engine, raw: bytes) -> None:
    if not count_sessions(engine, owner=OWNER):
        # Something that could be damaged.
        insert_frame(engine, owner=OWNER, frame=sessions_frame(days=10))
    before = _snapshot(engine)
    assert len(before) > 10  # entries and tags are visible: the comparison below means something
    try:
        result = import_csv(engine, raw, owner=OWNER)
    except CsvFileError as error:
        assert str(error)
        result = None
    if result is None or not result.ok or result.added == 0:
        assert _snapshot(engine) == before


def test_the_readme_documents_the_format() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("## Your data: CSV format", 1)[1].split("\n## ", 1)[0].split())
    for column in CSV_COLUMNS:
        assert f"`{column}`" in section, column
    for trigger in ("`=`", "`+`", "`-`", "`@`", "a tab", "carriage return"):
        assert trigger in section, trigger
