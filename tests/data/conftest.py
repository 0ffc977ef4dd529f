"""The data layer's tests run on every backend: SQLite and PostgreSQL.

A test (or module, with `pytestmark`) marked `backends("sqlite")` runs on the listed backends
only: for what exists on one database alone, such as SQLite's pragmas or its file backups.
"""

from __future__ import annotations

import pytest

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses a database once per backend."""
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    chosen = marker.args if marker else BACKENDS
    metafunc.parametrize("backend", chosen)
