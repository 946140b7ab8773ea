"""Dashboard page and JSON twin of delivery performance (DORA keys from the release tags)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.delivery.charts import keys_chart
from techlead.delivery.dashboard import DeliveryOverview, delivery_overview
from techlead.delivery.deployments import DeploymentError
from techlead.output import plain
from techlead.pages import api, chart, evidence, page, record_store
from techlead.project import Project
from techlead.store.database import Store

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
StoreDependency = Annotated[Store, Depends(record_store)]
PeriodQuery = Annotated[
    str, Query(pattern="^(week|month|quarter)$", description="week, month or quarter")
]
AllQuery = Annotated[bool, Query(alias="all", description="every period, not the newest 12")]


def _delivery(ev: Project, store: Store, unit: str, every: bool) -> dict[str, Any]:
    """The page's document: the overview, or why there is none."""
    try:
        found: dict[str, Any] = plain(delivery_overview(ev, store, unit, every))
    except DeploymentError as exc:
        return {"problem": exc.message, "rows": [], "levels": {}, "deployment_list": []}
    return {**found, "problem": None}


@router.get("/delivery", response_class=HTMLResponse, include_in_schema=False)
async def delivery_page(
    request: Request,
    ev: EvidenceDependency,
    store: StoreDependency,
    period: PeriodQuery = "quarter",
    every: AllQuery = False,
) -> HTMLResponse:
    data = _delivery(ev, store, period, every)
    periods = [row for row in data["rows"] if row["period"] != "all"][::-1]
    charts = [chart(keys_chart(periods), "Each DORA key per period")] if periods else []
    return page(request, "delivery.html", "Delivery", delivery=data, charts=charts, period=period)


@twins.get(
    "/delivery",
    tags=["delivery"],
    summary="DORA keys per period and every deployment",
    response_model=DeliveryOverview,
)
async def delivery_api(
    ev: EvidenceDependency,
    store: StoreDependency,
    period: PeriodQuery = "quarter",
    every: AllQuery = False,
) -> Response:
    """400 with the reason when there are no deployments to measure."""
    return api(plain(delivery_overview(ev, store, period, every)))
