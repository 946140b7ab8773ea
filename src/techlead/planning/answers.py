"""A forecast's answer as `plan forecast when/how-many -f json` writes it: the dates (or
counts) per likelihood, what was simulated and the throughput it was sampled from."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from techlead.output import Record
from techlead.planning.forecast import Scope
from techlead.planning.outlook import HistorySpan
from techlead.planning.throughput import Completions, Window


class ForecastBasis(Record):
    """The throughput a forecast samples."""

    source: str = Field(description="The imported backlog, or git history.")
    unit: str = Field(description="What is counted: items or commits.")
    history: HistorySpan
    per_day: float = Field(description="Mean throughput per day.")
    days_with_data: int = Field(description="Days on which anything was finished.")


class ScopeRisk(Record):
    """A risk that may add items: its likelihood and how many."""

    name: str
    likelihood: float
    low: int
    high: int


class ForecastAnswer(Record):
    """What every forecast answer carries."""

    question: str = Field(description='"when" or "how-many"')
    start: dt.date = Field(description="Day 1 of the forecast.")


class WhenAnswer(ForecastAnswer):
    """When N items will be finished."""

    items: int
    percentiles: dict[str, dt.date] = Field(description='Likelihood ("50", ...) to done-by date.')
    trials: int
    seed: int
    split: list[float] = Field(description="Each item becomes this many (low, high).")
    risks: list[ScopeRisk]
    basis: ForecastBasis


class HowManyAnswer(ForecastAnswer):
    """How many items will be finished by a date."""

    by: dt.date = Field(description="The last day counted.")
    percentiles: dict[str, int] = Field(description='Likelihood ("50", ...) to at least N items.')
    trials: int
    seed: int
    split: list[float] = Field(description="Each item becomes this many (low, high).")
    risks: list[ScopeRisk]
    basis: ForecastBasis


def forecast_basis(window: Window, completions: Completions) -> ForecastBasis:
    """The throughput `window` of `completions`, as a forecast's answer names it."""
    return ForecastBasis(
        source=completions.source,
        unit=completions.unit,
        history=HistorySpan(first=window.first, last=window.last),
        per_day=round(window.mean, 3),
        days_with_data=window.days_with_data,
    )


def simulated(scope: Scope, trials: int, seed: int, basis: ForecastBasis) -> dict[str, object]:
    """The fields every answer ends with, for `WhenAnswer` and `HowManyAnswer`."""
    return {
        "trials": trials,
        "seed": seed,
        "split": [scope.split_low, scope.split_high],
        "risks": [ScopeRisk.model_validate(vars(risk)) for risk in scope.risks],
        "basis": basis,
    }
