"""Dashboard page and JSON twin for planning: throughput, a forecast, story lint."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.history.web import Evidence, evidence
from techlead.pages import api, chart, page
from techlead.planning.backlog import stored_items
from techlead.planning.chart import when_chart
from techlead.planning.forecast import Scope, forecast_completion
from techlead.planning.lint import lint_backlog, open_items
from techlead.planning.stability import check_stability
from techlead.planning.throughput import (
    Completions,
    ThroughputError,
    counted,
    git_completions,
    history_window,
    tracker_completions,
)
from techlead.store.database import Store
from techlead.store.web import record_store, record_version

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Evidence, Depends(evidence)]
StoreDependency = Annotated[Store, Depends(record_store)]
ItemsQuery = Annotated[int | None, Query(ge=1, le=100_000, description="Items to forecast.")]
FORECAST_TRIALS = 10_000


def _completions(ev: Evidence, items: pl.DataFrame) -> Completions:
    tracked = tracker_completions(items, ev.settings.planning)
    if tracked.days:
        return tracked
    result = ev.result()
    return ev.derived(
        "git_completions",
        lambda: git_completions(result.history.commits, result.head, ev.settings.planning),
    )


def _planning(ev: Evidence, store: Store, items_wanted: int | None) -> dict[str, Any]:
    """Throughput, forecast and lint (cached until history or records change)."""
    key = f"planning:{record_version(store)}:{items_wanted}:{dt.date.today()}"
    result: dict[str, Any] = ev.derived(key, lambda: _planning_now(ev, store, items_wanted))
    return dict(result)


def _planning_now(ev: Evidence, store: Store, items_wanted: int | None) -> dict[str, Any]:
    settings = ev.settings.planning
    items = stored_items(store)
    completions = _completions(ev, items)
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    backlog = open_items(items, settings).height
    wanted = items_wanted or backlog or 10
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
        forecast = forecast_completion(window.counts, Scope(wanted), today, FORECAST_TRIALS, 1)
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


def next_forecast(ev: Evidence, store: Store) -> dict[str, Any] | None:
    """When the open backlog (or the next 10 items) will be done, for the overview."""
    planning = _planning(ev, store, None)
    forecast: dict[str, Any] | None = planning["forecast"]
    if forecast is None:
        return None
    return {"unit": planning["unit"], "source": planning["source"], **forecast}


def throughput_chart(weeks: list[dict[str, Any]], limits: list[float], unit: str) -> dict[str, Any]:
    import altair as alt

    values = [{"week": w["from"].isoformat(), "finished": w["finished"]} for w in weeks]
    base = alt.Chart(alt.InlineData(values=values))
    bars = base.mark_bar(color="#4c78a8").encode(
        x=alt.X("week:O", title="Week from", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("finished:Q", title=f"{unit} per week"),
    )
    rules = (
        alt.Chart(
            alt.InlineData(
                values=[
                    {"limit": limit, "name": name}
                    for limit, name in zip(limits, ("lower", "upper"), strict=True)
                ]
            )
        )
        .mark_rule(strokeDash=[4, 3], color="#e45756")
        .encode(y="limit:Q", tooltip=["name:N", "limit:Q"])
    )
    spec: dict[str, Any] = (
        alt.layer(bars, rules)
        .properties(width=640, height=220, title="Weekly throughput and its natural limits (XmR)")
        .to_dict()
    )
    return spec


@router.get("/planning", response_class=HTMLResponse, include_in_schema=False)
async def planning_page(
    request: Request, ev: EvidenceDependency, store: StoreDependency, items: ItemsQuery = None
) -> HTMLResponse:
    planning = _planning(ev, store, items)
    charts = []
    forecast = planning.pop("_forecast", None)
    if forecast is not None:
        info = planning["forecast"]
        title = f"When will {info['items']} {planning['unit']} be finished?"
        key = f"chart:planning:{record_version(store)}:{items}:{dt.date.today()}"
        specs = ev.derived(
            key,
            lambda: (
                when_chart(forecast, title),
                throughput_chart(info["weeks"], info["natural_limits"], planning["unit"]),
            ),
        )
        charts.append(chart(specs[0], "Forecast of finishing dates"))
        charts.append(chart(specs[1], "Weekly throughput"))
    return page(request, "planning.html", "Planning", planning=planning, charts=charts)


@twins.get("/planning", tags=["planning"], summary="Throughput, forecast and story lint")
async def planning_api(
    ev: EvidenceDependency, store: StoreDependency, items: ItemsQuery = None
) -> Response:
    planning = _planning(ev, store, items)
    planning.pop("_forecast", None)
    return api(planning)
