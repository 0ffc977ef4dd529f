"""Persistence for Tightrope: SQLModel tables, the engine, queries into frames, migrations."""
