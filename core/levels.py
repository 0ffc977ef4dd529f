"""The warning levels, one typed vocabulary for the rules, figures, pages and packet."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """A sign's warning level; compares equal to its plain value ("none", "watch", "chronic")."""

    NONE = "none"
    WATCH = "watch"
    CHRONIC = "chronic"

    @property
    def rank(self) -> int:
        """0 for none, 1 for watch, 2 for chronic: levels order by rank."""
        return _ORDER.index(self)

    @property
    def word(self) -> str:
        """The level inside a sentence: 'no warning', 'watch', 'chronic'."""
        return "no warning" if self is Level.NONE else self.value

    @property
    def label(self) -> str:
        """The level as a title on a tile or in a table: 'No warning', 'Watch', 'Chronic'."""
        return self.word.capitalize()

    @classmethod
    def from_rank(cls, rank: int) -> Level:
        """The level of a rank (0, 1 or 2)."""
        return _ORDER[rank]


_ORDER: tuple[Level, ...] = (Level.NONE, Level.WATCH, Level.CHRONIC)

LEVELS: tuple[str, ...] = tuple(level.value for level in _ORDER)
"""The level names in rank order, for categorical dtypes and JSON."""


def level_rank(level: str) -> int:
    """0 for none, 1 for watch, 2 for chronic (accepts a Level or its plain value)."""
    return Level(level).rank
