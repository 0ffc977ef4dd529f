"""Where the project's files are, for tests that read them or start the app."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
README = ROOT / "README.md"
