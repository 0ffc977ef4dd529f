"""Warning levels: one table per rule, Hypothesis invariants, the EWMA chart and its ARLs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.schema import GUIDE_ACTIONS, SIGNS, empty_sessions
from core.settings import Thresholds
from core.warnings import (
    DAY_COLUMNS,
    LEVELS,
    NOT_A_DIAGNOSIS,
    _logging_rate,
    assess,
    chronic_windows,
    ewma_chart,
    hold_chronic,
    how_levels_work,
    level_rank,
    recent_parts,
)
from tests.factories import rated_sessions

TZ = "Europe/Berlin"
T = Thresholds()
TODAY = date(2025, 6, 27)  # a Friday


def days_back(n: int, today: date = TODAY) -> list[date]:
    """The last n calendar days ending today, oldest first."""
    return [today - timedelta(days=i) for i in range(n - 1, -1, -1)]


def weekdays(n: int, today: date = TODAY) -> list[date]:
    """The weekdays among the last n calendar days."""
    return [d for d in days_back(n, today) if d.weekday() < 5]


def history(fatigue: dict[date, list[int]], *, other: int = 2, hour: int = 10) -> pd.DataFrame:
    """Sessions with these fatigue ratings per day (one session per rating), other signs flat."""
    rows = []
    for day, ratings in fatigue.items():
        for i, rating in enumerate(ratings):
            rows.append((f"{day} {hour + i:02d}:00", other, other, rating))
    return rated_sessions(rows)


def fatigue_level(frame: pd.DataFrame, today: date = TODAY, t: Thresholds = T) -> str:
    return assess(frame, today=today, tz=TZ, thresholds=t).signs["fatigue"].level


def rule_level(frame: pd.DataFrame, today: date = TODAY, t: Thresholds = T) -> str:
    """The level the rules give today, before chronic is held: watch where it is held."""
    status = assess(frame, today=today, tz=TZ, thresholds=t).signs["fatigue"]
    return "watch" if status.held else status.level


# --- The watch and chronic rules, on histories too short for a personal baseline: only the
# fixed line applies (a window averaging at least 6, clearly above 5), with the assumed spread.

SUNDAY = date(2025, 6, 29)

RULE_CASES = [
    # (case, fatigue ratings by day, the day judged, expected level)
    ("nothing logged recently", {date(2025, 6, 2): [9]}, TODAY, "none"),
    ("a single extreme day", {TODAY: [10]}, TODAY, "none"),
    ("two extreme days are too few", {d: [10] for d in weekdays(14)[-2:]}, TODAY, "none"),
    (
        "most weekdays well above the line, gaps not counted",
        {d: [7] for d in weekdays(14)},
        TODAY,
        "watch",
    ),
    ("exactly at the line is too little evidence", {d: [6] for d in weekdays(14)}, TODAY, "none"),
    ("just below the line never is", {d: [5, 6] for d in weekdays(14)}, TODAY, "none"),
    (
        "six high and four calm days average below the line",
        {d: [7] if i < 6 else [2] for i, d in enumerate(weekdays(14))},
        TODAY,
        "none",
    ),
    (
        "weekend-only logging, every weekend day high",
        {d: [8] for d in days_back(14, SUNDAY) if d.weekday() >= 5},
        SUNDAY,
        "watch",
    ),
    (
        "one session against six on the same day: days count, not sessions",
        {**{d: [8] for d in weekdays(14)[:9]}, weekdays(14)[9]: [0] * 6},
        TODAY,
        "watch",
    ),
]


@pytest.mark.parametrize(
    ("case", "fatigue", "today", "expected"), RULE_CASES, ids=[c[0] for c in RULE_CASES]
)
def test_watch_rule(case: str, fatigue: dict[date, list[int]], today: date, expected: str) -> None:
    assert fatigue_level(history(fatigue), today) == expected


CHRONIC_CASES = [
    ("four weeks of elevated weekdays", {d: [7] for d in weekdays(28)}, "chronic"),
    (
        "two calm weeks then two elevated weeks",
        {d: [7] if d > TODAY - timedelta(days=14) else [2] for d in weekdays(28)},
        "watch",
    ),
    (
        "one terrible week inside calm weeks",
        {
            d: [9] if TODAY - timedelta(days=13) <= d <= TODAY - timedelta(days=7) else [2]
            for d in weekdays(28)
        },
        "none",
    ),
    (
        "weekend-only logging, four high weekends",
        {d: [8] for d in days_back(28, SUNDAY) if d.weekday() >= 5},
        "chronic",
    ),
    (
        # Clearly: with its worst week left out, one week must still show the rise on its own.
        "elevated, then on leave for the last two weeks: nothing says it got better",
        {d: [8] for d in weekdays(28) if d <= TODAY - timedelta(days=14)},
        "chronic",
    ),
]


@pytest.mark.parametrize(
    ("case", "fatigue", "expected"), CHRONIC_CASES, ids=[c[0] for c in CHRONIC_CASES]
)
def test_chronic_rule(case: str, fatigue: dict[date, list[int]], expected: str) -> None:
    today = SUNDAY if case.startswith("weekend") else TODAY
    assert fatigue_level(history(fatigue), today) == expected


def test_a_window_across_the_dst_change() -> None:
    # Clocks go forward on 30 March 2025; late sessions must land on their local day.
    today = date(2025, 4, 4)
    rows = [(f"{d} 23:30", 2, 2, 7) for d in weekdays(14, today)]
    assessment = assess(rated_sessions(rows), today=today, tz=TZ, thresholds=T)
    status = assessment.signs["fatigue"]
    assert status.level == "watch"
    assert status.logged_days == 10 and status.raised_days == 10


def test_only_the_elevated_sign_is_flagged() -> None:
    assessment = assess(history({d: [7] for d in weekdays(28)}), today=TODAY, tz=TZ)
    assert {s: assessment.signs[s].level for s in SIGNS} == {
        "dread": "none",
        "detachment": "none",
        "fatigue": "chronic",
    }


# --- Rules that need a personal baseline: a calm half year at 3, then the judged weeks.


def calm_then(recent: dict[date, list[int]], level: int = 3, days: int = 150) -> pd.DataFrame:
    calm = {d: [level, level + 1, level - 1] for d in weekdays(days) if d not in recent}
    return history({**calm, **recent})


def test_clearly_above_the_usual_level_is_watch_below_the_fixed_line() -> None:
    frame = calm_then({d: [5] for d in weekdays(14)})
    status = assess(frame, today=TODAY, tz=TZ).signs["fatigue"]
    assert status.baseline == 3.0
    assert status.level == "watch"
    assert status.comparison == "usual"


def test_a_part_time_therapist_with_a_few_high_days_reaches_watch() -> None:
    # Logs two days a week; three of the four days this fortnight well above the usual level.
    calm = {d: [3, 4, 2] for d in days_back(150) if d.weekday() in (1, 3)}
    recent = {d: [6, 6] for d in days_back(14) if d.weekday() in (1, 3)}
    status = assess(history({**calm, **recent}), today=TODAY, tz=TZ).signs["fatigue"]
    assert status.logged_days == 4
    assert status.level == "watch"


def test_a_part_time_therapist_with_four_high_weeks_reaches_chronic() -> None:
    calm = {d: [3, 4, 2] for d in days_back(200) if d.weekday() in (1, 3)}
    recent = {d: [6, 6, 5] for d in days_back(28) if d.weekday() in (1, 3)}
    status = assess(history({**calm, **recent}), today=TODAY, tz=TZ).signs["fatigue"]
    assert status.logged_days_chronic == 8
    assert status.level == "chronic"


def test_too_few_days_to_judge_says_so() -> None:
    frame = calm_then({TODAY: [6]})
    frame = frame[frame["started_at"] < pd.Timestamp(TODAY - timedelta(days=13), tz=TZ)]
    frame = pd.concat([frame, history({TODAY: [6], TODAY - timedelta(days=3): [6]})])
    status = assess(frame, today=TODAY, tz=TZ).signs["fatigue"]
    assert status.level == "none"
    assert status.explanation.startswith("Only 2 days logged in the last 2 weeks: too few")


def test_a_slow_creep_is_caught_against_the_earlier_level() -> None:
    # A calm half year at 3, then six months creeping up to 6: the usual level climbs along.
    first = TODAY - timedelta(days=400)
    fatigue = {}
    for i in range(401):
        day = first + timedelta(days=i)
        if day.weekday() < 5:
            climb = max(0, i - 219) * 3 / 181
            fatigue[day] = [round(3 + climb), round(3 + climb) + 1, round(3 + climb) - 1]
    status = assess(history(fatigue), today=TODAY, tz=TZ).signs["fatigue"]
    assert status.baseline is not None and status.baseline > 3.5
    assert status.level != "none"
    assert status.comparison == "earlier"
    assert "six months to a year before" in status.explanation
    assert "crept up" in status.explanation


def test_after_a_break_the_usual_level_says_where_it_comes_from() -> None:
    before = {d: [3, 4, 2] for d in weekdays(120, TODAY - timedelta(days=200))}
    after = {d: [3, 4, 2] for d in weekdays(20)}
    status = assess(history({**before, **after}), today=TODAY, tz=TZ).signs["fatigue"]
    last = max(before)
    assert "comes from before your break" in status.explanation
    assert f"last entry before it {last.day} {last:%b %Y}" in status.explanation
    assert "history is still short" not in status.explanation
    assert status.last_before_break == last


def test_a_long_but_sparse_history_is_not_said_to_come_from_before_a_break() -> None:
    # An entry every ten days for more than a year: never a gap of break_days, but too few
    # days in the usual level's six months for a personal level.
    sparse = {TODAY - timedelta(days=back): [3] for back in range(0, 400, 10)}
    status = assess(history(sparse), today=TODAY, tz=TZ).signs["fatigue"]
    assert status.baseline_source == "provisional" and status.last_before_break is None
    assert "before your break" not in status.explanation
    assert "history is still short" not in status.explanation
    assert "(provisional: you logged fewer than 20 days in the six months it is taken from)" in (
        status.explanation
    )


def test_one_terrible_week_after_calm_months_is_watch_not_chronic() -> None:
    week = [d for d in weekdays(14) if TODAY - timedelta(days=13) <= d <= TODAY - timedelta(days=7)]
    # Calm months with ordinary ups and downs (day averages 2, 3 and 4 in turn).
    calm = {d: [2 + i % 3] * 3 for i, d in enumerate(weekdays(150)) if d not in week}
    days = assess(history({**calm, **{d: [9, 9, 9] for d in week}}), today=TODAY, tz=TZ).days
    fatigue = days[days["sign"] == "fatigue"]
    assert "watch" in set(fatigue["level"])
    assert "chronic" not in set(fatigue["level"])


def test_a_terrible_week_cannot_carry_four_weeks_that_are_only_slightly_raised() -> None:
    # Months of day averages 2, 2.5 and 3 in turn (usual level 2.5), then four weeks at 3.25,
    # slightly raised, with a week of 9s across the two halves of the chronic window: the
    # window averages more than a point above the usual level only because of that week.
    calm = {d: [[2], [2, 3], [3]][i % 3] for i, d in enumerate(weekdays(200))}
    recent = {d: [3, 3, 3, 4] for d in weekdays(28)}
    week = {d: [9] for d in days_back(17) if d.weekday() < 5 and d <= TODAY - timedelta(days=10)}
    frame = history({**calm, **recent, **week})
    assert fatigue_level(frame, t=Thresholds(left_out_days=0)) == "chronic"
    assert fatigue_level(frame) == "watch"
    four_weeks = history({**calm, **{d: [4] for d in weekdays(28)}})
    assert fatigue_level(four_weeks) == "chronic"


def test_one_extreme_day_never_raises_a_watch() -> None:
    frame = calm_then({TODAY: [10]})
    status = assess(frame, today=TODAY, tz=TZ).signs["fatigue"]
    assert status.level == "none"


def test_the_explanation_names_the_comparison_and_the_numbers() -> None:
    recent = {d: [7, 7, 6] for d in weekdays(28)}
    status = assess(calm_then(recent, days=200), today=TODAY, tz=TZ).signs["fatigue"]
    assert status.level == "chronic"
    assert status.explanation == (
        "Fatigue has stayed high for about four weeks: it averaged 6.7 over the last 4 weeks, "
        "clearly above your usual level (3.0), and was raised on 20 of the 20 days you logged, "
        "in both halves."
    )


def test_the_sentences_read_the_settings_they_describe() -> None:
    t = replace(T, chronic_window_days=42)
    recent = {d: [7, 7, 6] for d in weekdays(42)}
    status = assess(calm_then(recent, days=200), today=TODAY, tz=TZ, thresholds=t).signs["fatigue"]
    assert status.level == "chronic"
    assert "about six weeks" in status.explanation
    assert "over the last 6 weeks" in status.explanation


def part_time_eight_weeks(values: list[int]) -> pd.DataFrame:
    """Two days a week, calm at 3 for months, then these ratings over the last eight weeks."""
    calm = {d: [3, 4, 2] for d in days_back(250) if d.weekday() in (1, 3)}
    logged = [d for d in days_back(56) if d.weekday() in (1, 3)]
    return history({**calm, **{d: [v] for d, v in zip(logged, values, strict=True)}})


def part_time_uneven_rise() -> pd.DataFrame:
    """Eight part-time weeks about 1.2 points up, unevenly."""
    return part_time_eight_weeks([3, 4, 6, 4, 3, 5, 5, 3, 5, 4, 5, 3, 5, 4, 5, 4])


def test_a_longer_window_shows_a_rise_that_four_weeks_cannot() -> None:
    frame = part_time_uneven_rise()
    # The recent part kept to the last two weeks (see the next test for part-time parts).
    t = replace(T, min_part_days=4)
    assert fatigue_level(frame, t=replace(t, long_window_days=0)) == "watch"
    result = assess(frame, today=TODAY, tz=TZ, thresholds=t)
    status = result.signs["fatigue"]
    assert status.level == "chronic"
    assert status.chronic_window == 56
    assert status.explanation == (
        "Fatigue has stayed high for about eight weeks: it averaged 4.2 over the last 8 weeks, "
        "clearly above your usual level (3.0), and was raised on 12 of the 16 days you logged, "
        "both in the last 2 weeks and in the weeks before."
    )
    assert result.overall.explanation.startswith("Fatigue has stayed high for about eight weeks")
    last = result.days[result.days["sign"] == "fatigue"].iloc[-1]
    assert last["window_chronic"] == 56
    assert last["mean_chronic"] == pytest.approx(68 / 16)


def test_a_part_time_history_is_judged_on_about_eight_logged_days_a_part() -> None:
    # Two logged days a week: the last two weeks hold four, the last four weeks eight. The last
    # two weeks alone (3 and 4) are too weak; four weeks a part show the rise in each.
    frame = part_time_eight_weeks([5, 4, 5, 5, 4, 5, 4, 5, 5, 5, 4, 5, 4, 5, 3, 4])
    assert rule_level(frame, t=replace(T, min_part_days=4)) == "watch"
    result = assess(frame, today=TODAY, tz=TZ)
    status = result.signs["fatigue"]
    assert (status.level, status.chronic_window) == ("chronic", 56)
    assert status.explanation == (
        "Fatigue has stayed high for about eight weeks: it averaged 4.5 over the last 8 weeks, "
        "clearly above your usual level (3.0), and was raised on 15 of the 16 days you logged, "
        "in both halves."
    )
    last = result.days[result.days["sign"] == "fatigue"].iloc[-1]
    assert (last["window_chronic"], last["recent_chronic"]) == (56, 28)


def test_the_recent_part_reaches_back_a_week_at_a_time_up_to_half_the_window() -> None:
    assert recent_parts(28, T) == (14,)
    assert recent_parts(42, T) == (14, 21)
    assert recent_parts(56, T) == (14, 21, 28)
    # Full-time logging fills the last two weeks: they stay the recent part.
    result = assess(calm_then({d: [7, 7, 6] for d in weekdays(56)}, days=200), today=TODAY, tz=TZ)
    last = result.days[result.days["sign"] == "fatigue"].iloc[-1]
    assert (last["level"], last["window_chronic"], last["recent_chronic"]) == ("chronic", 56, 14)
    assert "both in the last 2 weeks and in the weeks before" in result.signs["fatigue"].explanation


def part_time_creep() -> pd.DataFrame:
    """Like part_time_uneven_rise, with no fortnight, four or six weeks clear on their own."""
    return part_time_eight_weeks([3, 5, 4, 5, 3, 3, 5, 3, 5, 4, 4, 5, 4, 6, 3, 4])


def part_time_chronic_then_watch() -> pd.DataFrame:
    """Chronic over six weeks on 19 Jun (two high days close the window), today only watch."""
    return part_time_eight_weeks([3, 4, 6, 4, 3, 5, 5, 3, 5, 4, 5, 3, 4, 5, 3, 4])


def test_eight_weeks_taken_together_show_watch_before_any_fortnight_does() -> None:
    frame = part_time_creep()
    # Neither the last two weeks (4 logged days) nor four or six weeks are clear on their own.
    assert fatigue_level(frame, t=replace(T, long_window_days=42)) == "none"
    result = assess(frame, today=TODAY, tz=TZ)
    status = result.signs["fatigue"]
    assert status.level == "watch"
    assert (status.watch_window, status.chronic_window) == (56, None)
    assert (status.raised_days, status.logged_days) == (11, 16)
    assert status.explanation == (
        "Fatigue has been high over the last 8 weeks taken together: it averaged 4.1, clearly "
        "above your usual level (3.0), raised on 11 of the 16 days you logged; not yet clear "
        "enough in every part of those weeks to call chronic."
    )
    assert result.overall.explanation.startswith(
        "Fatigue is worth watching: clearly high in your recent weeks."
    )
    last = result.days[result.days["sign"] == "fatigue"].iloc[-1]
    assert last["window_watch"] == 56
    assert last["mean_watch"] == pytest.approx(66 / 16)


def test_chronic_is_held_while_the_sign_stays_at_watch() -> None:
    result = assess(part_time_chronic_then_watch(), today=TODAY, tz=TZ)
    status = result.signs["fatigue"]
    assert (status.level, status.held, status.chronic_since) == ("chronic", True, date(2025, 6, 19))
    # The window that showed chronic on 19 Jun; the figures are today's, of the window behind watch.
    assert status.chronic_window == 42
    assert (status.raised_days, status.logged_days) == (11, 16)
    assert status.explanation == (
        "Fatigue has been chronic since 19 Jun 2025 and is still high: it averaged 4.1 over the "
        "last 8 weeks taken together, clearly above your usual level (3.0), raised on 11 of the "
        "16 days you logged. It stays chronic until it is no longer clearly high."
    )
    assert result.overall.explanation.startswith("Fatigue has stayed high for about six weeks")
    fatigue = result.days[result.days["sign"] == "fatigue"].set_index("day")
    since = fatigue.loc["2025-06-19":]
    assert (since["level"] == "chronic").all()
    assert since["chronic_days"].tolist() == list(range(1, 10))
    assert since["held"].tolist() == [False] * 5 + [True] * 4
    assert (fatigue.loc[:"2025-06-18", "level"] != "chronic").all()
    assert "Once chronic, a sign stays chronic while it is still at watch" in how_levels_work(T)


def test_held_chronic_ends_with_the_first_day_at_none() -> None:
    high = {d: [7, 7, 6] for d in weekdays(56)[:20]}
    calm = {d: [3, 4, 2] for d in weekdays(56)[20:]}
    result = assess(calm_then({**high, **calm}, days=200), today=TODAY, tz=TZ)
    fatigue = result.days[result.days["sign"] == "fatigue"]
    assert (fatigue["level"] == "chronic").any()
    assert result.signs["fatigue"].level == "none"
    # Every chronic day is the rules' own or follows one at watch or above without a gap.
    ranks = fatigue["level"].map(level_rank).to_numpy()
    held = fatigue["held"].to_numpy()
    assert all(ranks[i - 1] == 2 for i in np.flatnonzero(held))


def test_hold_chronic() -> None:
    level = np.array([0, 1, 2, 1, 1, 0, 1, 2, 2, 1, 0])
    held, days, last_rule = hold_chronic(level[:, None])
    assert held[:, 0].tolist() == [0, 1, 2, 2, 2, 0, 1, 2, 2, 2, 0]
    assert days[:, 0].tolist() == [0, 0, 1, 2, 3, 0, 0, 1, 2, 3, 0]
    assert last_rule[:, 0].tolist() == [-1, -1, 2, 2, 2, 2, 2, 7, 8, 8, 8]
    # Watch never turns into chronic on its own, and columns are independent.
    assert hold_chronic(np.array([[1, 2], [1, 1]]))[0].tolist() == [[1, 2], [1, 2]]


def test_the_watch_window_speaks_for_watch_when_it_holds_itself() -> None:
    result = assess(history({d: [7] for d in weekdays(14)}), today=TODAY, tz=TZ)
    status = result.signs["fatigue"]
    assert (status.level, status.watch_window) == ("watch", 14)
    assert "over the last 2 weeks" in result.overall.explanation
    last = result.days[result.days["sign"] == "fatigue"].iloc[-1]
    assert last["window_watch"] == 14


def test_how_the_levels_work_names_the_windows_watch_looks_at() -> None:
    text = how_levels_work(T)
    assert "over the last 4 weeks, 6 weeks or 8 weeks taken together" in text
    assert "the last 2 weeks still averaged at least 0.5 points above" in text
    assert "over the last 4 weeks taken together" in how_levels_work(replace(T, long_window_days=0))


def test_how_the_levels_work_names_the_fixed_line_and_the_baseline_s_months() -> None:
    text = how_levels_work(T)
    # The fixed line is reached, not exceeded by a point: the rule compares with 6 - 1 + 1.
    assert "above your usual or earlier level, or at least the fixed line" in text
    assert "median over about six months" in text and "(the six months before that" in text
    longer = how_levels_work(replace(T, baseline_window_days=365))
    assert "median over about a year" in longer and "(the year before that" in longer


def test_the_longer_windows_follow_the_settings() -> None:
    assert chronic_windows(T) == (28, 42, 56)
    assert chronic_windows(replace(T, long_window_days=0)) == (28,)
    assert chronic_windows(replace(T, long_window_days=50)) == (28, 42, 50)
    assert chronic_windows(replace(T, watch_window_days=7, long_window_days=42)) == (
        28,
        35,
        42,
    )
    # A chronic window chosen longer than the longer windows (a setting saved before they
    # existed) still loads, and then chronic looks at that window alone.
    assert chronic_windows(replace(T, chronic_window_days=60)) == (60,)


def test_four_weeks_are_named_when_only_four_weeks_hold() -> None:
    status = assess(
        calm_then({d: [7, 7, 6] for d in weekdays(28)}, days=200), today=TODAY, tz=TZ
    ).signs["fatigue"]
    assert status.level == "chronic"
    assert status.chronic_window == 28


def test_a_calm_sign_is_explained_too() -> None:
    status = assess(calm_then({}), today=TODAY, tz=TZ).signs["fatigue"]
    assert status.level == "none"
    assert status.explanation.startswith("Fatigue stayed close to your usual level")
    assert "your usual level 3.0" in status.explanation


# --- The overall status.


def test_overall_at_chronic_gives_the_guides_actions_and_says_once_it_is_no_diagnosis() -> None:
    overall = assess(history({d: [7] for d in weekdays(28)}), today=TODAY, tz=TZ).overall
    assert overall.level == "chronic"
    assert overall.actions == GUIDE_ACTIONS
    assert all(action in overall.explanation for action in GUIDE_ACTIONS)
    assert overall.explanation.count("not a diagnosis") == 1
    assert NOT_A_DIAGNOSIS in overall.explanation


def test_overall_at_watch_has_no_actions() -> None:
    overall = assess(history({d: [7] for d in weekdays(14)}), today=TODAY, tz=TZ).overall
    assert overall.level == "watch"
    assert overall.actions == ()
    assert overall.explanation.startswith("Fatigue is worth watching")


def test_an_empty_history() -> None:
    assessment = assess(empty_sessions(), today=TODAY, tz=TZ)
    assert not assessment.has_data
    assert assessment.overall.level == "none"
    assert all(s.level == "none" and s.rolling_7d is None for s in assessment.signs.values())
    assert list(assessment.days.columns) == list(DAY_COLUMNS)


def test_the_per_day_frame_has_every_day_and_sign() -> None:
    assessment = assess(history({d: [7] for d in weekdays(28)}), today=TODAY, tz=TZ)
    days = assessment.days
    assert list(days.columns) == list(DAY_COLUMNS)
    assert len(days) == 3 * 26  # first logged day (a Monday) to today, three signs
    last = days[(days["sign"] == "fatigue")].iloc[-1]
    assert last["level"] == "chronic"
    assert set(days["level"].astype(str)) <= set(LEVELS)


# --- Hypothesis invariants.

session_rows = st.lists(
    st.tuples(
        st.integers(0, 59),  # days before today
        st.integers(7, 20),  # hour
        st.integers(0, 10),
        st.integers(0, 10),
        st.integers(0, 10),
    ),
    min_size=1,
    max_size=90,
    unique_by=lambda r: (r[0], r[1]),
)


Row = tuple[int, int, int, int, int]  # days before today, hour, dread, detachment, fatigue


def frame_of(rows: list[Row]) -> pd.DataFrame:
    return rated_sessions(
        [
            (f"{TODAY - timedelta(days=back)} {hour:02d}:00", d, de, f)
            for back, hour, d, de, f in rows
        ]
    )


def levels(frame: pd.DataFrame) -> dict[str, str]:
    return {s: v.level for s, v in assess(frame, today=TODAY, tz=TZ).signs.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=session_rows, seed=st.integers(0, 2**32 - 1))
def test_row_order_never_changes_a_level(rows: list[Row], seed: int) -> None:
    frame = frame_of(rows)
    shuffled = frame.sample(frac=1, random_state=np.random.RandomState(seed % 2**32))
    before = assess(frame, today=TODAY, tz=TZ)
    after = assess(shuffled.reset_index(drop=True), today=TODAY, tz=TZ)
    assert {s: v.level for s, v in before.signs.items()} == {
        s: v.level for s, v in after.signs.items()
    }
    pd.testing.assert_series_equal(before.days["level"], after.days["level"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=session_rows, back=st.integers(0, 13))
def test_adding_a_day_rated_all_zero_never_raises_a_level(rows: list[Row], back: int) -> None:
    # The added day lies in the weeks being judged (the baseline leaves those out).
    rows = [r for r in rows if r[0] != back]
    if not rows:
        return
    before = levels(frame_of(rows))
    after = levels(frame_of([*rows, (back, 12, 0, 0, 0)]))
    for sign in SIGNS:
        assert level_rank(after[sign]) <= level_rank(before[sign]), sign


# --- The EWMA chart.


def test_ewma_recursion_and_asymptotic_limits() -> None:
    values = np.array([1.0, 3.0, -2.0, 0.5])
    chart = ewma_chart(values, mean=0.5, sd=2.0, lam=0.25, L=3.0)
    z, expected = 0.5, []
    for x in values:
        z = 0.25 * x + 0.75 * z
        expected.append(z)
    np.testing.assert_allclose(chart.statistic, expected)
    width = 3.0 * 2.0 * np.sqrt(0.25 / 1.75)
    np.testing.assert_allclose(chart.upper, 0.5 + width)
    np.testing.assert_allclose(chart.lower, 0.5 - width)


def test_exact_limits_grow_towards_the_asymptotic_ones() -> None:
    exact = ewma_chart(np.zeros(200), mean=0.0, sd=1.0, lam=0.1, L=2.814, exact=True)
    asymptotic = ewma_chart(np.zeros(200), mean=0.0, sd=1.0, lam=0.1, L=2.814)
    assert exact.upper[0] == pytest.approx(2.814 * 0.1)  # sqrt(lam/(2-lam) * (1-(1-lam)^2))
    assert np.all(np.diff(exact.upper[:50]) > 0) and np.all(np.diff(exact.upper) >= 0)
    assert exact.upper[-1] == pytest.approx(asymptotic.upper[-1])


def test_the_signal_is_two_sided() -> None:
    chart = ewma_chart([5.0, -5.0, -5.0, 0.0], mean=0.0, sd=1.0, lam=0.5, L=3.0)
    assert chart.signal.tolist() == [True, False, True, False]


def test_rows_of_a_2d_input_are_independent_series() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(3, 50))
    both = ewma_chart(values, mean=0.0, sd=1.0, lam=0.2, L=2.962)
    for i in range(3):
        one = ewma_chart(values[i], mean=0.0, sd=1.0, lam=0.2, L=2.962)
        np.testing.assert_allclose(both.statistic[i], one.statistic)
        assert (both.signal[i] == one.signal).all()


@pytest.mark.parametrize(("lam", "sd"), [(0.0, 1.0), (1.5, 1.0), (0.2, 0.0)])
def test_bad_chart_parameters_are_refused(lam: float, sd: float) -> None:
    with pytest.raises(ValueError):
        ewma_chart([1.0], mean=0.0, sd=sd, lam=lam, L=3.0)


def run_lengths(
    lam: float, L: float, shift: float, runs: int, horizon: int, seed: int
) -> np.ndarray:
    """Steps until the first signal of ewma_chart on N(shift, 1) data, for many runs at once."""
    rng = np.random.default_rng(seed)
    lengths = []
    for _ in range(runs // 500):  # 500 runs at a time keeps memory small
        values = rng.normal(shift, 1.0, size=(500, horizon))
        signal = ewma_chart(values, mean=0.0, sd=1.0, lam=lam, L=L).signal
        lengths.append(np.where(signal.any(axis=1), signal.argmax(axis=1) + 1, horizon))
    return np.concatenate(lengths)


# Lucas & Saccucci (1990), as tabulated in Montgomery, Introduction to Statistical Quality
# Control: zero-state ARLs of the two-sided EWMA chart with asymptotic limits.
ARL_CASES = [
    (0.10, 2.814, 0.0, 500.0, 4000, 4000),
    (0.20, 2.962, 0.0, 500.0, 4000, 4000),
    (0.10, 2.814, 1.0, 10.3, 4000, 200),
    (0.20, 2.962, 1.0, 10.5, 4000, 200),
]


@pytest.mark.slow
@pytest.mark.parametrize(("lam", "L", "shift", "published", "runs", "horizon"), ARL_CASES)
def test_average_run_length_matches_the_published_value(
    lam: float, L: float, shift: float, published: float, runs: int, horizon: int
) -> None:
    lengths = run_lengths(lam, L, shift, runs, horizon, seed=20261126)
    assert (lengths < horizon).mean() > 0.999  # the horizon truncates (almost) nothing
    assert lengths.mean() == pytest.approx(published, rel=0.10)


def _daily(values: list[int], today: date) -> pd.DataFrame:
    """One session a day at `values` (every sign), the last one today."""
    rows = [
        ((today - timedelta(days=back)).isoformat() + " 10:00", v, v, v)
        for back, v in enumerate(reversed(values))
    ]
    return rated_sessions(rows)


def test_a_usual_level_that_just_began_counts_the_days_before_it_too() -> None:
    # Logging every day from the first: on day 24 the provisional usual level begins, and the
    # days before it have no level to be compared with. The sentence says so rather than "only
    # 1 day logged" to someone who logged every day.
    today = date(2025, 6, 30)
    status = assess(_daily([3] * 24, today), today=today, tz="Europe/Berlin").signs["dread"]
    assert status.baseline_source == "provisional"
    assert status.explanation.startswith(
        "Your usual level is new: only 1 of the 14 days you logged in the last 2 weeks came "
        "after it, too few to judge against it yet"
    )
    later = assess(_daily([3] * 30, today), today=today, tz="Europe/Berlin").signs["dread"]
    assert "across the 7 days you logged since your usual level began" in later.explanation


def test_an_average_at_the_fixed_line_is_never_said_to_stay_below_it() -> None:
    # Three days at 7, 6, 7 before any usual level: at the fixed line on average, too few days
    # to call a trend.
    today = date(2025, 6, 30)
    status = assess(_daily([7, 6, 7], today), today=today, tz="Europe/Berlin").signs["dread"]
    assert status.level == "none"
    assert "stayed below" not in status.explanation
    assert status.explanation.startswith(
        "Dread averaged 6.7 over the last 2 weeks, at or above the fixed line of 6, but not yet "
        "clearly enough to call a trend (raised on 3 of the 3 days you logged)"
    )


def test_the_usual_logging_rate_counts_every_day_of_its_window() -> None:
    # Every other day on days 0-28 (15 logged days), judged on day 70: the usual level's
    # window runs from day 0 to day 70 - 42 = 28, both included, 29 days.
    logged = np.zeros((71, 1), dtype=bool)
    logged[0:29:2] = True
    usual_logged = np.full((71, 1), 15.0)
    rate = _logging_rate(logged, usual_logged, T)
    assert rate[70, 0] == pytest.approx(15 / 29)
    assert np.isinf(rate[68, 0])  # 27 days of window: too few to say how often
    assert rate[69, 0] == pytest.approx(15 / 28)
