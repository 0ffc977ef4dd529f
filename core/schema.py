"""The one declaration of session-frame columns, dtypes and the product's fixed vocabulary."""

from __future__ import annotations

from typing import Final

import pandas as pd

SIGNS: Final = ("dread", "detachment", "fatigue")
"""The three warning signs of burnout named by the guide, each rated 0–10."""

RATING_MIN: Final = 0
RATING_MAX: Final = 10

RATING_ANCHORS: Final = {0: "none", 5: "moderate", 10: "overwhelming"}
"""Words shown beside the rating scale so every number means the same thing each day."""

BUILTIN_SCENARIOS: Final = (
    "client withdrawal or silence",
    "emotional dysregulation",
    "boundary pushing",
    "crisis situation",
    "countertransference",
)
"""The guide's five common scenarios in difficult sessions."""

REFLECTION_PROMPTS: Final = {
    "reflection_reaction": "What was my internal reaction?",
    "reflection_held_back": "What did I want to do or say but held back?",
    "reflection_themes": "What themes are repeating?",
}
"""The guide's three supervision questions, keyed by the column that stores the answer."""

GUIDE_ACTIONS: Final = (
    "bring it to supervision",
    "adjust your caseload",
    "take time off",
    "seek therapy yourself",
)
"""What the guide advises when dread, detachment or fatigue become chronic."""

# Column -> pandas dtype. Times are aware UTC; local days are derived in core with a tz.
SESSION_DTYPES: Final[dict[str, str]] = {
    "id": "Int64",
    "started_at": "datetime64[us, UTC]",
    "client_code": "str",
    "dread": "int64",
    "detachment": "int64",
    "fatigue": "int64",
    "scenarios": "object",  # a list[str] per row, lower-case tag names
    "reflection_reaction": "str",
    "reflection_held_back": "str",
    "reflection_themes": "str",
    "note": "str",
    "grounding_done": "bool",
}
SESSION_COLUMNS: Final = tuple(SESSION_DTYPES)


def empty_sessions() -> pd.DataFrame:
    """Return a session frame with every column and dtype and no rows."""
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in SESSION_DTYPES.items()})


def as_sessions(frame: pd.DataFrame) -> pd.DataFrame:
    """Coerce a frame to the session schema (order, dtypes), filling missing optional columns."""
    out = frame.copy()
    n = len(out)
    defaults: dict[str, object] = {
        "id": pd.NA,
        "scenarios": None,
        "reflection_reaction": "",
        "reflection_held_back": "",
        "reflection_themes": "",
        "note": "",
        "grounding_done": False,
    }
    for column, value in defaults.items():
        if column not in out.columns:
            out[column] = pd.Series([value] * n, index=out.index, dtype="object")
    out["scenarios"] = [list(s) if isinstance(s, (list, tuple)) else [] for s in out["scenarios"]]
    for column in ("reflection_reaction", "reflection_held_back", "reflection_themes", "note"):
        out[column] = out[column].fillna("")
    out["started_at"] = pd.to_datetime(out["started_at"], utc=True).astype("datetime64[us, UTC]")
    out = out[list(SESSION_COLUMNS)]
    return out.astype({c: d for c, d in SESSION_DTYPES.items() if c != "scenarios"})
