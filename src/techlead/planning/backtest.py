"""How good are our forecasts? A walk-forward calibration backtest on the team's own history.

At each sampled date D, the forecast of when the next N items would be finished is made from
the throughput of the window before D only; it is then compared with the day the N-th item
after D was really finished. A forecast's P85 date is calibrated when the real date falls on
or before it in about 85% of the samples. Dates whose P95 horizon reaches past the end of the
history are not sampled: their outcome is not known yet, and keeping only the ones that
already happened would favour the fast ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

import numpy as np

from techlead.planning.forecast import PERCENTILES, ForecastError, Scope, forecast_completion
from techlead.planning.stability import check_stability
from techlead.planning.throughput import Completions, Window

MIN_FORECASTS = 10  # fewer checked forecasts say little about calibration: 1 of 1 is "100%"


@dataclass(frozen=True)
class BacktestSample:
    date: dt.date
    forecast: dict[int, dt.date]
    actual: dt.date | None  # None: not reached by the end of the history (after P95)
    sound: bool = True  # the history passed the stability check (no warning)

    def within(self, percentile: int) -> bool:
        return self.actual is not None and self.actual <= self.forecast[percentile]

    @property
    def error_days(self) -> int | None:
        """Real date minus P50 date: positive when the work finished after the P50 date."""
        return None if self.actual is None else (self.actual - self.forecast[50]).days


@dataclass(frozen=True)
class Backtest:
    items: int
    history_days: int
    every_days: int
    first: dt.date | None
    last: dt.date | None
    samples: list[BacktestSample]
    skipped_without_history: int

    @property
    def is_calibration(self) -> bool:
        """Whether enough forecasts were checked to call their coverage a calibration."""
        return len(self.samples) >= MIN_FORECASTS

    def held(self, percentile: int, sound_only: bool = False) -> tuple[int, int]:
        """(forecasts whose real date fell on or before their `percentile` date, forecasts)."""
        chosen = [s for s in self.samples if s.sound or not sound_only]
        return sum(sample.within(percentile) for sample in chosen), len(chosen)

    def coverage(self, percentile: int, sound_only: bool = False) -> float | None:
        """Share of forecasts whose real date fell on or before their `percentile` date."""
        chosen = [s for s in self.samples if s.sound or not sound_only]
        if not chosen:
            return None
        return float(np.mean([sample.within(percentile) for sample in chosen]))

    def median_absolute_error(self) -> float | None:
        errors = [abs(e) for s in self.samples if (e := s.error_days) is not None]
        return float(np.median(errors)) if errors else None

    def mean_error(self) -> float | None:
        errors = [e for s in self.samples if (e := s.error_days) is not None]
        return float(np.mean(errors)) if errors else None


def _nth_after(days: list[dt.date], start: dt.date, items: int) -> dt.date | None:
    position = bisect.bisect_left(days, start) + items - 1
    return days[position] if position < len(days) else None


def backtest(
    completions: Completions,
    items: int,
    history_days: int,
    every_days: int,
    trials: int,
    seed: int,
    since: dt.date | None = None,
) -> Backtest:
    """Forecast from every `every_days`-th day with a full window, and score the forecasts."""
    if items < 1 or every_days < 1:
        raise ForecastError("--items and --every must be at least 1")
    if not completions.days:
        return Backtest(items, history_days, every_days, None, None, [], 0)
    history_start, end = completions.days[0], completions.days[-1]
    day = max(history_start + dt.timedelta(days=history_days), since or history_start)
    samples, skipped = [], 0
    while day <= end:
        counts = completions.daily(day - dt.timedelta(days=history_days), day - dt.timedelta(1))
        if counts.sum() == 0:
            skipped += 1
        else:
            forecast = forecast_completion(counts, Scope(items), day, trials, seed).percentiles
            if forecast[max(PERCENTILES)] <= end:  # else the outcome is not known yet
                actual = _nth_after(completions.days, day, items)
                window = Window(
                    day - dt.timedelta(days=history_days), day - dt.timedelta(1), counts
                )
                sound = not check_stability(window, completions.unit).warnings
                samples.append(BacktestSample(day, forecast, actual, sound))
        day += dt.timedelta(days=every_days)
    first = samples[0].date if samples else None
    last = samples[-1].date if samples else None
    return Backtest(items, history_days, every_days, first, last, samples, skipped)
