"""Tests of core/patterns.py: hand-computable cases, rules, invariants and planted-data rates."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from core.patterns import (
    COMPARISON_COLUMNS,
    compare_groups,
    find_patterns,
    finding_sentence,
    findings,
    patterns_payload,
    session_differences,
)
from core.schema import SIGNS, as_sessions
from core.settings import Thresholds, setting_fields
from evaluation.patterns import measure
from tests.factories import sessions_frame

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2025, 3, 3)


def frame_of(rows: list[tuple[datetime, str, int, int, int]], tags: list[list[str]] | None = None):
    """A session frame from (local start, client, dread, detachment, fatigue) rows."""
    return as_sessions(
        pd.DataFrame(
            {
                "started_at": [r[0] for r in rows],
                "client_code": [r[1] for r in rows],
                "dread": [r[2] for r in rows],
                "detachment": [r[3] for r in rows],
                "fatigue": [r[4] for r in rows],
                "scenarios": tags or [[] for _ in rows],
            }
        )
    )


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Berlin-local start time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def one_a_day(dread: list[int], clients: list[str]) -> pd.DataFrame:
    """One session a day at 10:00 on consecutive days, detachment and fatigue flat at 2."""
    return frame_of(
        [
            (at(MONDAY + timedelta(days=i), 10), c, d, 2, 2)
            for i, (d, c) in enumerate(zip(dread, clients, strict=True))
        ]
    )


HAND = Thresholds(pattern_days_each_side=2, pattern_baseline_min_days=1, pattern_min_history_days=1)


def test_the_baseline_is_the_median_of_nearby_days_without_the_session_itself() -> None:
    frame = one_a_day([3, 3, 3, 6, 3, 3, 3], ["Y", "Y", "Y", "X", "Y", "Y", "Y"])
    diffs = session_differences(frame, today=MONDAY + timedelta(days=10), tz=BERLIN, settings=HAND)
    # Day 4 (6 points) is judged against days 2, 3, 5, 6 (all 3): it sits 3 points above.
    assert diffs["dread_baseline"].tolist() == [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    assert diffs["dread_diff"].tolist() == [0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0]
    # Day 3's window is days 1, 2, 4, 5 = 3, 3, 6, 3: the median ignores the one high day.
    assert diffs.loc[2, "dread_baseline"] == 3.0


def test_a_window_with_too_few_other_days_gives_no_baseline() -> None:
    frame = one_a_day([3, 5], ["Y", "Y"])
    strict = Thresholds(pattern_days_each_side=2, pattern_baseline_min_days=2)
    diffs = session_differences(frame, today=MONDAY + timedelta(days=5), tz=BERLIN, settings=strict)
    assert diffs["dread_baseline"].isna().all()


def test_other_sessions_of_the_same_day_pull_the_baseline_towards_that_day() -> None:
    # Four quiet weeks, then one day where everyone is at 7: the day's own sessions say it was a
    # bad day, so a 7 that day sits far less above its baseline than the fortnight alone says.
    rows = []
    for i in range(28):
        day = MONDAY + timedelta(days=i)
        value = 7 if i == 14 else (2 if i % 2 else 3)
        rows += [(at(day, h), f"C-{h}", value, 2, 2) for h in (9, 10, 11, 13)]
    diffs = session_differences(frame_of(rows), today=MONDAY + timedelta(days=40), tz=BERLIN)
    bad_day = diffs[diffs["day"] == pd.Timestamp(MONDAY + timedelta(days=14))]
    assert (bad_day["dread_baseline"] > 3.0).all()
    assert (bad_day["dread_diff"] < 7 - 2.5).all()


def test_effect_interval_and_p_value_are_a_one_sample_t_test_without_pooling() -> None:
    # Alternate days of 3 and 3 make every baseline 3; client X's sessions sit at 4, 5, 7, 6, 8.
    dread = [3, 4, 3, 5, 3, 7, 3, 6, 3, 8, 3]
    clients = ["Y", "X", "Y", "X", "Y", "X", "Y", "X", "Y", "X", "Y"]
    plain_t = Thresholds(
        pattern_days_each_side=1,
        pattern_baseline_min_days=1,
        pattern_prior_df=0,
        pattern_min_history_days=1,
    )
    frame = one_a_day(dread, clients)
    diffs = session_differences(
        frame, today=MONDAY + timedelta(days=20), tz=BERLIN, settings=plain_t
    )
    x = diffs[diffs["client_code"] == "X"]
    assert x["dread_baseline"].tolist() == [3.0] * 5
    table = compare_groups(diffs, settings=plain_t)
    rows = table[(table["kind"] == "client") & (table["key"] == "X") & (table["sign"] == "dread")]
    row = rows.iloc[0]
    sample = np.array([1.0, 2.0, 4.0, 3.0, 5.0])
    expected = stats.ttest_1samp(sample, 0.0)
    low, high = stats.t.interval(0.95, 4, loc=sample.mean(), scale=stats.sem(sample))
    assert row["n"] == 5
    assert row["effect"] == pytest.approx(3.0)
    assert row["p"] == pytest.approx(expected.pvalue)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["n_above"] == 5
    assert row["share_above"] == 1.0


def test_q_values_are_benjamini_hochberg_over_every_comparison_shown() -> None:
    report = find_patterns(sessions_frame(seed=3), today=date(2025, 7, 6), tz=BERLIN)
    table = report.comparisons
    assert len(table) > 50
    expected = stats.false_discovery_control(table["p"].to_numpy(), method="bh")
    assert table["q"].to_numpy() == pytest.approx(expected)


def test_groups_smaller_than_three_sessions_never_appear() -> None:
    report = find_patterns(sessions_frame(seed=4), today=date(2025, 7, 6), tz=BERLIN)
    assert not report.comparisons.empty
    assert report.comparisons["n"].min() >= 3
    counts = report.sessions["client_code"].value_counts()
    rare = set(counts[counts < 3].index)
    assert rare.isdisjoint(report.comparisons.loc[report.comparisons["kind"] == "client", "key"])


@pytest.mark.parametrize(
    ("minutes_after", "back_to_back"),
    [
        (55, True),  # 50-minute session, 5-minute break
        (64, True),  # 14-minute break: still under 15
        (65, False),  # exactly 15 minutes' break is a break
        (90, False),
    ],
)
def test_back_to_back_means_a_break_under_15_minutes_after_a_50_minute_session(
    minutes_after: int, back_to_back: bool
) -> None:
    first = at(MONDAY, 9)
    frame = frame_of(
        [(first, "A", 3, 3, 3), (first + timedelta(minutes=minutes_after), "B", 3, 3, 3)]
    )
    diffs = session_differences(frame, today=MONDAY, tz=BERLIN)
    assert diffs["back_to_back"].tolist() == [False, back_to_back]


@pytest.mark.parametrize(
    ("first", "second", "back_to_back"),
    [
        # 01:50 summer time, then 02:45 winter time on 26 Oct 2025: 115 minutes apart.
        ("2025-10-25 23:50", "2025-10-26 01:45", False),
        # 01:30 winter time, then 03:10 summer time on 30 Mar 2025: 40 minutes apart.
        ("2025-03-30 00:30", "2025-03-30 01:10", True),
    ],
)
def test_back_to_back_counts_real_minutes_across_a_clock_change(
    first: str, second: str, back_to_back: bool
) -> None:
    utc = [pd.Timestamp(first, tz="UTC"), pd.Timestamp(second, tz="UTC")]
    frame = frame_of([(utc[0], "A", 3, 3, 3), (utc[1], "B", 3, 3, 3)])
    day = utc[1].tz_convert(BERLIN).date()
    diffs = session_differences(frame, today=day, tz=BERLIN)
    assert diffs["back_to_back"].tolist() == [False, back_to_back]


def test_the_first_session_of_a_day_is_never_back_to_back_with_yesterday() -> None:
    frame = frame_of(
        [(at(MONDAY, 23, 30), "A", 3, 3, 3), (at(MONDAY + timedelta(1), 0, 5), "B", 3, 3, 3)]
    )
    diffs = session_differences(frame, today=MONDAY + timedelta(1), tz=BERLIN)
    assert diffs["back_to_back"].tolist() == [False, False]


def test_day_groups_use_local_time() -> None:
    # 23:30 UTC on Sunday 30 March 2025 is 01:30 on Monday in Berlin (summer time began that day).
    utc = datetime(2025, 3, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    rows = [
        (utc, "A", 3, 3, 3),
        (at(date(2025, 3, 31), 9), "B", 3, 3, 3),
        (at(date(2025, 3, 31), 13, 5), "C", 3, 3, 3),
        (at(date(2025, 3, 31), 15), "D", 3, 3, 3),
        (at(date(2025, 3, 31), 18), "E", 3, 3, 3),
        (at(date(2025, 3, 31), 19, 0), "F", 3, 3, 3),
        (at(date(2025, 3, 31), 20, 0), "G", 3, 3, 3),
    ]
    diffs = session_differences(frame_of(rows), today=date(2025, 3, 31), tz=BERLIN)
    assert diffs["weekday"].astype(str).unique().tolist() == ["Monday"]
    assert diffs["time_of_day"].astype(str).tolist() == [
        "morning",
        "morning",
        "early afternoon",
        "late afternoon",
        "evening",
        "evening",
        "evening",
    ]
    assert diffs["position"].astype(str).tolist() == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "5th",
        "6th+",
        "6th+",
    ]
    assert diffs["load"].astype(str).unique().tolist() == ["7 sessions"]
    assert diffs["back_to_back"].tolist() == [False, False, False, False, False, True, True]


def test_sessions_after_today_are_left_out() -> None:
    frame = one_a_day([3, 3, 3, 3], ["Y"] * 4)
    diffs = session_differences(frame, today=MONDAY + timedelta(days=1), tz=BERLIN)
    assert len(diffs) == 2


def test_a_session_with_two_tags_counts_in_both_scenario_groups() -> None:
    days = [
        MONDAY + timedelta(days=i) for i in range(40) if (MONDAY + timedelta(days=i)).weekday() < 5
    ]
    rows = [(at(d, h), f"C-{h}", 3, 3, 3) for d in days for h in (9, 11)]
    tags = [
        ["crisis situation", "boundary pushing"] if h == 9 else [] for _ in days for h in (9, 11)
    ]
    report = find_patterns(frame_of(rows, tags), today=days[-1], tz=BERLIN)
    scenario = report.comparisons[report.comparisons["kind"] == "scenario"]
    assert set(scenario["key"]) == {"crisis situation", "boundary pushing"}
    assert set(scenario["n"]) == {len(days)}


def _planted(n_sessions: int) -> pd.DataFrame:
    """Four sessions a day on weekdays at dread 3; client X (Wednesdays, first n) at dread 7."""
    rows = []
    seen = 0
    for i in range(120):
        day = MONDAY + timedelta(days=i)
        if day.weekday() >= 5:
            continue
        for hour in (9, 11, 14, 16):
            client = f"C-{day.weekday()}{hour}"
            dread = 3 + (i + hour) % 3 - 1  # 2, 3 or 4: some spread, mean 3
            if day.weekday() == 2 and hour == 11 and seen < n_sessions:
                client, dread, seen = "X", 7, seen + 1
            rows.append((at(day, hour), client, dread, 3, 3))
    return frame_of(rows)


@pytest.mark.parametrize(
    ("n_sessions", "recurring"),
    [(3, False), (4, False), (5, True), (12, True)],
)
def test_a_clear_pattern_must_recur_at_least_five_times(n_sessions: int, recurring: bool) -> None:
    report = find_patterns(_planted(n_sessions), today=MONDAY + timedelta(days=130), tz=BERLIN)
    table = report.comparisons
    x = table[(table["kind"] == "client") & (table["key"] == "X") & (table["sign"] == "dread")]
    assert len(x) == 1
    assert bool(x["recurring"].iloc[0]) is recurring
    assert x["effect"].iloc[0] > 3
    # Detachment and fatigue were not planted: never recurring.
    assert not table[(table["key"] == "X") & (table["sign"] != "dread")]["recurring"].any()


def test_effects_below_the_usual_are_never_recurring() -> None:
    frame = _planted(12)
    frame.loc[frame["client_code"] == "X", "dread"] = 0
    table = find_patterns(frame, today=MONDAY + timedelta(days=130), tz=BERLIN).comparisons
    x = table[(table["key"] == "X") & (table["sign"] == "dread")].iloc[0]
    assert x["effect"] < -2 and x["q"] < 0.05
    assert not x["recurring"]


def test_the_finding_reads_like_the_issue_example() -> None:
    row = pd.Series(
        {"kind": "client", "key": "C-07", "sign": "dread", "effect": 2.43, "n": 9, "n_above": 8}
    )
    assert finding_sentence(row) == (
        "Sessions with C-07 leave your dread 2.4 points above your usual "
        "(9 sessions, 8 of them above)."
    )


@pytest.mark.parametrize(
    ("kind", "key", "start"),
    [
        ("scenario", "boundary pushing", "Sessions tagged “boundary pushing” leave"),
        ("weekday", "Wednesday", "Sessions on Wednesdays leave"),
        ("time_of_day", "late afternoon", "Sessions in the late afternoon (15:00–18:00) leave"),
        ("position", "3rd", "Sessions that are your 3rd of the day leave"),
        ("position", "6th+", "Sessions that are your 6th or later of the day leave"),
        ("load", "8+ sessions", "Sessions on days with 8 or more sessions leave"),
        (
            "back_to_back",
            "back-to-back",
            "Back-to-back sessions (less than 15 minutes' break) leave",
        ),
    ],
)
def test_every_kind_has_a_plain_sentence(kind: str, key: str, start: str) -> None:
    row = pd.Series(
        {"kind": kind, "key": key, "sign": "fatigue", "effect": 1.0, "n": 6, "n_above": 5}
    )
    assert finding_sentence(row).startswith(start)
    assert "1.0 point above your usual (6 sessions, 5 of them above)." in finding_sentence(row)


def test_findings_list_recurring_comparisons_largest_first() -> None:
    report = find_patterns(_planted(12), today=MONDAY + timedelta(days=130), tz=BERLIN)
    sentences = findings(report.comparisons)
    assert sentences and sentences[0].startswith("Sessions with X leave your dread")
    assert len(sentences) == int(report.comparisons["recurring"].sum())


def test_empty_and_thin_histories_get_a_friendly_state() -> None:
    empty = find_patterns(as_sessions(one_a_day([], [])), today=MONDAY, tz=BERLIN)
    assert empty.status == "empty" and "4 weeks" in empty.message
    assert list(empty.comparisons.columns) == list(COMPARISON_COLUMNS)
    thin = find_patterns(
        one_a_day([3] * 10, ["Y"] * 10), today=MONDAY + timedelta(days=10), tz=BERLIN
    )
    assert thin.status == "thin" and "about 4 weeks" in thin.message and "10 days" in thin.message
    assert thin.comparisons.empty


def test_since_limits_the_compared_sessions_but_not_their_baselines() -> None:
    frame = sessions_frame(seed=5)
    full = find_patterns(frame, today=date(2025, 7, 6), tz=BERLIN)
    recent = find_patterns(frame, today=date(2025, 7, 6), tz=BERLIN, since=date(2025, 5, 1))
    assert recent.comparisons["n"].max() < full.comparisons["n"].max()
    in_period = full.sessions[full.sessions["day"] >= pd.Timestamp(2025, 5, 1)]
    assert recent.sessions.equals(in_period.reset_index(drop=True))
    assert len(recent.sessions) < len(full.sessions)


def test_the_payload_is_json_with_exactly_the_issue_fields() -> None:
    report = find_patterns(sessions_frame(seed=6), today=date(2025, 7, 6), tz=BERLIN)
    payload = patterns_payload(report.comparisons)
    assert len(payload) == len(report.comparisons)
    assert set(payload[0]) == {
        "kind",
        "key",
        "sign",
        "effect",
        "ci_low",
        "ci_high",
        "n",
        "q",
        "recurring",
    }
    assert {p["sign"] for p in payload} == set(SIGNS)
    assert {p["kind"] for p in payload} <= {
        "client",
        "scenario",
        "weekday",
        "time_of_day",
        "position",
        "load",
        "back_to_back",
    }
    json.dumps(payload, allow_nan=False)


def test_the_pattern_settings_live_in_thresholds_with_a_reason_each() -> None:
    names = {f.name: f for f in setting_fields()}
    for name in ("back_to_back_gap_minutes", "session_minutes", "pattern_min_sessions_shown"):
        assert len(names[name].metadata["help"]) > 20
    assert Thresholds().pattern_min_sessions_shown == 3
    assert names["pattern_min_sessions_shown"].metadata["min"] == 3  # never fewer than 3


SHORT = sessions_frame(seed=11, days=70)


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_never_changes_a_result(rng) -> None:
    order = list(range(len(SHORT)))
    rng.shuffle(order)
    shuffled = SHORT.iloc[order].reset_index(drop=True)
    a = find_patterns(SHORT, today=date(2025, 3, 16), tz=BERLIN).comparisons
    b = find_patterns(shuffled, today=date(2025, 3, 16), tz=BERLIN).comparisons
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=-2, max_value=2))
def test_moving_every_rating_by_the_same_amount_changes_no_effect(shift: int) -> None:
    # The baseline is local: a therapist who rates everything one point higher has the same
    # patterns. Ratings are squeezed into 2..8 first so the shift never hits the 0-10 bounds.
    base = SHORT.copy()
    for sign in SIGNS:
        base[sign] = base[sign].clip(2, 8)
    moved = base.copy()
    for sign in SIGNS:
        moved[sign] = moved[sign] + shift
    a = find_patterns(base, today=date(2025, 3, 16), tz=BERLIN).comparisons
    b = find_patterns(moved, today=date(2025, 3, 16), tz=BERLIN).comparisons
    columns = ["effect", "ci_low", "ci_high", "p", "q"]
    assert a[["kind", "key", "sign", "n"]].equals(b[["kind", "key", "sign", "n"]])
    assert np.allclose(a[columns].to_numpy(), b[columns].to_numpy())


@pytest.mark.slow
def test_planted_patterns_are_found_and_neutral_ones_are_not_on_100_seeds() -> None:
    rates = measure(range(100))
    assert rates.planted_dread_flagged >= 0.90
    assert rates.planted_fatigue_not_flagged >= 0.90
    assert rates.bad_month_client_not_flagged >= 0.95
    assert rates.nothing_planted_any_flag <= 0.10
    # The bad month is real: judged against the whole history, the neutral client looks costly.
    assert rates.bad_month_blamed_by_global_baseline >= 0.90


def test_benjamini_hochberg_and_student_t_match_scipy_stats() -> None:
    # core.patterns leaves scipy.stats out for the server's memory; its pieces must agree.
    from scipy import special, stats

    from core.patterns import benjamini_hochberg

    rng = np.random.default_rng(7)
    for size in (1, 2, 5, 40, 300):
        p = rng.uniform(0, 1, size) ** 3
        p[: size // 4] = p[0]  # ties
        np.testing.assert_allclose(
            benjamini_hochberg(p), stats.false_discovery_control(p, method="bh")
        )
    df = np.array([2.0, 4.5, 12.0, 80.0])
    t_value = np.array([0.0, 1.3, 2.7, 6.0])
    np.testing.assert_allclose(2 * special.stdtr(df, -t_value), 2 * stats.t.sf(t_value, df))
    np.testing.assert_allclose(special.stdtrit(df, 0.975), stats.t.ppf(0.975, df))
