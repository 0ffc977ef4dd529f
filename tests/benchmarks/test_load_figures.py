"""The practice load run's arithmetic: percentiles, memory per session, saved against confirmed."""

from __future__ import annotations

import pytest

from benchmarks.load_figures import (
    Line,
    RowCheck,
    check_rows,
    latency_lines,
    markdown,
    mib_per_session,
    percentile,
    ratio_line,
)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 95, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # order does not matter
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        (list(map(float, range(1, 21))), 95, 19.05),  # numpy.percentile's linear rule
        (list(map(float, range(101))), 95, 95.0),
    ],
)
def test_percentile_interpolates_between_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert percentile(values, q) == pytest.approx(expected)


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_refuses_what_has_none(values: list[float], q: float) -> None:
    with pytest.raises(ValueError):
        percentile(values, q)


@pytest.mark.parametrize(
    ("one", "many", "sessions", "expected"),
    [
        (200.0, 390.0, 20, 10.0),
        (200.0, 200.0, 5, 0.0),
        (300.0, 290.0, 11, -1.0),
        (100.0, 130.0, 2, 30.0),
    ],
)
def test_memory_per_additional_session(
    one: float, many: float, sessions: int, expected: float
) -> None:
    assert mib_per_session(one, many, sessions) == pytest.approx(expected)


def test_memory_per_session_needs_two_sessions() -> None:
    with pytest.raises(ValueError):
        mib_per_session(200.0, 250.0, 1)


def test_rows_saved_against_confirmed_per_account() -> None:
    checks = check_rows({"b": 7, "a": 5, "c": 3}, {"a": 5, "b": 6, "d": 2})
    assert checks == [
        RowCheck("a", 5, 5),
        RowCheck("b", 7, 6),
        RowCheck("c", 3, 0),
        RowCheck("d", 0, 2),
    ]
    assert [(c.lost, c.extra) for c in checks] == [(0, 0), (0, 1), (0, 3), (2, 0)]


def test_a_lost_row_in_one_account_is_not_hidden_by_an_extra_in_another() -> None:
    checks = check_rows({"a": 4, "b": 6}, {"a": 5, "b": 5})
    assert sum(c.saved for c in checks) == sum(c.confirmed for c in checks)
    assert (sum(c.lost for c in checks), sum(c.extra for c in checks)) == (1, 1)


@pytest.mark.parametrize(("loaded", "alone", "holds"), [(0.2, 0.1, True), (0.21, 0.1, False)])
def test_ratio_line_against_its_limit(loaded: float, alone: float, holds: bool) -> None:
    line = ratio_line("save p95", loaded, alone, 2.0)
    assert (line.target, line.holds) == ("≤ 2×", holds)


def test_markdown_says_yes_or_no_per_target() -> None:
    table = markdown([Line("a", "1", "≤ 2", True), Line("b", "3", "≤ 2", False), Line("c", "x")])
    assert table.splitlines()[2:] == [
        "| a | 1 | ≤ 2 | yes |",
        "| b | 3 | ≤ 2 | **no** |",
        "| c | x |  |  |",
    ]


def test_latency_lines_give_the_spread_and_both_ratios() -> None:
    lines = latency_lines("save: click → shown", 20, [0.1, 0.2, 0.3], [0.2, 0.4, 0.6], 2.0)
    assert [line.measure for line in lines] == [
        "save: click → shown, 1 user",
        "save: click → shown, 20 users at once",
        "save p95, 20 users ÷ 1 user",
        "save p50, 20 users ÷ 1 user",
    ]
    assert lines[0].value == "p50 200 ms, p95 290 ms (3 runs, 100 ms–300 ms)"
    assert (lines[2].value, lines[2].holds) == ("2.00×", True)
    assert lines[3].value == "2.00×"


def test_a_run_too_short_for_a_kind_of_step_says_so_instead_of_failing() -> None:
    lines = latency_lines("Review: click → chart", 2, [0.5], [], 3.0)
    assert lines[1].value.startswith("none in this run")
    (ratio,) = lines[2:]
    assert ratio.value.startswith("not measured") and ratio.holds is False
