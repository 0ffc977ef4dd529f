"""Every threshold of the analysis in one typed, frozen settings object.

Each field carries its default and a sentence of why (datasette's `Setting` habit), plus the
range a user may choose from on the Settings page. To add a setting, add one field built with
`setting(default, help, minimum=..., maximum=...)`; storage (data.settings_store), the Settings
page and the README check (tests/test_docs.py) pick it up from the metadata. Cross-field rules
go in `Thresholds._check_combination`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, Final, Self


class SettingsError(ValueError):
    """A threshold value that was refused, with a message meant for the therapist."""


def setting(
    default: float | int | bool, help: str, *, minimum: float = 0, maximum: float = math.inf
) -> Any:
    """A dataclass field for one threshold: its default, a sentence of why, its allowed range."""
    return field(default=default, metadata={"help": help, "min": minimum, "max": maximum})


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of day values, baselines and warning levels (see README, "Warning levels")."""

    absolute_threshold: float = setting(
        6.0,
        "The fixed line: a sign averaging this much or more over a window counts as raised "
        "whatever your usual level, since above the scale's middle (5 = moderate) is a lot to "
        "carry every day. It must also stand clearly above the middle (this line less the "
        "smallest rise).",
        minimum=1,
        maximum=10,
    )
    rise_points: float = setting(
        1.0,
        "The smallest rise worth a warning: a window must average at least this many points "
        "above the level it is compared with. Smaller changes may be real but are too small "
        "to feel.",
        minimum=0.25,
        maximum=10,
    )
    day_margin_points: float = setting(
        0.5,
        "A logged day counts as raised when it is at least this many points above the level "
        "it is compared with; watch needs at least half the logged days of its fortnight "
        "raised, and chronic at least half of each part of its window, so a warning rests on "
        "most days, not on a few high ones.",
        minimum=0,
        maximum=10,
    )
    day_clip_spreads: float = setting(
        2.5,
        "In a window's average, one day counts at most this many of your day-to-day spreads "
        "above or below the level it is compared with, so a single extreme day cannot carry "
        "the window.",
        minimum=1,
        maximum=10,
    )
    min_spread: float = setting(
        0.5,
        "The smallest day-to-day spread assumed, in points, so very steady ratings do not make "
        "a tiny rise look alarming.",
        minimum=0.1,
        maximum=5,
    )
    assumed_spread: float = setting(
        1.2,
        "The day-to-day spread assumed until your own can be measured (a typical spread of "
        "day averages of these ratings).",
        minimum=0.1,
        maximum=5,
    )
    spread_prior_days: float = setting(
        10.0,
        "Your measured spread is pooled with the assumed one as if that were this many days "
        "of history: a few weeks of correlated days have seen too few spells to show how far "
        "your ratings swing.",
        minimum=0,
        maximum=1000,
    )
    day_correlation: float = setting(
        0.7,
        "How much one day's ratings are assumed to resemble the next day's (0 = not at all): "
        "moods run in spells, so ten logged days know less than ten separate ones. The high "
        "end of what diary studies report keeps false alarms rare for everyone; once your "
        "usual level is personal, your own measured correlation may lower it, never raise it.",
        minimum=0,
        maximum=0.95,
    )
    correlation_prior_pairs: float = setting(
        30.0,
        "How much your own day-to-day correlation counts: it is measured from pairs of days "
        "up to a week apart in the months behind your usual level, and pooled with the assumed "
        "one as if that were this many pairs, so a part-time history moves it less.",
        minimum=0,
        maximum=100000,
    )
    correlation_margin: float = setting(
        0.2,
        "Added to your measured day-to-day correlation before it is used: a few months of "
        "days measure it to about a tenth either way, and erring low would raise false alarms.",
        minimum=0,
        maximum=0.95,
    )
    min_day_correlation: float = setting(
        0.4,
        "The lowest day-to-day correlation ever used, however independent your days look: "
        "more than a measurement from a few months can rule out.",
        minimum=0,
        maximum=0.95,
    )
    watch_window_days: int = setting(
        14,
        "Watch looks at the last this-many days: about two weeks, as in the Swedish "
        "exhaustion-disorder criteria (symptoms on most days for at least two weeks).",
        minimum=7,
        maximum=60,
    )
    chronic_window_days: int = setting(
        28,
        "Chronic looks at the last this-many days, split into two halves: an elevation that "
        "persists about four weeks is more than a bad patch.",
        minimum=14,
        maximum=120,
    )
    long_window_days: int = setting(
        56,
        "Chronic also looks further back, in steps of the watch window up to this many days "
        "(42 and 56 days by default), with the same tests: a rise that has lasted longer "
        "shows more clearly over more days, even when it is small or your days are noisy. "
        "0, or no more than the chronic window, turns this off.",
        minimum=0,
        maximum=182,
    )
    min_part_days: int = setting(
        8,
        "In a longer chronic window, the recent part reaches back a week at a time (up to half "
        "the window) until your usual logging would put at least this many logged days in it: "
        "two weeks of someone who works two days a week hold four, too few to show a rise on "
        "their own, so they are judged on the last four weeks of eight and the four before.",
        minimum=1,
        maximum=28,
    )
    watch_evidence: float = setting(
        2.1,
        "How clearly the watch window's average must stand above the level it is compared "
        "with, in standard errors (allowing for how many days you logged and how alike "
        "neighbouring days are): 2.1 is wrong about one time in 56 on a given day, which keeps "
        "watch under 3% of a calm year's days even for noisy days that run in spells.",
        minimum=1,
        maximum=6,
    )
    chronic_evidence: float = setting(
        3.0,
        "How clearly the chronic window's average must stand above the level it is compared "
        "with, in standard errors: 3 is wrong about one time in 740, since the level is judged "
        "every day of the year on three signs. A chronic window this clear as a whole, though "
        "not in every part, shows watch.",
        minimum=1,
        maximum=6,
    )
    part_evidence: float = setting(
        2.5,
        "Chronic also needs each part of its window (the last two weeks, longer if you log "
        "only a day or two a week, and the weeks before) to show the rise on its own, this "
        "clearly (in standard errors): a spell of a week or two cannot make four weeks look "
        "high.",
        minimum=0,
        maximum=6,
    )
    left_out_days: int = setting(
        7,
        "Chronic also needs the rise to last with any this-many days in a row left out of its "
        "window (still at least the smallest rise on average, as clearly as chronic asks of "
        "the whole window): one terrible week cannot make four weeks chronic. 0 turns this "
        "off.",
        minimum=0,
        maximum=60,
    )
    min_raised_days_watch: int = setting(
        3,
        "Watch also needs at least this many raised days in its window, so one or two bad "
        "days are never enough.",
        minimum=1,
        maximum=30,
    )
    min_raised_days_chronic: int = setting(
        4,
        "Chronic also needs at least this many raised days in its window (one a week, enough "
        "even if you log only once or twice a week).",
        minimum=1,
        maximum=60,
    )
    min_coverage_share: float = setting(
        0.25,
        "A rolling 7- or 28-day average is shown only when at least this share of its days "
        "were logged (2 of 7, 7 of 28), so one day cannot pose as a week.",
        minimum=0.05,
        maximum=1,
    )
    baseline_window_days: int = setting(
        182,
        "Your usual level is the median of your day values over about the last six months, "
        "long enough to be steady and short enough to follow real change.",
        minimum=28,
        maximum=730,
    )
    baseline_exclude_days: int = setting(
        42,
        "The most recent this-many days are left out of your usual level, because they are the "
        "weeks being judged: a rise must not hide itself by raising the baseline.",
        minimum=7,
        maximum=120,
    )
    baseline_min_days: int = setting(
        20,
        "Your usual level needs at least this many logged days in its window (about a month "
        "of work); with fewer, the short-history fallback is used.",
        minimum=5,
        maximum=200,
    )
    fallback_exclude_days: int = setting(
        14,
        "While history is short, the usual level is taken from everything except the last "
        "this-many days (the watch window), so a new user still gets a personal baseline.",
        minimum=7,
        maximum=60,
    )
    fallback_min_days: int = setting(
        10,
        "While history is short, a provisional usual level needs at least this many logged "
        "days that are two weeks old or more; before that only the fixed line applies.",
        minimum=3,
        maximum=100,
    )
    break_days: int = setting(
        56,
        "A gap of at least this many days without entries is a break: when one reaches into "
        "the months behind your usual level and leaves them too few entries, the level is "
        "taken from before it and the sentence names the last entry before the break "
        '(never "history is still short").',
        minimum=14,
        maximum=730,
    )
    ewma_lambda: float = setting(
        0.2,
        "Weight of each new day in the EWMA trend line of the per-day data: 0.2 remembers "
        "about the last two weeks of logged days.",
        minimum=0.01,
        maximum=1,
    )
    ewma_limit: float = setting(
        2.962,
        "Width of the EWMA control limit (L, in standard errors): 2.962 with weight 0.2 gives "
        "one false signal per 500 days on independent data (Lucas & Saccucci 1990). Shown in "
        "the per-day data; the levels rest on the window averages.",
        minimum=1,
        maximum=5,
    )
    # Recurring patterns (core.patterns; README "Patterns").
    pattern_days_each_side: int = setting(
        7,
        "A session is compared with your day values this many days either side of it: a "
        "fortnight is local enough to follow a bad month, wide enough for a steady median.",
        minimum=1,
        maximum=60,
    )
    pattern_baseline_min_days: int = setting(
        3,
        "A session gets a local baseline only when at least this many other days in that "
        "fortnight were logged; fewer is too noisy to compare with.",
        minimum=1,
        maximum=60,
    )
    session_minutes: int = setting(
        50,
        "Assumed length of a session: entries hold only a start time, so the break between two "
        "sessions is start-to-start minus this.",
        minimum=10,
        maximum=240,
    )
    back_to_back_gap_minutes: int = setting(
        15,
        "A break shorter than this between two sessions makes the second one back-to-back.",
        minimum=0,
        maximum=120,
    )
    pattern_prior_df: float = setting(
        10.0,
        "How much a group's spread is pooled with the spread of all your sessions (in degrees "
        "of freedom): a handful of sessions says little about its own variability.",
        minimum=0,
        maximum=1000,
    )
    pattern_min_sessions_shown: int = setting(
        3,
        "Groups with fewer sessions than this are never shown: two sessions say nothing about "
        "a pattern.",
        minimum=3,
        maximum=100,
    )
    pattern_min_sessions_recurring: int = setting(
        5,
        "A group needs at least this many sessions before it can be called recurring: it must "
        "actually have recurred.",
        minimum=3,
        maximum=100,
    )
    pattern_q_cutoff: float = setting(
        0.05,
        "False-discovery cut-off (Benjamini–Hochberg q) across every comparison shown: with "
        "many clients and times compared, some look different by chance alone.",
        minimum=0.001,
        maximum=0.5,
    )
    pattern_min_effect: float = setting(
        1.0,
        "Smallest difference from your usual, in points on the 0–10 scale, worth calling a "
        "pattern; smaller ones may be real but are too small to feel.",
        minimum=0,
        maximum=10,
    )
    pattern_min_interval_low: float = setting(
        0.8,
        "The cautious end of the 95% interval must reach this many points too, so small real "
        "client-to-client differences are not called patterns.",
        minimum=0,
        maximum=10,
    )
    pattern_min_history_days: int = setting(
        28,
        "Patterns need about four weeks of entries before they mean anything.",
        minimum=1,
        maximum=365,
    )

    # The periodic check-in (core.checkin; docs/CHECKIN.md).
    checkin_every_days: int = setting(
        28,
        "A check-in questionnaire is due this many days after the last one: about monthly, so "
        "each check-in can be set beside the four weeks of session ratings before it and a "
        "change between two check-ins has had time to happen.",
        minimum=7,
        maximum=182,
    )
    proqol_enabled: bool = setting(
        False,
        "Also offer the ProQOL 5 (compassion satisfaction, burnout, secondary traumatic stress) "
        "at each check-in. Off by default: its 30 items take longer than the CBI's 19, and its "
        "burnout and secondary-traumatic-stress scales hold up less well in some studies.",
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            # Normalise 14.0 to 14 for whole-number fields: forms and JSON hand back floats.
            object.__setattr__(self, f.name, _checked(f, getattr(self, f.name)))
        self._check_combination()

    def _check_combination(self) -> None:
        if self.chronic_window_days <= self.watch_window_days:
            raise SettingsError(
                "The chronic window must be longer than the watch window "
                f"({self.chronic_window_days} days is not more than {self.watch_window_days})."
            )
        if self.left_out_days >= self.chronic_window_days:
            raise SettingsError(
                "The days left out of the chronic window must be fewer than the window holds "
                f"({self.left_out_days} left out, window {self.chronic_window_days} days)."
            )
        if self.min_day_correlation > self.day_correlation:
            raise SettingsError(
                "The lowest day correlation used cannot be above the assumed one "
                f"({self.min_day_correlation:g} is above {self.day_correlation:g})."
            )
        if self.baseline_min_days > self.baseline_window_days:
            raise SettingsError(
                "The baseline cannot need more logged days than its window holds "
                f"({self.baseline_min_days} needed, window {self.baseline_window_days} days)."
            )

    def to_mapping(self) -> dict[str, float | int | bool]:
        """Every threshold by field name, as plain JSON-ready numbers."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Self:
        """Thresholds from a mapping; missing keys keep their defaults, unknown keys are ignored.

        Raises SettingsError (in plain words) when a value is of the wrong kind or out of range.
        """
        known = {f.name: f for f in fields(cls)}
        chosen = {
            name: coerce(known[name], value) for name, value in values.items() if name in known
        }
        return cls(**chosen)


def setting_fields() -> tuple[Field[Any], ...]:
    """The fields of Thresholds, in declaration order (for forms, storage and docs)."""
    return fields(Thresholds)


TITLES: Final[dict[str, str]] = {
    "absolute_threshold": "Fixed line (points)",
    "rise_points": "Smallest rise worth a warning (points)",
    "day_margin_points": "A day counts as raised from (points above)",
    "day_clip_spreads": "Most that one day can weigh (spreads)",
    "min_spread": "Smallest day-to-day spread (points)",
    "assumed_spread": "Day-to-day spread assumed at first (points)",
    "spread_prior_days": "Weight of the assumed spread (days)",
    "day_correlation": "How alike neighbouring days are assumed to be",
    "correlation_prior_pairs": "Weight of that assumption (pairs of days)",
    "correlation_margin": "Margin added to your measured likeness of days",
    "min_day_correlation": "Lowest likeness of days ever used",
    "watch_window_days": "Watch looks back (days)",
    "chronic_window_days": "Chronic looks back (days)",
    "long_window_days": "Chronic also looks back up to (days)",
    "min_part_days": "Logged days in the recent part of a longer window",
    "watch_evidence": "How clear a rise watch needs (standard errors)",
    "chronic_evidence": "How clear a rise chronic needs (standard errors)",
    "part_evidence": "How clear each part of chronic's window must be (standard errors)",
    "left_out_days": "Worst stretch left out in the chronic test (days)",
    "min_raised_days_watch": "Raised days watch needs at least",
    "min_raised_days_chronic": "Raised days chronic needs at least",
    "min_coverage_share": "Share of days logged to show an average",
    "baseline_window_days": "Usual level: days it looks back",
    "baseline_exclude_days": "Usual level: recent days left out",
    "baseline_min_days": "Usual level: logged days it needs",
    "fallback_exclude_days": "Short history: recent days left out",
    "fallback_min_days": "Short history: logged days a provisional level needs",
    "break_days": "A break: days without entries",
    "ewma_lambda": "Trend line (EWMA): weight of each new day",
    "ewma_limit": "Trend line (EWMA): control limit (standard errors)",
    "pattern_days_each_side": "Patterns: days either side for a session's local level",
    "pattern_baseline_min_days": "Patterns: logged days a local level needs",
    "session_minutes": "Length of a session (minutes)",
    "back_to_back_gap_minutes": "A shorter break makes sessions back-to-back (minutes)",
    "pattern_prior_df": "Patterns: weight of your overall spread",
    "pattern_min_sessions_shown": "Patterns: sessions a group needs to be shown",
    "pattern_min_sessions_recurring": "Patterns: sessions a group needs to be recurring",
    "pattern_q_cutoff": "Patterns: share of false findings allowed",
    "pattern_min_effect": "Patterns: smallest difference worth calling a pattern (points)",
    "pattern_min_interval_low": "Patterns: the cautious end must reach (points)",
    "pattern_min_history_days": "Patterns: days of entries needed",
    "checkin_every_days": "A check-in every (days)",
    "proqol_enabled": "Offer the ProQOL 5 at check-ins",
}
"""What the Settings page and its messages call each setting: plain words, the unit last."""

EVERYDAY: Final = frozenset(
    {
        "absolute_threshold",
        "rise_points",
        "watch_window_days",
        "chronic_window_days",
        "session_minutes",
        "back_to_back_gap_minutes",
        "checkin_every_days",
        "proqol_enabled",
    }
)
"""The settings a therapist may well want to change; the rest are the statistics' own."""


def label(name: str) -> str:
    """What a setting is called where people read it, e.g. 'Watch looks back (days)'."""
    return TITLES.get(name) or name.replace("_", " ").capitalize()


def default_of(f: Field[Any]) -> Any:
    """The default value of a Thresholds field."""
    assert f.default is not MISSING
    return f.default


def shown_default(f: Field[Any]) -> str:
    """The default as people read it: "on" or "off" for a yes/no setting, else the number."""
    default = default_of(f)
    if isinstance(default, bool):
        return "on" if default else "off"
    return f"{default:g}"


def coerce(f: Field[Any], value: Any) -> Any:
    """Convert a stored or typed value to the field's kind (int, float or bool) or say why not."""
    kind = type(default_of(f))
    name = label(f.name)
    if isinstance(value, bool) and kind is not bool:
        raise SettingsError(f"{name} must be a number, not yes/no.")
    if kind is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{name} must be yes or no.")
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a number.") from None
    if not math.isfinite(number):
        raise SettingsError(f"{name} must be a finite number.")
    if kind is int:
        if number != int(number):
            raise SettingsError(f"{name} must be a whole number.")
        return int(number)
    return number


def check_value(name: str, value: Any) -> Any:
    """One threshold's value converted and range-checked on its own (no cross-field rules)."""
    known = {f.name: f for f in fields(Thresholds)}
    if name not in known:
        raise SettingsError(f"There is no setting called {name!r}.")
    return _checked(known[name], value)


def _checked(f: Field[Any], raw: Any) -> Any:
    value = coerce(f, raw)
    if isinstance(value, bool):
        return value
    low, high = f.metadata.get("min"), f.metadata.get("max")
    if low is not None and value < low:
        raise SettingsError(f"{label(f.name)} must be at least {low:g} (it was {value:g}).")
    if high is not None and value > high:
        raise SettingsError(f"{label(f.name)} must be at most {high:g} (it was {value:g}).")
    return value
