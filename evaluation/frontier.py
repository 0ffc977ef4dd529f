"""What any rule could detect: an oracle detector on a Gaussian twin of each history.

The detection grid (evaluation.detection) measures the warning levels against fixed targets.
Where they miss, is the rule to blame or the data? This module answers with a detector that
knows everything a real rule has to estimate, run on data that are easier than the grid's:

* **The twin.** Each seeded history of a cell (evaluation.histories.latent) keeps its schedule:
  the days worked and the sessions on each. Its day values are redrawn as a Gaussian state
  space: a day effect, AR(1) on calendar days with the cell's marginal spread and lag-1
  correlation, plus the mean of that day's session noise (variance (1 + 1/12) / sessions: the
  session noise and rounding). No 0–10 clipping, and the personal level and client effects are
  known, so they are taken out. The three signs are independent, as in the generator.
* **The detector.** A Kalman filter turns the logged days into independent innovations (gaps
  handled exactly). For a change of known shape (a step of +2.5, a step of +2.0, the creep's
  ramp) beginning on any of the last `LOOKBACK` days, the log-likelihood ratio of "it began
  then" against "nothing changed" is a sum over the innovations; the detector alarms when the
  largest of them reaches a threshold (the generalised likelihood ratio with the change's size
  known: Lai 1995, Lorden's and Page's CUSUM in the independent case). It knows the person's
  level, spread and correlation and the size and shape of the change it looks for; nothing a
  real rule has.
* **The calibration.** Each detector's threshold is set on in-control twins of the same cell so
  that it alarms on some sign somewhere in the judged part of the year (`JUDGE_FROM` onwards) in
  `FALSE_ALARMS` of the histories: the issue's allowance for chronic in control. So its power is
  what the best of a strong family of detectors reaches at the same false-alarm rate.

It is an upper reference, not a proof: a detector could do better with other knowledge, but a
real rule knows less (it must estimate the level from months of correlated days and cannot be
built for one change size), and this detector alarms on one terrible week far more often than
the issue allows (the `week` column). Where even this detector misses a target, the target asks
for more than the days hold. Used by scripts/detection_frontier.py; tests check the filter's
likelihood ratios against the multivariate normal density.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt

from core.schema import SIGNS
from evaluation.detection import CREEP_DAY, EPISODE_DAY, EPISODE_DAYS, RISE_DAY
from evaluation.histories import DAYS, SESSION_SD, Cell, creep, latent, step

Array = npt.NDArray[np.float64]

LOOKBACK = 182  # a change may have begun on any of the last six months' days
JUDGE_FROM = 56  # alarms count from the ninth week: a real rule needs weeks of history first
FALSE_ALARMS = 0.05  # in control, an alarm on any sign in the judged year: the bound
ROUNDING_VAR = 1.0 / 12.0  # a rating rounded to a whole point adds this variance
WEEK_POINTS = 4.0  # the terrible week: +4 on every sign for seven days
WEEK_DAYS = 7
WEEK = "one week"  # the guard's alternative: one raised week of any size
SIGN_NUMBERS = tuple(range(len(SIGNS)))
CALIBRATION_SEEDS = 10_000  # thresholds are set on seeds from here on, not on the judged ones


@dataclass(frozen=True)
class Twin:
    """One history's schedule as the filter sees it: which days were logged, how precisely."""

    logged: npt.NDArray[np.bool_]  # (days,)
    noise_var: Array  # (days,) variance of a logged day's mean session noise (inf when not logged)
    spread: float
    correlation: float

    @classmethod
    def of(cls, cell: Cell, seed: int) -> Twin:
        """The twin of the grid's history `seed` in `cell`: the same days and session counts."""
        counts = np.bincount(latent(cell, seed).session_day, minlength=DAYS)
        logged = counts > 0
        with np.errstate(divide="ignore"):
            noise_var = np.where(logged, (SESSION_SD**2 + ROUNDING_VAR) / counts, np.inf)
        return cls(logged, noise_var, cell.spread, cell.correlation)

    def draw(self, rng: np.random.Generator, signs: int = len(SIGNS)) -> Array:
        """In-control day values (days, signs), centred on the known level; NaN when not logged."""
        rho, sd = self.correlation, self.spread
        shocks = rng.normal(0.0, sd * np.sqrt(1 - rho**2), size=(DAYS, signs))
        effect = np.empty_like(shocks)
        state = rng.normal(0.0, sd, size=signs)
        for day in range(DAYS):
            state = rho * state + shocks[day]
            effect[day] = state
        noise = (
            rng.normal(size=(DAYS, signs))
            * np.sqrt(np.where(self.logged, self.noise_var, 0))[:, None]
        )
        return np.where(self.logged[:, None], effect + noise, np.nan)


def filter_innovations(twin: Twin, values: Array) -> tuple[Array, Array]:
    """Innovations and their variances of `values` (days, k) under the twin's in-control model.

    The state is the day effect; a day not logged only moves the prediction on (rho x) and widens
    it. On a day not logged the innovation is 0 and its variance inf, so it adds nothing. Linear
    in `values`: filtering a planted change alone gives the innovations' mean under that change.
    """
    rho, sd = twin.correlation, twin.spread
    q = sd**2 * (1 - rho**2)
    values = np.atleast_2d(values.T).T
    estimate = np.zeros(values.shape[1])
    variance = sd**2
    innovation = np.zeros_like(values)
    variances = np.full(DAYS, np.inf)
    for day in range(DAYS):
        if day:
            estimate = rho * estimate
            variance = rho**2 * variance + q
        if not twin.logged[day]:
            continue
        total = variance + twin.noise_var[day]
        gain = variance / total
        innovation[day] = values[day] - estimate
        estimate = estimate + gain * innovation[day]
        variance = (1 - gain) * variance
        variances[day] = total
    return innovation, variances


Filter = Callable[[Twin, Array], tuple[Array, Array]]


def onset_responses(
    twin: Twin, shape: Callable[[int], Array], innovations_of: Filter = filter_innovations
) -> Array:
    """(onsets, days): the innovations' mean when the change `shape(onset)` is planted.

    `shape(onset)` is the change over the year (days,) when it begins on day `onset`;
    `innovations_of` is the linear filter whose innovations are meant (filter_innovations).
    """
    planted = np.stack([np.where(twin.logged, shape(onset), 0.0) for onset in range(DAYS)], axis=1)
    response, _ = innovations_of(twin, planted)
    return response.T


def step_shape(points: float) -> Callable[[int], Array]:
    """A step of `points` from its onset to the end of the year."""
    days = np.arange(DAYS)
    return lambda onset: np.where(days >= onset, points, 0.0)


def ramp_shape(per_day: float) -> Callable[[int], Array]:
    """A rise of `per_day` points a day from its onset to the end of the year."""
    days = np.arange(DAYS)
    return lambda onset: np.clip(days - onset, 0, None).astype(np.float64) * per_day


def week_shape(onset: int) -> Array:
    """One week of +1 from its onset (scaled to fit the data by `week_path`)."""
    days = np.arange(DAYS)
    return ((days >= onset) & (days < onset + WEEK_DAYS)).astype(float)


def _recent(min_age: int = 0) -> npt.NDArray[np.bool_]:
    """(onsets, days): the onsets a day's statistic looks at: the last LOOKBACK days."""
    onset = np.arange(DAYS)[:, None]
    day = np.arange(DAYS)[None, :]
    return (onset <= day - min_age) & (onset > day - LOOKBACK)


def likelihood_path(
    response: Array, innovation: Array, variances: Array, min_age: int = 0
) -> Array:
    """(days,): on each day, the largest log-likelihood ratio over onsets in the last LOOKBACK.

    Only onsets at least `min_age` days back count: a change must have lasted that long.
    The ratio for an onset on day s, judged on day t, sums (g v - g^2 / 2) / S over the logged
    days up to t, with g the planted change's innovation mean (`response[s]`), v the innovation
    and S its variance: the Gaussian log density under the change less the one without it.
    """
    terms = (response * innovation - response**2 / 2) / variances  # 0 on days not logged
    cumulative = np.cumsum(terms, axis=1)
    return np.max(np.where(_recent(min_age), cumulative, -np.inf), axis=0)


def week_path(response: Array, innovation: Array, variances: Array) -> Array:
    """(days,): on each day, the largest log-likelihood ratio of one raised week against none.

    `response` holds the innovations' mean of a week of +1 from each onset (`week_shape`); its
    size is fitted (a rise only): the ratio is (sum g v / S)^2 / (2 sum g^2 / S) when positive.
    """
    fit = np.cumsum(response * innovation / variances, axis=1)
    energy = np.cumsum(response**2 / variances, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where((fit > 0) & (energy > 0), fit**2 / (2 * energy), 0.0)
    return np.max(np.where(_recent(), ratio, 0.0), axis=0)


@dataclass(frozen=True)
class Detector:
    """One oracle detector: the change it is built for, by name, and how long it must last."""

    name: str
    shape: Callable[[int], Array]
    min_age: int = 0
    guarded: bool = False

    def aged(self, days: int) -> Detector:
        """The same detector, counting only changes that began at least `days` ago."""
        return Detector(self.name, self.shape, days, self.guarded)

    def guard(self, on: bool = True) -> Detector:
        """The same detector, against "nothing, or one raised week" instead of "nothing"."""
        return Detector(self.name, self.shape, self.min_age, on)


STEP_25 = Detector("+2.5 step", step_shape(2.5))
STEP_20 = Detector("+2.0 step", step_shape(2.0))
CREEP = Detector("creep ramp", ramp_shape(3.0 / (DAYS - 1 - CREEP_DAY)))
DETECTORS = (STEP_25, STEP_20, CREEP)


@dataclass(frozen=True)
class History:
    """One seeded twin: its innovations in control and every detector's onset responses."""

    twin: Twin
    control: Array  # (days, signs) in-control values
    innovation: Array  # (days, signs)
    variances: Array  # (days,)
    responses: dict[str, Array]  # detector name -> (onsets, days)

    def path(
        self, detector: Detector, shift: Array | None = None, signs: Iterable[int] = SIGN_NUMBERS
    ) -> Array:
        """(days, signs): the detector's statistic on every day for each of `signs`."""
        innovation = self.innovation
        if shift is not None:
            planted, _ = filter_innovations(
                self.twin, np.where(self.twin.logged[:, None], shift, 0)
            )
            innovation = innovation + planted
        response = self.responses[detector.name]
        paths = []
        for sign in signs:
            path = likelihood_path(response, innovation[:, sign], self.variances, detector.min_age)
            if detector.guarded:
                path = path - week_path(self.responses[WEEK], innovation[:, sign], self.variances)
            paths.append(path)
        return np.stack(paths, axis=1)


def history(cell: Cell, seed: int) -> History:
    """The twin of history `seed` in `cell`, drawn with its own random numbers."""
    twin = Twin.of(cell, seed)
    rng = np.random.default_rng([seed, int(cell.spread * 100), int(cell.correlation * 100), 7])
    control = twin.draw(rng)
    innovation, variances = filter_innovations(twin, np.nan_to_num(control))
    responses = {d.name: onset_responses(twin, d.shape) for d in DETECTORS}
    responses[WEEK] = onset_responses(twin, week_shape)
    return History(twin, control, innovation, variances, responses)


@dataclass(frozen=True)
class Frontier:
    """A cell's oracle rates at its calibrated thresholds (shares of seeds)."""

    cell: Cell
    seeds: int
    rates: dict[str, float]


COLUMNS = (
    ("control", "ctl alarm"),
    ("rise_42", "+2.5 ≤42d"),
    ("rise_56", "+2.5 ≤56d"),
    ("rise2_56", "+2.0 ≤56d"),
    ("episode", "episode"),
    ("creep", "creep at its end"),
    ("week", "week alarm"),
)


def limits(cell: Cell, seeds: int, min_age: int = 0, guarded: bool = False) -> dict[str, float]:
    """Each detector's threshold: alarms in control in FALSE_ALARMS of `seeds` calibration twins.

    The largest statistic over the judged days and every sign, per twin, is what must stay below.
    """
    calibration = [history(cell, CALIBRATION_SEEDS + seed) for seed in range(seeds)]
    judged = slice(JUDGE_FROM, DAYS)
    return {
        d.name: float(
            np.quantile(
                [h.path(d.aged(min_age).guard(guarded))[judged].max() for h in calibration],
                1 - FALSE_ALARMS,
            )
        )
        for d in DETECTORS
    }


def cell_frontier(
    cell: Cell,
    seeds: Iterable[int],
    calibration: int = 200,
    min_age: int = 0,
    guarded: bool = False,
) -> Frontier:
    """Calibrate each detector on separate control twins, then run the grid's scenarios.

    The scenarios are the grid's (evaluation.detection): a rise from RISE_DAY on one sign, an
    episode of EPISODE_DAYS from EPISODE_DAY, the creep of +3 over the last six months, and one
    terrible week on every sign; each planted on the in-control twin of the same seed. The
    control column is the +2.5 detector's alarms on these seeds: FALSE_ALARMS but for chance.
    With `min_age`, every detector counts only changes that began at least that many days ago;
    `guarded`, every detector weighs its change against one raised week, not only against none.
    """
    limit = limits(cell, calibration, min_age, guarded)
    outcomes = []
    for seed in seeds:
        judge = partial(_twin_alarms, history(cell, seed), limit, min_age, guarded)
        outcomes.append(scenario_alarms(seed, judge, slice(JUDGE_FROM, DAYS)))
    return summarise(cell, outcomes)


def _twin_alarms(
    h: History,
    limit: dict[str, float],
    min_age: int,
    guarded: bool,
    detector: Detector,
    shift: Array,
    days: slice,
    signs: Iterable[int],
) -> bool:
    path = h.path(detector.aged(min_age).guard(guarded), shift, signs)
    return bool((path[days] >= limit[detector.name]).any())


Alarms = Callable[[Detector, Array, slice, Iterable[int]], bool]
"""Whether `detector` alarms on any day of `days` on any of `signs` once `shift` is planted."""


def scenario_alarms(seed: int, alarms: Alarms, judged: slice) -> dict[str, bool]:
    """The grid's scenarios on one seed (COLUMNS' keys), each judged by `alarms`.

    A rise from RISE_DAY on one sign (rotating with the seed), an episode of EPISODE_DAYS from
    EPISODE_DAY, the creep of +3 over the last six months judged on its last day, and one
    terrible week on every sign, starting where the grid's does; control and the week count
    alarms on any sign over the `judged` days.
    """
    sign = seed % len(SIGNS)
    end = EPISODE_DAY + EPISODE_DAYS
    rise = step(RISE_DAY, 2.5, (sign,))
    week_day = int(np.random.default_rng(seed).integers(120, DAYS - 40))
    week = step(week_day, WEEK_POINTS, SIGN_NUMBERS, week_day + 7)
    return {
        "control": alarms(STEP_25, np.zeros((DAYS, len(SIGNS))), judged, SIGN_NUMBERS),
        "rise_42": alarms(STEP_25, rise, slice(RISE_DAY, RISE_DAY + 42), (sign,)),
        "rise_56": alarms(STEP_25, rise, slice(RISE_DAY, RISE_DAY + 56), (sign,)),
        "rise2_56": alarms(
            STEP_20, step(RISE_DAY, 2.0, (sign,)), slice(RISE_DAY, RISE_DAY + 56), (sign,)
        ),
        "episode": alarms(
            STEP_25, step(EPISODE_DAY, 2.5, (sign,), end), slice(EPISODE_DAY, end), (sign,)
        ),
        "creep": alarms(CREEP, creep(CREEP_DAY, 3.0, sign), slice(DAYS - 1, DAYS), (sign,)),
        "week": alarms(STEP_25, week, judged, SIGN_NUMBERS),
    }


def summarise(cell: Cell, outcomes: list[dict[str, bool]]) -> Frontier:
    """The share of seeds alarming in each scenario."""
    return Frontier(
        cell,
        len(outcomes),
        {key: float(np.mean([o[key] for o in outcomes])) for key, _ in COLUMNS},
    )
