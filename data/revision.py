"""The newest schema revision this version of Tightrope knows, without importing alembic.

Starting the dashboard only needs to know whether the database is already at this revision;
alembic (about 11 MiB of server memory with Mako and Pygments) is imported only when it is not.
Bump HEAD_REVISION with every new migration in data/migrations/versions: a test compares it with
alembic's own head, so a forgotten bump fails the suite.
"""

from __future__ import annotations

from typing import Final

HEAD_REVISION: Final = "0010"

VERSION_TABLE: Final = "alembic_version"
"""Where alembic records the revision a database is at (its default table)."""
