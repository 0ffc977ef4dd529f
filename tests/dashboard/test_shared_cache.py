"""The caches of what others share: keyed by the reader's account and the content just read."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

import core.practice
import core.warnings
from core.settings import Thresholds
from dashboard.cache import (
    cached_practice_counts,
    cached_shared_assessment,
    content_digest,
    shared_key,
)
from tests.factories import sessions_frame

pytestmark = pytest.mark.usefixtures("empty_caches")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counts: Counter[str] = Counter()
    for module, name in ((core.warnings, "assess"), (core.practice, "level_counts")):
        original = getattr(module, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            counts[_name] += 1
            return _original(*args, **kw)

        monkeypatch.setattr(module, name, spy)
    return counts


def test_each_reader_and_each_content_gets_its_own_analysis(builds: Counter[str]) -> None:
    sessions, thresholds = sessions_frame(days=60), Thresholds()
    sue = shared_key(account=3, owner=2, frames=[sessions], settings=[thresholds])
    cached_shared_assessment(sue, sessions=sessions, thresholds=thresholds)
    cached_shared_assessment(sue, sessions=sessions, thresholds=thresholds)
    assert builds["assess"] == 1
    bob = replace(sue, account=4)  # the same ratings read by someone else: never shared
    cached_shared_assessment(bob, sessions=sessions, thresholds=thresholds)
    assert builds["assess"] == 2
    fewer = sessions.iloc[:-1]
    changed = shared_key(account=3, owner=2, frames=[fewer], settings=[thresholds])
    assert changed != sue
    cached_shared_assessment(changed, sessions=fewer, thresholds=thresholds)
    assert builds["assess"] == 3


def test_the_digest_follows_content_and_settings_not_order() -> None:
    a, b = sessions_frame(days=30, seed=1), sessions_frame(days=30, seed=2)
    t, strict = Thresholds(), Thresholds(absolute_threshold=5.0)
    assert content_digest([a, b], [t, t]) == content_digest([b, a], [t, t])
    assert content_digest([a, b], [t, t]) != content_digest([a, b], [t, strict])
    assert content_digest([a], [t]) != content_digest([b], [t])


def test_practice_counts_are_cached_per_lead(builds: Counter[str]) -> None:
    members = [(sessions_frame(days=40, seed=seed), Thresholds()) for seed in range(3)]
    frames, settings = [m for m, _ in members], [t for _, t in members]
    lead = shared_key(account=5, owner=0, frames=frames, settings=settings)
    first = cached_practice_counts(lead, members=members)
    cached_practice_counts(lead, members=members)
    assert builds["level_counts"] == 1
    cached_practice_counts(replace(lead, account=6), members=members)
    assert builds["level_counts"] == 2
    assert int(first.iloc[-1][["none", "watch", "chronic"]].sum()) == 3
