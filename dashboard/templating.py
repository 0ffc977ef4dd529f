"""The Jinja2 environment for Tightrope's HTML: the supervision packet and the Review summary."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment() -> Environment:
    """One shared environment: every value is escaped unless it is `Markup` built in Python."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
