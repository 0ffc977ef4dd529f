"""Docs that cannot drift: every threshold and the status command are documented in README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from core.settings import default_of, setting_fields
from dashboard.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [f.name for f in setting_fields()])
def test_every_threshold_is_in_the_readme_with_its_default(name: str) -> None:
    field = next(f for f in setting_fields() if f.name == name)
    row = re.search(rf"^\| `{name}` \| ([^|]+) \|", README, flags=re.MULTILINE)
    assert row is not None, f"README.md has no settings-table row for `{name}`"
    assert row.group(1).strip() == f"{default_of(field):g}", (
        f"README shows a stale default of {name}"
    )


def test_the_warning_levels_are_explained() -> None:
    assert "## Weekly review, warning levels and settings" in README
    for word in ("**none**", "**watch**", "**chronic**", "EWMA", "baseline", "not a diagnosis"):
        assert word in README


def test_the_status_command_is_documented() -> None:
    assert "`tightrope status [--today YYYY-MM-DD] [--json]`" in README


def test_every_cli_command_is_in_the_readme_table() -> None:
    # Docs that cannot drift: a new subcommand without a README row fails here.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    commands = sorted(actions[0].choices)
    assert {"run", "demo", "status", "import", "export", "backup", "restore", "report"} <= set(
        commands
    )
    missing = [c for c in commands if f"| `tightrope {c}" not in readme]
    assert missing == []
