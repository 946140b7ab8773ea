"""Benchmark the Monte Carlo forecasts: 100,000 trials, against two baselines in the same run.

Usage: python benchmarks/bench_forecast.py [--runs 7] [--trials 100000]

Scenarios use 90 days of throughput like a real team's (a busy one and a sparse one). The
baselines answer the same question: a plain NumPy simulation that draws a whole matrix of
days at once (trials x horizon), and a pure-Python loop over trials and days (run on a tenth
of the trials and scaled up). Medians of several runs and the ratios are printed, with the
P85 date of each method so that they can be seen to agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from techlead.planning.forecast import Scope, forecast_completion, forecast_how_many

START = dt.date(2026, 1, 5)
BUSY = np.array([0, 1, 2, 0, 3, 1, 0, 0, 2, 1] * 9)  # 1.0 item a day, 6 days in 10 busy
SPARSE = np.array(([0] * 8 + [1, 2]) * 9)  # 0.3 items a day, 2 days in 10 busy


def numpy_matrix(history: np.ndarray, items: int, trials: int, seed: int) -> int:
    """Draw trials x horizon days at once; the first day the running total reaches `items`."""
    rng = np.random.default_rng(seed)
    horizon = int(items / history.mean() * 3) + 10
    totals = history[rng.integers(0, history.size, size=(trials, horizon))].cumsum(axis=1)
    days = (totals >= items).argmax(axis=1) + 1
    return int(np.percentile(days, 85, method="inverted_cdf"))


def pure_python(history: np.ndarray, items: int, trials: int, seed: int) -> int:
    rng = random.Random(seed)
    values = history.tolist()
    days = []
    for _ in range(trials):
        done = day = 0
        while done < items:
            done += rng.choice(values)
            day += 1
        days.append(day)
    days.sort()
    return days[int(0.85 * trials + 0.999999) - 1]


def timed(function: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--trials", type=int, default=100_000)
    args = parser.parse_args()
    trials = args.trials
    print(f"{trials:,} trials, median of {args.runs} runs\n")
    header = f"{'scenario':34} {'techlead':>9} {'numpy matrix':>13} {'pure Python':>12}"
    print(header + "   P85 day (techlead / matrix / Python)")
    for label, history, items in (
        ("when: 50 items, busy team", BUSY, 50),
        ("when: 200 items, busy team", BUSY, 200),
        ("when: 50 items, sparse team", SPARSE, 50),
    ):
        ours, forecast = timed(
            lambda h=history, n=items: forecast_completion(h, Scope(n), START, trials, 1),
            args.runs,
        )
        matrix, matrix_p85 = timed(
            lambda h=history, n=items: numpy_matrix(h, n, trials, 1), args.runs
        )
        python, python_p85 = timed(
            lambda h=history, n=items: pure_python(h, n, trials // 10, 1), max(1, args.runs // 3)
        )
        python *= 10
        p85 = (forecast.percentiles[85] - START).days + 1  # type: ignore[attr-defined]
        print(
            f"{label:34} {ours:8.3f}s {matrix:12.3f}s {python:11.2f}s"
            f"   {p85} / {matrix_p85} / {python_p85}"
            f"   (x{matrix / ours:.1f} vs matrix, x{python / ours:.0f} vs Python)"
        )
    end = START + dt.timedelta(days=59)
    ours, _ = timed(lambda: forecast_how_many(BUSY, START, end, trials, 1, Scope(0)), args.runs)
    print(f"{'how-many: 60 days, busy team':34} {ours:8.3f}s")


if __name__ == "__main__":
    main()
