"""Dashboard page and JSON twin of delivery performance (DORA keys from the release tags)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.delivery.charts import keys_chart
from techlead.delivery.deployments import DeploymentError, find_deployments
from techlead.delivery.metrics import ship
from techlead.delivery.report import as_dict, delivery_keys, deployment_rows
from techlead.incidents.service import linked_commits
from techlead.pages import api, chart, evidence, page, record_store
from techlead.project import Project
from techlead.store.changes import record_version
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
    key = f"delivery:{unit}:{every}:{record_version(store)}"
    return ev.derived(key, lambda: _delivery_now(ev, store, unit, every))


def _delivery_now(ev: Project, store: Store, unit: str, every: bool) -> dict[str, Any]:
    """What `techlead delivery` and `techlead delivery deployments` show, in one document."""
    history = ev.result().history
    rules = ev.settings.delivery
    try:
        found = find_deployments(history, None, None, None)
    except DeploymentError as exc:
        return {"problem": exc.message, "rows": [], "levels": {}, "deployment_list": []}
    shipped = ship(
        history.repo,
        found.deployments,
        linked_commits(store),
        rules.hotfix_pattern,
        rules.revert_window_days,
    )
    result = delivery_keys(found, shipped, unit, rules.min_deployments, every)
    return {
        **as_dict(result),
        "periods_note": result.periods_note,
        "problem": None,
        "deployment_list": deployment_rows(shipped),
    }


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


@twins.get("/delivery", tags=["delivery"], summary="DORA keys per period and every deployment")
async def delivery_api(
    ev: EvidenceDependency,
    store: StoreDependency,
    period: PeriodQuery = "quarter",
    every: AllQuery = False,
) -> Response:
    return api(_delivery(ev, store, period, every))
