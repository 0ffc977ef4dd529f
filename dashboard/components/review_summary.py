"""The top of the Weekly review as one block of HTML: status, this week's tiles, signs in words
and the heading of the trends below.

Why HTML and not Streamlit elements: the page drew these as an alert, Markdown captions, three
metric tiles and a Markdown list, about ten React components whose Markdown parsing and styling
were most of what opening the Review page cost beyond its chart (BENCHMARKS.md, fourth round:
against the bare chart page 1.52x -> 1.30x). One `st.html` block is one component. The text
is the same; every value goes through Jinja2's autoescape (dashboard.templating), and the CSS
uses the theme's own text colour with translucent tints, so it reads on a light or dark theme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.schema import GUIDE_ACTIONS, SIGNS
from core.warnings import Assessment
from dashboard.templating import environment

TEMPLATE = "review_summary.html.j2"

TRENDS_CAPTION = (
    "Dots are day values; the solid line is the 7-day average, the dotted one the 28-day average. "
    "The dashed grey line is your usual level, the red one the fixed line. Amber shading "
    "marks watch, red chronic."
)
"""Under the "Trends" heading that ends the block, above the page's chart controls."""

WATCH_ADVICE = (
    "give yourself a grounding ritual after tough sessions (stretch, walk, journal); name what "
    "happened with a trusted colleague; bring the sessions that weigh most to supervision."
)


@dataclass(frozen=True)
class Tile:
    """One sign's tile: this week's average and its change against the four weeks before.

    The tile's colour is its warning level; the change is told in neutral words and colour, so a
    small fall on a chronic sign does not read as good news."""

    sign: str
    level: str
    value: str
    change: str | None
    direction: str  # "down", "up" or "same": where the average went, not a verdict


def _number(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f}"


def _change(change: float) -> tuple[str, str]:
    """The change in words and its direction, e.g. ('0.5 lower than the 4 weeks before', 'down')."""
    if change == 0:
        return "the same as the 4 weeks before", "same"
    if change < 0:
        return f"{-change:.1f} lower than the 4 weeks before", "down"
    return f"{change:.1f} higher than the 4 weeks before", "up"


def _days(count: int) -> str:
    return f"{count} logged day{'' if count == 1 else 's'}"


def logged_days(weeks: dict[Any, Any]) -> str:
    """How many days the tiles rest on, in one sentence (one per sign only if they differ)."""
    counts = {
        sign: (int(weeks[sign]["days_this_week"]), int(weeks[sign]["days_previous_four"]))
        for sign in SIGNS
    }
    if len(set(counts.values())) == 1:
        now, before = next(iter(counts.values()))
        return f"{_days(now)} this week, {_days(before)} in the four weeks before."
    return " ".join(
        f"{sign.capitalize()}: {_days(now)} this week, {_days(before)} before."
        for sign, (now, before) in counts.items()
    )


def tiles(assessment: Assessment) -> list[Tile]:
    """The three tiles in the order of SIGNS."""
    weeks: dict[Any, Any] = assessment.weeks.to_dict(orient="index")
    out = []
    for sign in SIGNS:
        # To the tenth shown: a change that rounds to 0.0 is no change.
        change = round(float(weeks[sign]["change"]), 1) + 0.0
        words, direction = (None, "same") if math.isnan(change) else _change(change)
        out.append(
            Tile(
                sign=sign.capitalize(),
                level=assessment.signs[sign].level,
                value=_number(float(weeks[sign]["this_week"])),
                change=words,
                direction=direction,
            )
        )
    return out


def summary_html(assessment: Assessment) -> str:
    """The status with the guide's advice, the week's tiles and each sign in words, then the
    "Trends" heading and caption for the chart that follows, as HTML."""
    weeks: dict[Any, Any] = assessment.weeks.to_dict(orient="index")
    overall = assessment.overall
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            level=overall.level,
            explanation=overall.explanation,
            actions=[action.capitalize() for action in GUIDE_ACTIONS],
            watch_advice=WATCH_ADVICE,
            logged_days=logged_days(weeks),
            tiles=tiles(assessment),
            words=[
                (
                    sign.capitalize(),
                    assessment.signs[sign].level,
                    assessment.signs[sign].explanation,
                )
                for sign in SIGNS
            ],
            trends_caption=TRENDS_CAPTION,
        )
    )
