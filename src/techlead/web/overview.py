"""The overview page: the repository in numbers and the first thing to look at per capability."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from techlead.incidents.detail import open_incident_rows
from techlead.output import plain
from techlead.pages import api, evidence, page, record_store, visible_repositories
from techlead.project import Project
from techlead.report.overview import Overview, overview, overview_record, repository_summary
from techlead.store.database import Store

root = APIRouter()  # the list of repositories
router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
StoreDependency = Annotated[Store, Depends(record_store)]


def _repositories(request: Request) -> list[dict[str, Any]]:
    found = []
    for name in visible_repositories(request):
        ev: Project = request.app.state.evidence[name]
        summary = repository_summary(ev)
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


@twins.get(
    "/overview", tags=["overview"], summary="The repository at a glance", response_model=Overview
)
async def overview_api(ev: EvidenceDependency, store: StoreDependency) -> Response:
    return api(plain(overview_record(ev, store)))
