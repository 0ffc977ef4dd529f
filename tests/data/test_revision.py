"""HEAD_REVISION, the head the app checks at start without alembic, is alembic's own head."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from data.revision import HEAD_REVISION
from data.schema import alembic_config


def test_head_revision_constant_is_the_newest_migration() -> None:
    # Fails when a migration is added without bumping data/revision.py (the app would then
    # believe an old database is up to date and skip the migration).
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD_REVISION]
