"""Monte Carlo forecasts, sprint capacity, the stability check and the calibration backtest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from techlead.planning.backtest import backtest
from techlead.planning.capacity import sprint_capacity
from techlead.planning.forecast import (
    ForecastError,
    Risk,
    Scope,
    days_to_finish,
    forecast_completion,
    forecast_how_many,
    items_finished,
)
from techlead.planning.stability import check_stability
from techlead.planning.throughput import Completions, Window

START = dt.date(2026, 3, 2)


def test_resampling_draws_every_history_day_uniformly_the_last_included() -> None:
    # each day finished a different number of items, so a one-day draw tells which day it was
    history = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    drawn = items_finished(history, 1, 200_000, np.random.default_rng(7))
    shares = np.bincount(drawn, minlength=11)[1:] / drawn.size
    assert shares.min() > 0.095  # 0.1 each; the last day (10 items) among them
    assert shares.max() < 0.105


def test_forecasts_draw_the_last_day_even_when_it_is_the_only_busy_one() -> None:
    history = np.array([0, 0, 0, 0, 2])
    days = days_to_finish(history, np.full(100_000, 2), np.random.default_rng(3))
    # one busy day in five: the wait is geometric with mean 5 days
    assert days.mean() == pytest.approx(5.0, rel=0.02)
    assert np.mean(days == 1) == pytest.approx(0.2, abs=0.005)


def test_simulated_mean_throughput_converges_to_the_historical_mean() -> None:
    history = np.array([0, 3, 1, 0, 0, 5, 2, 0, 1, 0, 0, 4])
    finished = items_finished(history, 30, 50_000, np.random.default_rng(11))
    assert finished.mean() / 30 == pytest.approx(history.mean(), rel=0.01)


def test_days_to_finish_matches_the_wait_for_the_same_daily_draws() -> None:
    history = np.array([0, 1, 2, 0, 3, 1, 0, 0, 2, 1])
    days = days_to_finish(history, np.full(100_000, 20), np.random.default_rng(5))
    # on average, 20 items at 1 item a day take just over 20 days (overshoot of the last day)
    assert 20 < days.mean() < 22


def test_constant_throughput_gives_the_analytic_answer_at_every_percentile() -> None:
    history = np.full(30, 2)
    when = forecast_completion(history, Scope(7), START, 1000, seed=1)
    assert set(when.percentiles.values()) == {START + dt.timedelta(days=3)}  # ceil(7 / 2) days
    how_many = forecast_how_many(history, START, START + dt.timedelta(days=9), 1000, 1, Scope(0))
    assert how_many.percentiles == {50: 20, 85: 20, 95: 20}


def test_split_rate_and_risks_grow_the_scope() -> None:
    history = np.full(10, 1)
    split = forecast_completion(history, Scope(10, 2.0, 2.0), START, 500, seed=1)
    assert split.percentiles[50] == START + dt.timedelta(days=19)  # 20 items, 1 a day
    certain = (Risk("migration", 1.0, 5, 5),)
    risky = forecast_completion(history, Scope(10, risks=certain), START, 500, seed=1)
    assert risky.percentiles[95] == START + dt.timedelta(days=14)
    never = (Risk("never", 0.0, 50, 50),)
    assert forecast_completion(history, Scope(10, risks=never), START, 500, 1).percentiles[95] == (
        START + dt.timedelta(days=9)
    )


def test_how_many_at_85_percent_is_the_count_reached_in_85_percent_of_trials() -> None:
    history = np.array([0, 1, 2, 0, 3, 1, 0, 0, 2, 1])
    result = forecast_how_many(history, START, START + dt.timedelta(days=27), 20_000, 4, Scope(0))
    assert result.percentiles[95] <= result.percentiles[85] <= result.percentiles[50]
    assert np.mean(result.counts >= result.percentiles[85]) >= 0.85
    assert np.mean(result.counts >= result.percentiles[85] + 1) < 0.85


def test_when_at_85_percent_is_the_first_date_85_percent_of_trials_finished_by() -> None:
    history = np.array([0, 1, 2, 0, 3, 1, 0, 0, 2, 1])
    result = forecast_completion(history, Scope(15), START, 20_000, seed=9)
    p85 = result.percentiles[85]
    assert result.likelihood_by(p85) >= 0.85
    assert result.likelihood_by(p85 - dt.timedelta(days=1)) < 0.85


def test_the_same_seed_gives_the_same_forecast() -> None:
    history = np.array([0, 1, 2, 0, 3, 1, 0, 0, 2, 1])
    first = forecast_completion(history, Scope(25), START, 5000, seed=42)
    again = forecast_completion(history, Scope(25), START, 5000, seed=42)
    other = forecast_completion(history, Scope(25), START, 5000, seed=43)
    assert np.array_equal(first.days, again.days)
    assert not np.array_equal(first.days, other.days)


def test_a_history_without_finished_items_cannot_forecast() -> None:
    with pytest.raises(ForecastError, match="no finished items"):
        forecast_completion(np.zeros(30, dtype=np.int64), Scope(5), START, 100, 1)


def test_capacity_thins_throughput_by_availability() -> None:
    history = np.full(20, 5)
    result = sprint_capacity(history, 10, 5, {"ana": 10.0}, 20_000, 1)
    assert result.availability == pytest.approx(0.8)
    assert result.full_team == {50: 50, 85: 50, 95: 50}
    assert result.expected[50] == 40  # binomial(50, 0.8) has median 40
    with pytest.raises(ForecastError, match="exceed"):
        sprint_capacity(history, 10, 2, {"ana": 10.0, "ben": 6.0, "cy": 5.0}, 100, 1)
    with pytest.raises(ForecastError, match="the sprint's 10 days"):
        sprint_capacity(history, 10, 5, {"ana": 15.0}, 100, 1)


def _window(weekly: list[int]) -> Window:
    counts = np.zeros(len(weekly) * 7, dtype=np.int64)
    counts[::7] = weekly
    last = START + dt.timedelta(days=counts.size - 1)
    return Window(START, last, counts)


def test_stability_uses_xmr_limits_on_weekly_totals() -> None:
    # mean 5, moving ranges 1,1,1,1,1,1,1 -> limits 5 +- 2.66
    steady = check_stability(_window([5, 4, 5, 6, 5, 4, 5, 6]), "items")
    assert steady.mean == pytest.approx(5.0)
    assert steady.upper_limit == pytest.approx(7.66)
    assert steady.lower_limit == pytest.approx(2.34)
    assert steady.stable
    jump = check_stability(_window([5, 4, 5, 6, 5, 4, 5, 30]), "items")
    assert not jump.stable
    assert any("above the natural limits" in signal for signal in jump.signals)


def test_stability_warns_when_few_days_have_data() -> None:
    sparse = check_stability(_window([1, 0, 1, 0, 1, 0, 1, 0]), "items")
    assert any("fewer than 10" in warning for warning in sparse.warnings)


def test_stability_flags_a_run_of_eight_weeks_on_one_side_of_the_mean() -> None:
    shifted = check_stability(_window([2, 3, 2, 3, 2, 3, 2, 3, 8, 9, 8, 9, 8, 9, 8, 9]), "items")
    assert any("8 weeks in a row" in signal for signal in shifted.signals)


def _completions(per_day: list[int], first: dt.date = START) -> Completions:
    days = [first + dt.timedelta(days=i) for i, n in enumerate(per_day) for _ in range(n)]
    return Completions(days, [None] * len(days), "items", "test")


def test_backtest_of_a_constant_team_is_perfectly_calibrated() -> None:
    result = backtest(_completions([2] * 200), 10, 35, 7, 500, 1)
    assert len(result.samples) > 10
    assert all(sample.error_days == 0 for sample in result.samples)
    assert result.coverage(50) == result.coverage(95) == 1.0
    assert all(sample.sound for sample in result.samples)
    assert result.coverage(85, sound_only=True) == 1.0


def test_backtest_compares_each_forecast_with_the_real_date() -> None:
    # 1 item a day for 60 days, then a slowdown to 1 every other day
    result = backtest(_completions([1] * 60 + [1, 0] * 60), 10, 30, 30, 500, 1)
    first, second = result.samples[0], result.samples[1]
    assert first.date == START + dt.timedelta(days=30)
    assert first.actual == START + dt.timedelta(days=39)
    assert first.error_days == 0
    # forecast on day 60 from a 1-a-day window; reality had slowed to 1 every other day
    assert second.date == START + dt.timedelta(days=60)
    assert second.actual == START + dt.timedelta(days=78)
    assert second.error_days == 9
    assert not second.within(95)


def test_backtest_leaves_out_dates_whose_outcome_is_not_known_yet() -> None:
    result = backtest(_completions([1] * 50), 10, 30, 1, 200, 1)
    assert result.last == START + dt.timedelta(days=40)  # P95 of 10 days ends on the last day
