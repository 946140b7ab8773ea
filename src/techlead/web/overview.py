"""The overview page: the repository in numbers and the first thing to look at per capability."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from techlead.debt.web import ranked_hotspots
from techlead.history.summary import ScanSummary, summarize
from techlead.history.web import Evidence, evidence
from techlead.pages import api, page, visible_repositories
from techlead.store.database import Store
from techlead.store.web import record_store, record_version
from techlead.team.web import overall_truck_factor

root = APIRouter()  # the list of repositories
router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Evidence, Depends(evidence)]
StoreDependency = Annotated[Store, Depends(record_store)]
STALE_PROPOSAL_DAYS = 30


def overview(ev: Evidence, store: Store) -> dict[str, Any]:
    """Everything the overview shows, as plain data (cached until history or records change)."""
    key = f"overview:{record_version(store)}:{dt.date.today()}"
    result: dict[str, Any] = ev.derived(key, lambda: _overview(ev, store))
    return result


def _overview(ev: Evidence, store: Store) -> dict[str, Any]:
    from techlead.decisions.web import stale_decisions
    from techlead.incidents.web import open_incident_rows
    from techlead.planning.web import next_forecast

    summary = _summary(ev)
    truck = overall_truck_factor(ev)
    return {
        "summary": summary,
        "hotspots": ranked_hotspots(ev).head(5).to_dicts(),
        "truck_factor": {
            "truck_factor": truck.truck_factor,
            "would_have_to_leave": truck.removed,
            "files": truck.files,
        },
        "open_incidents": open_incident_rows(store),
        "forecast": next_forecast(ev, store),
        "stale_decisions": stale_decisions(ev, dt.date.today(), STALE_PROPOSAL_DAYS),
    }


def _summary(ev: Evidence) -> ScanSummary:
    """The history in numbers, without where the server keeps the repository and its cache."""

    def shown() -> ScanSummary:
        summary = summarize(ev.result())
        return dataclasses.replace(summary, repo=ev.repo.root.name, cache_dir="")

    return ev.derived("summary", shown)


def _repositories(request: Request) -> list[dict[str, Any]]:
    from techlead.incidents.web import open_incident_rows

    found = []
    for name in visible_repositories(request):
        ev: Evidence = request.app.state.evidence[name]
        summary = _summary(ev)
        found.append(
            {
                "name": name,
                "url": f"/repos/{name}/",
                "commits": summary.commits,
                "last_commit_at": summary.last_commit_at,
                "open_incidents": len(open_incident_rows(request.app.state.stores[name])),
            }
        )
    return found


@root.get("/", include_in_schema=False)
async def repositories_page(request: Request) -> Response:
    """The repositories the user may see; straight to the only one if there is one."""
    names = visible_repositories(request)
    if len(names) == 1:
        return RedirectResponse(f"/repos/{names[0]}/", status_code=307)
    return page(request, "repositories.html", "Repositories", rows=_repositories(request))


@root.get("/api/repos", tags=["overview"], summary="The repositories you may see")
async def repositories_api(request: Request) -> Response:
    return api(_repositories(request))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def overview_page(
    request: Request, ev: EvidenceDependency, store: StoreDependency
) -> HTMLResponse:
    return page(request, "overview.html", "Overview", data=overview(ev, store))


@twins.get("/overview", tags=["overview"], summary="The repository at a glance")
async def overview_api(ev: EvidenceDependency, store: StoreDependency) -> Response:
    return api(overview(ev, store))
