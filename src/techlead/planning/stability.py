"""Is the throughput history a sound basis for a forecast? XmR limits and the amount of data.

The check runs on weekly totals (daily counts of a small team are mostly zeros): natural
process limits are the mean +- 2.66 times the mean moving range (the lower one no less than 0);
a week outside them, or eight weeks in a row on one side of the mean, is a signal that the
process changed and that the history mixes two different systems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from techlead.planning.throughput import Window

MIN_DAYS_WITH_DATA = 10
MIN_WEEKS = 5
_RUN = 8


@dataclass(frozen=True)
class Stability:
    weeks: list[tuple[dt.date, int]]
    mean: float
    lower_limit: float
    upper_limit: float
    signals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def stable(self) -> bool:
        return not self.signals


def weekly_totals(window: Window) -> list[tuple[dt.date, int]]:
    """Totals of whole weeks, counted back from the window's last day."""
    whole = window.counts.size // 7
    if whole == 0:
        return []
    tail = window.counts[window.counts.size - whole * 7 :].reshape(whole, 7).sum(axis=1)
    first = window.last - dt.timedelta(days=whole * 7 - 1)
    return [(first + dt.timedelta(days=7 * i), int(total)) for i, total in enumerate(tail)]


def check_stability(window: Window, unit: str) -> Stability:
    weeks = weekly_totals(window)
    warnings = []
    if window.days_with_data < MIN_DAYS_WITH_DATA:
        warnings.append(
            f"only {window.days_with_data} days with {unit} finished between {window.first} "
            f"and {window.last} (fewer than {MIN_DAYS_WITH_DATA}): the forecast rests on "
            "little evidence"
        )
    if len(weeks) < MIN_WEEKS:
        warnings.append(f"fewer than {MIN_WEEKS} whole weeks of history: stability not checked")
        return Stability(weeks, window.mean * 7, 0.0, 0.0, [], warnings)
    totals = np.array([total for _, total in weeks], dtype=float)
    mean = float(totals.mean())
    moving_range = float(np.abs(np.diff(totals)).mean())
    upper, lower = mean + 2.66 * moving_range, max(0.0, mean - 2.66 * moving_range)
    signals = [
        f"week of {start}: {total} {unit}, {'above' if total > upper else 'below'} the natural "
        f"limits {lower:.1f} to {upper:.1f}"
        for start, total in weeks
        if total > upper or total < lower
    ]
    signals += _runs(weeks, mean, unit)
    if signals:
        shown = signals[:3] + ([f"and {len(signals) - 3} more"] if len(signals) > 3 else [])
        warnings.append(
            "throughput is unstable (" + "; ".join(shown) + "): the history may mix "
            "different ways of working; consider a window after the change (--history-days)"
        )
    return Stability(weeks, mean, lower, upper, signals, warnings)


def _runs(weeks: list[tuple[dt.date, int]], mean: float, unit: str) -> list[str]:
    found, run, side = [], 0, 0
    for index, (_, total) in enumerate(weeks):
        now = (total > mean) - (total < mean)
        run = run + 1 if now == side and now != 0 else (1 if now != 0 else 0)
        side = now
        if run == _RUN:
            start = weeks[index - _RUN + 1][0]
            where = "above" if side > 0 else "below"
            found.append(
                f"{_RUN} weeks in a row from {start} {where} the mean of {mean:.1f} {unit}"
            )
    return found
