"""The planning outlook from the evidence and the records: where throughput comes from, a
forecast of the open backlog, its weekly stability and the story lint — what the planning page,
its JSON twin, the overview and the stakeholder report show."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from techlead.planning.backlog import stored_items
from techlead.planning.forecast import Scope, forecast_completion
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


def _completions(ev: Project, items: pl.DataFrame) -> Completions:
    def from_git() -> Completions:
        result = ev.result()
        return ev.derived(
            "git_completions",
            lambda: git_completions(result.history.commits, result.head, ev.settings.planning),
        )

    return finished_work(items, ev.settings.planning, from_git)


def planning_outlook(ev: Project, store: Store, items_wanted: int | None) -> dict[str, Any]:
    """Throughput, forecast and lint (cached until history or records change); the forecast
    of `items_wanted` items, or of the open backlog, with `[planning] trials` trials."""
    key = f"planning:{record_version(store)}:{items_wanted}:{dt.date.today()}"
    result: dict[str, Any] = ev.derived(key, lambda: _outlook(ev, store, items_wanted))
    return dict(result)


def _outlook(ev: Project, store: Store, items_wanted: int | None) -> dict[str, Any]:
    settings = ev.settings.planning
    items = stored_items(store)
    completions = _completions(ev, items)
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    backlog = open_items(items, settings).height
    wanted = items_wanted or backlog or UNSIZED_BACKLOG
    result: dict[str, Any] = {
        "source": completions.source,
        "unit": completions.unit,
        "open_items": backlog,
        "finished_items": sum(counted(row, settings) for row in items.iter_rows(named=True)),
        "forecast": None,
        "problem": None,
        "lint": None,
    }
    try:
        window = history_window(completions, today, settings.history_days)
    except ThroughputError as error:
        result["problem"] = error.message + (f" ({error.hint})" if error.hint else "")
        window = None
    if window is not None:
        stability = check_stability(window, completions.unit)
        forecast = forecast_completion(
            window.counts, Scope(wanted), today, settings.trials, FORECAST_SEED
        )
        result["forecast"] = {
            "items": wanted,
            "start": today,
            "percentiles": {str(q): day for q, day in forecast.percentiles.items()},
            "history": {"first": window.first, "last": window.last},
            "per_day": round(window.mean, 3),
            "weeks": [{"from": start, "finished": total} for start, total in stability.weeks],
            "natural_limits": [round(stability.lower_limit, 2), round(stability.upper_limit, 2)],
            "warnings": stability.warnings,
        }
        result["_forecast"] = forecast
    if items.height:
        lint = lint_backlog(items, settings, dt.datetime.now(dt.UTC))
        result["lint"] = {
            "checked": lint.checked,
            "findings": [vars(finding) for finding in lint.findings],
            "notes": lint.notes,
        }
    return result


def next_forecast(ev: Project, store: Store) -> dict[str, Any] | None:
    """When the open backlog (or the next 10 items) will be done, for the overview."""
    planning = planning_outlook(ev, store, None)
    forecast: dict[str, Any] | None = planning["forecast"]
    if forecast is None:
        return None
    return {"unit": planning["unit"], "source": planning["source"], **forecast}
