"""The planning outlook from the evidence and the records: where throughput comes from, a
forecast of the open backlog, its weekly stability and the story lint — what the planning page,
its JSON twin, the overview and the stakeholder report show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from pydantic import ConfigDict, Field

from techlead.output import Record, plain
from techlead.planning.backlog import stored_items
from techlead.planning.forecast import Scope, WhenForecast, forecast_completion
from techlead.planning.lint import lint_backlog, open_items
from techlead.planning.stability import check_stability
from techlead.planning.throughput import (
    Completions,
    ThroughputError,
    counted,
    finished_work,
    git_completions,
    history_window,
)
from techlead.project import Project
from techlead.store.changes import record_version
from techlead.store.database import Store

FORECAST_SEED = 1  # the CLI's default --seed: the same records give the same dates everywhere
UNSIZED_BACKLOG = 10  # items forecast when nothing is open and no number is asked for


class HistorySpan(Record):
    """The days of history the throughput is sampled from."""

    first: dt.date
    last: dt.date


class WeekFinished(Record):
    """What was finished in one week."""

    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from", description="The week's first day.")
    finished: int


class OutlookForecast(Record):
    """When the open backlog (or the items asked for) will be finished."""

    items: int
    start: dt.date
    percentiles: dict[str, dt.date] = Field(description='Likelihood ("50", "85", "95") to date.')
    history: HistorySpan
    per_day: float = Field(description="Mean throughput per day.")
    weeks: list[WeekFinished]
    natural_limits: list[float] = Field(description="XmR limits per week: lower, upper.")
    warnings: list[str]


class LintFinding(Record):
    """A backlog item story lint has something to say about."""

    key: str
    title: str
    rule: str
    message: str


class LintSummary(Record):
    """Story lint over the open backlog."""

    checked: int = Field(description="Open items checked.")
    findings: list[LintFinding]
    notes: list[str]


class PlanningOutlook(Record):
    """Where throughput comes from, a forecast and the story lint."""

    source: str = Field(description="The imported backlog, or git history.")
    unit: str = Field(description="What is counted: items or commits.")
    open_items: int
    finished_items: int
    forecast: OutlookForecast | None
    problem: str | None = Field(description="Why there is no forecast.")
    lint: LintSummary | None = Field(description="Null without an imported backlog.")


@dataclass(frozen=True)
class Outlook:
    """The outlook, and the simulation behind its forecast (for the chart)."""

    record: PlanningOutlook
    simulation: WhenForecast | None


def _completions(ev: Project, items: pl.DataFrame) -> Completions:
    def from_git() -> Completions:
        result = ev.result()
        return ev.derived(
            "git_completions",
            lambda: git_completions(result.history.commits, result.head, ev.settings.planning),
        )

    return finished_work(items, ev.settings.planning, from_git)


def planning_outlook(ev: Project, store: Store, items_wanted: int | None) -> Outlook:
    """Throughput, forecast and lint (cached until history or records change); the forecast
    of `items_wanted` items, or of the open backlog, with `[planning] trials` trials."""
    key = f"planning:{record_version(store)}:{items_wanted}:{dt.date.today()}"
    result: Outlook = ev.derived(key, lambda: _outlook(ev, store, items_wanted))
    return result


def _outlook(ev: Project, store: Store, items_wanted: int | None) -> Outlook:
    settings = ev.settings.planning
    items = stored_items(store)
    completions = _completions(ev, items)
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    backlog = open_items(items, settings).height
    wanted = items_wanted or backlog or UNSIZED_BACKLOG
    problem, found, simulation = None, None, None
    try:
        window = history_window(completions, today, settings.history_days)
    except ThroughputError as error:
        problem = error.message + (f" ({error.hint})" if error.hint else "")
        window = None
    if window is not None:
        stability = check_stability(window, completions.unit)
        simulation = forecast_completion(
            window.counts, Scope(wanted), today, settings.trials, FORECAST_SEED
        )
        found = OutlookForecast(
            items=wanted,
            start=today,
            percentiles={str(q): day for q, day in simulation.percentiles.items()},
            history=HistorySpan(first=window.first, last=window.last),
            per_day=round(window.mean, 3),
            weeks=[WeekFinished(from_=start, finished=total) for start, total in stability.weeks],
            natural_limits=[round(stability.lower_limit, 2), round(stability.upper_limit, 2)],
            warnings=stability.warnings,
        )
    lint = None
    if items.height:
        result = lint_backlog(items, settings, dt.datetime.now(dt.UTC))
        lint = LintSummary(
            checked=result.checked,
            findings=[LintFinding.model_validate(vars(finding)) for finding in result.findings],
            notes=result.notes,
        )
    record = PlanningOutlook(
        source=completions.source,
        unit=completions.unit,
        open_items=backlog,
        finished_items=sum(counted(row, settings) for row in items.iter_rows(named=True)),
        forecast=found,
        problem=problem,
        lint=lint,
    )
    return Outlook(record, simulation)


def next_forecast(ev: Project, store: Store) -> dict[str, Any] | None:
    """When the open backlog (or the next 10 items) will be done, for the overview."""
    planning = planning_outlook(ev, store, None).record
    if planning.forecast is None:
        return None
    return {"unit": planning.unit, "source": planning.source, **plain(planning.forecast)}
