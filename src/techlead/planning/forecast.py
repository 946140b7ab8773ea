"""Monte Carlo forecasts from the team's daily throughput.

Each trial replays the future as a sequence of days, each drawn at random (uniformly, with
replacement) from the days of the history window, zero days included. "When" counts the
days until the trial has finished the items; "how many" sums the items finished by a date.
Scope can grow: a split rate (each backlog item becomes between `low` and `high` delivered
items) and risks (with a likelihood, adding between `low` and `high` items) are drawn per
trial, as in Troy Magennis' forecasting spreadsheets.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from techlead.errors import TechleadError
from techlead.planning.throughput import Counts

PERCENTILES = (50, 85, 95)
_MAX_DAYS = 366 * 100
_BLOCK_CELLS = 4_000_000  # draws held in memory at once


class ForecastError(TechleadError):
    """A forecast that cannot be made with these inputs."""


@dataclass(frozen=True)
class Risk:
    name: str
    likelihood: float
    low: int
    high: int


@dataclass(frozen=True)
class Scope:
    """What is to be finished, and how it may grow."""

    items: int
    split_low: float = 1.0
    split_high: float = 1.0
    risks: tuple[Risk, ...] = ()


@dataclass(frozen=True)
class WhenForecast:
    start: dt.date
    trials: int
    seed: int
    days: npt.NDArray[np.int64]  # per trial: days needed, the start day being day 1
    percentiles: dict[int, dt.date]

    def likelihood_by(self, day: dt.date) -> float:
        """Share of trials finished on or before `day`."""
        return float(np.mean(self.days <= (day - self.start).days + 1))


@dataclass(frozen=True)
class HowManyForecast:
    start: dt.date
    end: dt.date
    trials: int
    seed: int
    counts: npt.NDArray[np.int64]  # per trial: backlog items finished
    percentiles: dict[int, int]  # 85 -> the count reached in 85% of trials


def _sample_source(throughput: Counts) -> Counts:
    if throughput.size == 0 or int(throughput.sum()) == 0:
        raise ForecastError("the throughput history has no finished items")
    return throughput.astype(np.int64)


def _targets(scope: Scope, trials: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Delivered items each trial has to finish: risks' extra items added, all split."""
    extra = np.zeros(trials, dtype=np.int64)
    for risk in scope.risks:
        happens = rng.random(trials) < risk.likelihood
        extra += happens * rng.integers(risk.low, risk.high + 1, size=trials)
    split = rng.uniform(scope.split_low, scope.split_high, size=trials)
    return np.ceil((scope.items + extra) * split - 1e-9).astype(np.int64)


def days_to_finish(
    throughput: Counts, targets: npt.NDArray[np.int64], rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """For each target, the days drawn until the cumulative throughput reaches it.

    Drawing a day uniformly from the history is the same as: with probability p (the share
    of days with something finished) a uniformly drawn non-zero day, else a zero day. So the
    simulation steps from one non-zero day to the next, the zero days between them drawn at
    once from the geometric distribution; its cost follows the items, not the calendar.
    """
    samples = _sample_source(throughput)
    busy = samples[samples > 0]
    share = busy.size / samples.size
    needed = np.zeros(targets.size, dtype=np.int64)
    remaining = targets.astype(np.int64).copy()
    active = np.flatnonzero(remaining > 0)
    per_event = float(busy.mean())
    while active.size:
        wanted = remaining[active]
        block = int(min(max(8, math.ceil(wanted.max() / per_event * 1.25)), 4096))
        block = max(1, min(block, _BLOCK_CELLS // active.size))
        done = busy[rng.integers(0, busy.size, size=(active.size, block))].cumsum(axis=1)
        days = _geometric(share, (active.size, block), rng).cumsum(axis=1)
        finished = done[:, -1] >= wanted
        first = (done >= wanted[:, None]).argmax(axis=1)
        rows = np.flatnonzero(finished)
        needed[active[rows]] += days[rows, first[rows]]
        rest = np.flatnonzero(~finished)
        needed[active[rest]] += days[rest, -1]
        remaining[active[rest]] -= done[rest, -1]
        active = active[rest]
        if active.size and needed[active].min() > _MAX_DAYS:
            raise ForecastError("some trials did not finish within 100 years")
    return needed


def _geometric(
    share: float, shape: tuple[int, int], rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Days up to and including the next non-zero day (by inversion: faster than numpy's)."""
    if share >= 1:
        return np.ones(shape, dtype=np.int64)
    # single precision is plenty: 2**-24 resolution against shares of busy days >= 1/3650
    uniform = np.float32(1.0) - rng.random(shape, dtype=np.float32)  # in (0, 1]
    waits: npt.NDArray[np.int64] = (np.log(uniform) / np.float32(math.log1p(-share))).astype(
        np.int64
    )
    return waits + 1


def _percentile(values: npt.NDArray[np.int64], q: float) -> int:
    """The smallest value at least q% of the trials are at or below."""
    return int(np.percentile(values, q, method="inverted_cdf"))


def forecast_completion(
    throughput: Counts, scope: Scope, start: dt.date, trials: int, seed: int
) -> WhenForecast:
    """When will `scope` be finished, working from `start` (day 1)?"""
    _check(scope, trials)
    rng = np.random.default_rng(seed)
    days = days_to_finish(throughput, _targets(scope, trials, rng), rng)
    percentiles = {
        q: start + dt.timedelta(days=max(_percentile(days, q), 1) - 1) for q in PERCENTILES
    }
    return WhenForecast(start, trials, seed, days, percentiles)


def items_finished(
    throughput: Counts, days: int, trials: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Per trial, the items finished in `days` drawn days."""
    samples = _sample_source(throughput)
    totals = np.empty(trials, dtype=np.int64)
    rows = max(1, _BLOCK_CELLS // max(days, 1))
    for first in range(0, trials, rows):
        count = min(rows, trials - first)
        draws = samples[rng.integers(0, samples.size, size=(count, days))]
        totals[first : first + count] = draws.sum(axis=1)
    return totals


def forecast_how_many(
    throughput: Counts, start: dt.date, end: dt.date, trials: int, seed: int, scope: Scope
) -> HowManyForecast:
    """How many backlog items will be finished from `start` to `end` (both included)?

    Items found by risks take capacity first; what is left is divided by the split rate.
    """
    days = (end - start).days + 1
    if days < 1:
        raise ForecastError(f"--by {end} is before the start {start}")
    _check(scope, trials)
    rng = np.random.default_rng(seed)
    delivered = items_finished(throughput, days, trials, rng)
    extra = _targets(Scope(0, 1.0, 1.0, scope.risks), trials, rng)
    split = rng.uniform(scope.split_low, scope.split_high, size=trials)
    counts = np.floor(np.maximum(delivered - extra, 0) / split + 1e-9).astype(np.int64)
    # "85% likely": at least this many in 85% of trials, the 15th percentile
    percentiles = {q: _percentile(counts, 100 - q) for q in PERCENTILES}
    return HowManyForecast(start, end, trials, seed, counts, percentiles)


def _check(scope: Scope, trials: int) -> None:
    if trials < 1:
        raise ForecastError("--trials must be at least 1")
    if scope.items < 0:
        raise ForecastError("--items must not be negative")
    if not 0 < scope.split_low <= scope.split_high:
        raise ForecastError("--split: the rate must be a range LOW-HIGH with 0 < LOW <= HIGH")
    for risk in scope.risks:
        if not 0 <= risk.likelihood <= 1 or not 0 <= risk.low <= risk.high:
            raise ForecastError(f"risk {risk.name!r}: likelihood 0..1 and LOW <= HIGH items")
