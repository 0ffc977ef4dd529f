"""The Review page's summary block: escaped text, the guide's advice by level, tiles' changes."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from core.levels import Level
from core.schema import GUIDE_ACTIONS
from core.warnings import Assessment, assess
from dashboard.components.review_summary import WATCH_ADVICE, logged_days, summary_html, tiles
from data.demo import demo_sessions
from tests.factories import texts_by_class

TODAY = date(2026, 3, 2)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return assess(demo_sessions(TODAY, BERLIN), today=TODAY, tz=BERLIN)


def _with_changes(assessment: Assessment, changes: dict[str, float]) -> Assessment:
    weeks = assessment.weeks.copy()
    for sign, change in changes.items():
        weeks.loc[sign, "change"] = change
    return replace(assessment, weeks=weeks)


def test_every_text_is_escaped(assessment: Assessment) -> None:
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    overall = replace(assessment.overall, explanation=hostile)
    signs = {s: replace(v, explanation=hostile) for s, v in assessment.signs.items()}
    html = summary_html(replace(assessment, overall=overall, signs=signs))
    assert "<script>" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;") == 4
    # The text a reader sees is the text given.
    assert texts_by_class(html, "tr-status")[0].startswith(hostile)
    assert all(word.endswith(hostile) for word in texts_by_class(html, "tr-word"))


@pytest.mark.parametrize(
    ("level", "present", "absent"),
    [
        ("chronic", [a.capitalize() for a in GUIDE_ACTIONS], [WATCH_ADVICE]),
        ("watch", [WATCH_ADVICE], [GUIDE_ACTIONS[0].capitalize()]),
        ("none", [], [WATCH_ADVICE, GUIDE_ACTIONS[0].capitalize()]),
    ],
)
def test_the_guides_advice_follows_the_overall_level(
    assessment: Assessment, level: str, present: list[str], absent: list[str]
) -> None:
    overall = replace(assessment.overall, level=Level(level), explanation="Status in words.")
    html = summary_html(replace(assessment, overall=overall))
    assert f'class="tr-status tr-{level}" role="status"' in html
    (status,) = texts_by_class(html, "tr-status")
    assert status.startswith("Status in words.")
    assert all(text in status for text in present)
    assert not any(text in status for text in absent)


def test_a_change_is_told_in_neutral_words(assessment: Assessment) -> None:
    changed = _with_changes(assessment, {"dread": -0.5, "detachment": 0.26, "fatigue": -0.04})
    dread, detachment, fatigue = tiles(changed)
    assert (dread.change, dread.direction) == ("0.5 lower than the 4 weeks before", "down")
    assert (detachment.change, detachment.direction) == ("0.3 higher than the 4 weeks before", "up")
    assert (fatigue.change, fatigue.direction) == ("the same as the 4 weeks before", "same")


@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize("change", [-0.5, 0.5])
def test_a_tiles_colour_is_its_level_never_the_changes(
    assessment: Assessment, level: Level, change: float
) -> None:
    # A chronic sign that fell a little is still chronic: no green "better" badge on its tile.
    signs = {s: replace(v, level=level) for s, v in assessment.signs.items()}
    html = summary_html(
        replace(_with_changes(assessment, dict.fromkeys(signs, change)), signs=signs)
    )
    assert html.count(f'<li class="tr-tile tr-{level}">') == 3
    deltas = re.findall(r'class="(tr-delta[^"]*)"', html)
    assert deltas == ["tr-delta"] * 3  # one neutral style, whichever way the average went
    assert "better" not in html and "shows green" not in html


def test_an_unknown_change_shows_no_change_line(assessment: Assessment) -> None:
    changed = _with_changes(assessment, {"dread": float("nan")})
    assert tiles(changed)[0].change is None
    dread_tile = texts_by_class(summary_html(changed), "tr-tile")[0]
    assert "4 weeks before" not in dread_tile


def test_logged_days_are_said_once_when_the_signs_agree() -> None:
    same = {
        s: {"days_this_week": 1, "days_previous_four": 12}
        for s in ("dread", "detachment", "fatigue")
    }
    assert logged_days(same) == "1 logged day this week, 12 logged days in the four weeks before."
    differ = {**same, "fatigue": {"days_this_week": 0, "days_previous_four": 3}}
    assert logged_days(differ).endswith("Fatigue: 0 logged days this week, 3 logged days before.")
