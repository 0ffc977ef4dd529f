"""Docs that cannot drift: every threshold, command, option and status field is in the README."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.checkin.instruments import CBI
from core.checkin.record import CheckinRecord
from core.checkin.scoring import score_answers
from core.patterns import default_since, find_patterns
from core.schema import SIGNS
from core.settings import setting_fields, shown_default
from core.warnings import assess
from dashboard.cli import build_parser
from dashboard.cli.status import status_payload
from data.demo import demo_checkins, demo_sessions

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [f.name for f in setting_fields()])
def test_every_threshold_is_in_the_readme_with_its_default(name: str) -> None:
    field = next(f for f in setting_fields() if f.name == name)
    row = re.search(rf"^\| `{name}` \| ([^|]+) \|", README, flags=re.MULTILINE)
    assert row is not None, f"README.md has no settings-table row for `{name}`"
    assert row.group(1).strip() == shown_default(field), f"README shows a stale default of {name}"


def test_the_warning_levels_are_explained() -> None:
    assert "## Weekly review, warning levels and settings" in README
    for word in ("**none**", "**watch**", "**chronic**", "EWMA", "baseline", "not a diagnosis"):
        assert word in README


def test_the_status_command_is_documented() -> None:
    assert "`tightrope status [--today YYYY-MM-DD] [--json]`" in README


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """`parser`'s subcommands by name; one with actions of its own (`practice list`) as such."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _subcommands(sub)
                found.update({f"{name} {n}": p for n, p in nested.items()} or {name: sub})
    return found


def _commands() -> dict[str, argparse.ArgumentParser]:
    return _subcommands(build_parser())


def _readme_rows() -> dict[str, str]:
    """The command table's first cells, by command: `tightrope report [--from …] --out FILE …`."""
    rows = re.findall(
        r"^\| `tightrope ([a-z-]+(?: [a-z][a-z-]*)?)([^`]*)` \|", README, flags=re.MULTILINE
    )
    return {command: usage for command, usage in rows}


def test_every_cli_command_is_in_the_readme_table() -> None:
    # Docs that cannot drift: a new subcommand without a README row fails here.
    commands = _commands()
    assert {"run", "demo", "status", "import", "export", "backup", "restore", "report"} <= set(
        commands
    )
    assert sorted(_readme_rows()) == sorted(commands)


def _documented(usage: str) -> tuple[dict[str, bool], int]:
    """The options in a README usage (each: whether it is required) and how many positionals."""
    optional = set(re.findall(r"\[(--[a-z-]+)", usage))
    options = {name: name not in optional for name in re.findall(r"--[a-z-]+", usage)}
    # Outside the brackets, a capital word not right after an option is a positional (FILE).
    words = re.sub(r"\[[^]]*\]", "", usage).split()
    positionals = sum(
        1
        for before, word in zip(["", *words], words, strict=False)
        if word.isupper() and not before.startswith("--")
    )
    return options, positionals


@pytest.mark.parametrize("command", sorted(_commands()))
def test_each_commands_options_in_the_readme_are_the_real_ones(command: str) -> None:
    parser = _commands()[command]
    real = {
        action.option_strings[-1]: action.required
        for action in parser._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
    }
    positionals = [a for a in parser._actions if not a.option_strings]
    documented, documented_positionals = _documented(_readme_rows()[command])
    # Both ways, and [--brackets] exactly around the options that may be left out.
    assert documented == real
    assert documented_positionals == len(positionals)


def _field_paths(value: Any, prefix: str = "") -> set[str]:
    """`signs.<sign>.level`-style paths of every leaf of a status payload."""
    if isinstance(value, dict):
        paths: set[str] = set()
        for key, item in value.items():
            name = "<sign>" if key in SIGNS and prefix == "signs" else key
            paths |= _field_paths(item, f"{prefix}.{name}" if prefix else name)
        return paths
    if isinstance(value, list):
        return set().union(*(_field_paths(item, f"{prefix}[]") for item in value))
    return {prefix}


def test_the_status_json_fields_in_the_readme_are_the_ones_printed() -> None:
    today, zone = date(2026, 11, 26), ZoneInfo("Europe/Berlin")
    sessions = demo_sessions(today, zone)
    patterns = find_patterns(sessions, today=today, tz=zone, since=default_since(today))
    assert len(patterns.comparisons) > 0  # so the patterns' fields are printed too
    checkins = [
        CheckinRecord(day, "cbi", score_answers(CBI, answers))
        for day, answers in demo_checkins(today)
    ]
    payload = status_payload(assess(sessions, today=today, tz=zone), patterns, checkins)
    assert payload["checkins"]["latest"]  # so the check-ins' fields are printed too
    section = README.split("`tightrope status --json` prints one object", 1)[1].split("\n## ")[0]
    documented = set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))
    assert documented == _field_paths(payload)


def test_the_check_in_section_carries_each_credit_line_and_its_sources() -> None:
    from core.checkin.instruments import INSTRUMENTS

    section = README.split("## Check-in\n", 1)[1].split("\n## ")[0]
    flat = " ".join(line.removeprefix("> ").strip() for line in section.splitlines())
    flat = " ".join(flat.split())
    doc = (Path(__file__).resolve().parents[1] / "docs" / "CHECKIN.md").read_text(encoding="utf-8")
    for instrument in INSTRUMENTS.values():
        assert " ".join(instrument.credit.split()) in flat, instrument.key
        assert instrument.sources[0].url in flat, instrument.key
        # Every source the code cites is listed in docs/CHECKIN.md.
        assert [s.url for s in instrument.sources if s.url not in doc] == [], instrument.key
    # The README names where the items come from, the ProQOL's terms and its caveats.
    for needed in (
        "https://nfa.dk/vaerktoejer/spoergeskemaer/",
        "https://proqol.org/faq",
        "https://pubmed.ncbi.nlm.nih.gov/28383935/",
        "https://doi.org/10.1371/journal.pone.0193478",
        "https://doi.org/10.1037/0022-006X.59.1.12",
        "supervision packet",
    ):
        assert needed in flat, needed
    assert "docs/CHECKIN.md" in section and "no official cut-off" in section


def test_the_reference_tables_in_docs_checkin_are_the_values_reliable_change_uses() -> None:
    from core.checkin.change import smallest_reliable_difference, standard_error_of_difference
    from core.checkin.instruments import PROQOL

    doc = (Path(__file__).resolve().parents[1] / "docs" / "CHECKIN.md").read_text(encoding="utf-8")
    rows = {
        m["name"]: [float(v) for v in m["values"].split("|")]
        for m in re.finditer(
            r"^\| (?P<name>[a-z -]+) \| (?P<values>[\d. |]+?) \|$", doc, flags=re.MULTILINE
        )
    }
    expected = {
        "personal": CBI.scale("personal"),
        "work-related": CBI.scale("work"),
        "client-related": CBI.scale("client"),
        "compassion satisfaction": PROQOL.scale("compassion_satisfaction"),
        "burnout": PROQOL.scale("burnout"),
        "secondary traumatic stress": PROQOL.scale("secondary_traumatic_stress"),
    }
    for name, scale in expected.items():
        ref = scale.reference
        row = rows[name]
        computed = [ref.sd, ref.reliability]
        computed += [standard_error_of_difference(ref.sd, ref.reliability)]
        computed += [smallest_reliable_difference(scale)]
        if len(row) == 5:  # the CBI's table starts with the sample mean
            assert ref.mean == pytest.approx(row[0]), name
            row = row[1:]
        assert row == pytest.approx(computed, abs=0.051), name
    # Every value was matched against its source, and the docs and the README name it.
    assert "Wolfshohl" in doc and "Wolfshohl" in README
    assert "not yet checked" not in README
