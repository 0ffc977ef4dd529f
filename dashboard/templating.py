"""The Jinja2 environment for Tightrope's HTML: the supervision packet and the Review summary."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.levels import Level

HERE = Path(__file__).parent
TEMPLATES = (HERE / "packet" / "templates", HERE / "components" / "templates")


def level_label(level: str) -> str:
    """A level as a title on a chip or tile: 'No warning', 'Watch', 'Chronic'."""
    return Level(level).label


def level_word(level: str) -> str:
    """A level inside a sentence: 'no warning', 'watch', 'chronic'."""
    return Level(level).word


@cache
def environment() -> Environment:
    """One shared environment: every value is escaped unless it is `Markup` built in Python."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["level_label"] = level_label
    env.filters["level_word"] = level_word
    return env
