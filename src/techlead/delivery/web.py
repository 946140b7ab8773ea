"""Dashboard page and JSON twin of delivery performance (DORA keys from release tags)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.delivery.charts import keys_chart
from techlead.delivery.deployments import from_tags
from techlead.delivery.metrics import as_row, classify, keys, periods, ship
from techlead.history.web import Evidence, evidence
from techlead.incidents.service import linked_commits
from techlead.pages import api, chart, page
from techlead.store.database import Store
from techlead.store.web import record_store, record_version

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Evidence, Depends(evidence)]
StoreDependency = Annotated[Store, Depends(record_store)]
PeriodQuery = Annotated[
    str, Query(pattern="^(week|month|quarter)$", description="week, month or quarter")
]


def _delivery(ev: Evidence, store: Store, unit: str) -> dict[str, Any]:
    key = f"delivery:{unit}:{record_version(store)}"
    return ev.derived(key, lambda: _delivery_now(ev, store, unit))


def _delivery_now(ev: Evidence, store: Store, unit: str) -> dict[str, Any]:
    history = ev.result().history
    rules = ev.settings.delivery
    deployments = from_tags(history.tags, rules.tag_pattern)
    if not deployments:
        return {"pattern": rules.tag_pattern, "rows": [], "levels": {}}
    shipped = ship(
        history.repo, deployments, history.commits, linked_commits(store), rules.hotfix_pattern
    )
    first, last = deployments[0].at.date(), deployments[-1].at.date()
    spans = periods(first, last, unit)
    rows = [keys(shipped, label, start, end) for label, start, end in spans]
    overall = keys(shipped, "all", spans[0][1], spans[-1][2])
    return {
        "pattern": rules.tag_pattern,
        "rows": [as_row(k) for k in [overall, *rows]],
        "levels": classify(overall),
    }


@router.get("/delivery", response_class=HTMLResponse, include_in_schema=False)
async def delivery_page(
    request: Request,
    ev: EvidenceDependency,
    store: StoreDependency,
    period: PeriodQuery = "quarter",
) -> HTMLResponse:
    data = _delivery(ev, store, period)
    charts = [chart(keys_chart(data["rows"]), "Each DORA key per period")] if data["rows"] else []
    return page(request, "delivery.html", "Delivery", delivery=data, charts=charts, period=period)


@twins.get("/delivery", tags=["delivery"], summary="DORA keys per period from release tags")
async def delivery_api(
    ev: EvidenceDependency, store: StoreDependency, period: PeriodQuery = "quarter"
) -> Response:
    return api(_delivery(ev, store, period))
