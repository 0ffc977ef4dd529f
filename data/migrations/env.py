"""Alembic environment: migrations run on the connection the app hands over, or the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from data.models import SQLModel

target_metadata = SQLModel.metadata
config = context.config


def run_migrations() -> None:
    """Run migrations online, on a given connection when the app provides one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
