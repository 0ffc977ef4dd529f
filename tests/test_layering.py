"""Imports flow one way: dashboard -> core, data; data -> core; core -> neither.

The evaluation harness (not shipped) reads core only, and nothing shipped reads it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "core": {
        "streamlit",
        "sqlmodel",
        "sqlalchemy",
        "alembic",
        "data",
        "dashboard",
        "plotly",
        "evaluation",
    },
    "data": {"streamlit", "dashboard", "plotly", "evaluation"},
    "dashboard": {"evaluation"},
    # The evaluation harness judges core's rules on synthetic histories: no storage, no UI.
    "evaluation": {"streamlit", "sqlmodel", "sqlalchemy", "alembic", "data", "dashboard"},
}


def imported_roots(path: Path) -> set[str]:
    """Top-level module names a Python file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_stay_in_their_layer(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_roots(f) & FORBIDDEN[package]) for f in files
    }
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_core_does_not_read_the_clock() -> None:
    # `today` is passed in: a core function that reads the clock cannot be tested at a fixed date.
    for path in (ROOT / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow("):
            assert call not in text, f"{path.name} calls {call}"


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import streamlit as st\nfrom data.repository import load_sessions\n")
    assert imported_roots(sample) >= {"streamlit", "data"}


def _package_imports(package: str) -> dict[str, set[str]]:
    """Each module of `package` with the modules of the same package it imports (any depth)."""
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[name] = {t for t in targets if t.startswith(package + ".")}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in `graph` as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target, [*path, target])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


@pytest.mark.parametrize("package", ["core", "data", "dashboard"])
def test_no_import_cycle_inside_a_package(package: str) -> None:
    # Local (function-level) imports count too: a cycle hidden in a function is still a cycle.
    assert _cycle(_package_imports(package)) is None


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


# Inside dashboard: pages (views) sit on top; nothing below imports them or anything above it.
DASHBOARD_FLOORS = {
    "figures": {"views", "components", "cli", "packet", "cache"},
    "packet": {"views", "components", "cli", "cache"},
    "components": {"views", "cli"},
    "cli": {"views", "components"},
}


def dashboard_parts(path: Path) -> set[str]:
    """The dashboard subpackages and modules a file imports (`dashboard.X...` -> X)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts: set[str] = set()
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module]
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
            else []
        )
        parts.update(n.split(".")[1] for n in names if n.startswith("dashboard."))
    return parts


@pytest.mark.parametrize("floor", sorted(DASHBOARD_FLOORS))
def test_dashboard_floors_import_nothing_above_them(floor: str) -> None:
    files = sorted((ROOT / "dashboard" / floor).rglob("*.py"))
    assert files
    offenders = {
        str(f.relative_to(ROOT)): sorted(dashboard_parts(f) & DASHBOARD_FLOORS[floor])
        for f in files
    }
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_the_floor_checker_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "chart.py"
    module.write_text("from dashboard.views import log\nimport dashboard.cache\n", encoding="utf-8")
    assert dashboard_parts(module) == {"views", "cache"}
