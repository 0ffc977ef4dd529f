"""Nothing the product shows or writes calls a score or a level a diagnosis.

The word may appear only to deny it ("not a diagnosis", "never a diagnosis"), as the product
brief asks once, kindly, where warnings appear. Scanned: every string a user can see in the
shipped code (string literals of core/, data/ and dashboard/, docstrings left out: they are for
readers of the code), the packet's templates, the Streamlit config, the README and docs/.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = ("core", "data", "dashboard")
TEXTS = (
    *sorted((ROOT / "dashboard").rglob("*.j2")),
    ROOT / ".streamlit" / "config.toml",
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
)
# A denial, with the few words that may sit between "not"/"never" and the noun.
DENIAL = re.compile(r"\b(?:not|never|no)\s+(?:a\s+|an\s+)?diagnos\w*", re.IGNORECASE)
WORD = re.compile(r"diagnos\w*", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (module, class or function)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _strings(path: Path) -> Iterator[str]:
    """The string literals of a Python file, f-string parts included.

    Docstrings and bare names (an `__all__` entry such as "NOT_A_DIAGNOSIS") are left out.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) not in skip and not node.value.isidentifier():
            yield node.value


def claims(text: str) -> list[str]:
    """Each use of 'diagnos…' in `text` that is not a denial, with a little context."""
    bare = DENIAL.sub("", text)
    return [bare[max(0, m.start() - 40) : m.end() + 20] for m in WORD.finditer(bare)]


def _sources() -> list[Path]:
    return [p for folder in CODE for p in sorted((ROOT / folder).rglob("*.py"))]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A prompt for reflection, not a diagnosis.", False),
        ("A score is never a diagnosis.", False),
        ("Tightrope is a self-reflection aid, not a diagnosis or an emergency service.", False),
        ("Your CBI score gives a diagnosis of burnout.", True),
        ("Diagnosed: burnout", True),
        ("a diagnostic threshold", True),
    ],
)
def test_the_scan_tells_a_denial_from_a_claim(text: str, found: bool) -> None:
    assert bool(claims(text)) is found


def test_the_scan_reads_the_shipped_code_and_the_texts() -> None:
    assert len(_sources()) > 50 and all(path.exists() for path in TEXTS)
    assert any("diagnos" in s for p in _sources() for s in _strings(p))  # denials are there


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_string_in_the_code_calls_anything_a_diagnosis(path: Path) -> None:
    found = [claim for string in _strings(path) for claim in claims(string)]
    assert found == [], f"{path.relative_to(ROOT)}: {found}"


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_or_document_calls_anything_a_diagnosis(path: Path) -> None:
    assert claims(path.read_text(encoding="utf-8")) == []
