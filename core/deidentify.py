"""De-identification for the supervision packet: client aliases, week granularity, opt-in text.

A packet leaves the machine, so by default it names no client, holds no private note or
reflection, and places client-linked information in weeks rather than at exact times.

Aliases: every client code in a packet becomes "Client A", "Client B", … in one map that the
whole packet shares, so "Client B" in the patterns and in the reflections is the same person.
The order is the order the codes are handed in; the packet hands in first the clients of its
recurring findings (most costly first, so "Client A" tops the list), then the period's other
clients by their first session, then clients seen only before the period (they appear in the
pattern charts alone). The same data and options therefore always give the same aliases.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd

from core.schema import REFLECTION_PROMPTS, SIGNS

TEXT_COLUMNS = (*REFLECTION_PROMPTS, "note")
"""Free-text columns a therapist writes: only ever in a packet when they opt in."""

ALIAS_PREFIX = "Client"


def alias_label(index: int) -> str:
    """The alias of the `index`-th client (0-based): Client A … Client Z, Client AA, …"""
    if index < 0:
        raise ValueError("alias index must be 0 or more")
    letters = ""
    n = index + 1
    # Spreadsheet-column lettering: bijective base 26, so no alias repeats and none is skipped.
    while n:
        n, rest = divmod(n - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return f"{ALIAS_PREFIX} {letters}"


def client_aliases(codes: Iterable[str]) -> dict[str, str]:
    """Map each distinct code to an alias, in the order codes first appear in `codes`."""
    aliases: dict[str, str] = {}
    for code in codes:
        if code not in aliases:
            aliases[code] = alias_label(len(aliases))
    return aliases


def client_label(code: str, aliases: dict[str, str], *, show_client_codes: bool) -> str:
    """What the packet prints for a client: the alias unless the therapist chose to show codes."""
    if show_client_codes:
        return code
    # A code missing from the map must never leak through; it gets a neutral word instead.
    return aliases.get(code, f"{ALIAS_PREFIX} (other)")


def week_start(day: date) -> date:
    """The Monday of the week holding `day`."""
    return date.fromordinal(day.toordinal() - day.weekday())


def local_weeks(started_at: pd.Series, tz: ZoneInfo) -> pd.Series:
    """The Monday (a date) of each session's local week."""
    days = started_at.dt.tz_convert(tz).dt.date
    return days.map(week_start)


def deidentify_sessions(
    sessions: pd.DataFrame,
    *,
    tz: ZoneInfo,
    aliases: dict[str, str],
    include_notes: bool = False,
    show_client_codes: bool = False,
) -> pd.DataFrame:
    """Client-linked rows safe for a packet: local week instead of time, alias instead of code.

    Returns columns `week` (Monday, a date), `client`, the three signs, `scenarios`,
    `grounding_done` and the text columns; the text columns are empty strings unless
    `include_notes`. Rows are sorted by week and client, so the exact order of sessions within a
    week is not given away either.
    """
    out = pd.DataFrame(
        {
            "week": local_weeks(sessions["started_at"], tz) if len(sessions) else [],
            "client": [
                client_label(c, aliases, show_client_codes=show_client_codes)
                for c in sessions["client_code"]
            ],
        },
        index=sessions.index,
    )
    for sign in SIGNS:
        out[sign] = sessions[sign]
    out["scenarios"] = sessions["scenarios"]
    out["grounding_done"] = sessions["grounding_done"]
    for column in TEXT_COLUMNS:
        out[column] = sessions[column] if include_notes else ""
    out = out.sort_values(["week", "client"], kind="stable").reset_index(drop=True)
    return out
