"""Dashboard page and JSON twin for planning: throughput, a forecast, story lint."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.output import plain
from techlead.pages import api, chart, evidence, page, record_store
from techlead.planning.chart import when_chart
from techlead.planning.outlook import PlanningOutlook, planning_outlook
from techlead.project import Project
from techlead.store.changes import record_version
from techlead.store.database import Store

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
StoreDependency = Annotated[Store, Depends(record_store)]
ItemsQuery = Annotated[int | None, Query(ge=1, le=100_000, description="Items to forecast.")]


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
    outlook = planning_outlook(ev, store, items)
    planning: dict[str, Any] = plain(outlook.record)
    charts = []
    forecast = outlook.simulation
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


@twins.get(
    "/planning",
    tags=["planning"],
    summary="Throughput, forecast and story lint",
    response_model=PlanningOutlook,
)
async def planning_api(
    ev: EvidenceDependency, store: StoreDependency, items: ItemsQuery = None
) -> Response:
    return api(plain(planning_outlook(ev, store, items).record))
