"""Dashboard pages and JSON twins for incidents: list and stats, open, one incident, updates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from techlead.config import Settings
from techlead.incidents import service
from techlead.incidents.detail import (
    IncidentDetail,
    IncidentWithPostmortem,
    incident_detail,
    incident_row,
)
from techlead.incidents.service import OPEN_STATUSES, STATUSES, IncidentView
from techlead.incidents.stats import incident_stats, stats_document
from techlead.incidents.times import duration
from techlead.pages import (
    api,
    base_of,
    evidence,
    page,
    record_store,
    settings_of,
    templates,
)
from techlead.project import Project
from techlead.sanitised_markdown import markdown_html
from techlead.store.changes import record_version
from techlead.store.database import Store

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
templates.env.filters["duration"] = duration  # MTTR and friends, written as the CLI writes them
StoreDependency = Annotated[Store, Depends(record_store)]
SettingsDependency = Annotated[Settings, Depends(settings_of)]
EvidenceDependency = Annotated[Project, Depends(evidence)]
PAGE_SIZE = 50
OffsetQuery = Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many.")]
LimitQuery = Annotated[int, Query(ge=1, le=1000, description="Show this many, newest first.")]
IncidentNumber = Annotated[int, Path(ge=1, le=service.MAX_ID, description="Incident id.")]


class NewIncident(BaseModel):
    """An incident to open."""

    title: str = Field(min_length=1, max_length=500)
    severity: str = Field(description="One of the configured levels (SEV1-SEV5 by default).")
    service: str | None = Field(default=None, max_length=200)
    commander: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=100_000)


class Update(BaseModel):
    """A timeline entry."""

    text: str = Field(min_length=1, max_length=100_000)
    by: str | None = Field(default=None, max_length=200)


class StatusChange(BaseModel):
    status: str = Field(description="investigating, identified, mitigated, resolved or closed")


def _listing(store: Store, settings: Settings, ev: Project) -> dict[str, Any]:
    """Every incident and the statistics (cached until records change)."""
    key = f"incidents:{record_version(store)}:{dt.date.today()}"
    result: dict[str, Any] = ev.derived(key, lambda: _listing_now(store, settings, ev))
    return result


def _listing_now(store: Store, settings: Settings, ev: Project) -> dict[str, Any]:
    stats = incident_stats(
        store, ev.repo.root, settings.incidents.severities, None, dt.date.today()
    )
    return {
        "incidents": [incident_row(view).model_dump() for view in service.list_incidents(store)],
        "stats": stats,
        "postmortem_rate": stats.postmortem_rate,
    }


def _postmortem(view: IncidentView, ev: Project) -> str | None:
    """The post-mortem's text; a file outside the repository is refused, never shown."""
    return service.read_postmortem(view.incident, ev.repo.root, lenient=True)


@router.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
async def incidents_page(
    request: Request,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    offset: OffsetQuery = 0,
    limit: LimitQuery = PAGE_SIZE,
) -> HTMLResponse:
    listing = _listing(store, settings, ev)
    return page(
        request,
        "incidents.html",
        "Incidents",
        listing={**listing, "incidents": listing["incidents"][offset : offset + limit]},
        total=len(listing["incidents"]),
        offset=offset,
        limit=limit,
        severities=list(settings.incidents.severities),
    )


@twins.get("/incidents", tags=["incidents"], summary="Every incident and the statistics")
async def incidents_api(
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    offset: OffsetQuery = 0,
    limit: LimitQuery = PAGE_SIZE,
) -> Response:
    listing = _listing(store, settings, ev)
    return api(
        {
            **listing,
            "stats": stats_document(listing["stats"]),
            "total": len(listing["incidents"]),
            "incidents": listing["incidents"][offset : offset + limit],
        }
    )


def _open(store: Store, settings: Settings, new: NewIncident) -> IncidentView:
    level = service.check_severity(new.severity, settings.incidents.severities)
    opened = service.open_incident(
        store,
        new.title,
        level,
        service=new.service or None,
        commander=new.commander or None,
        summary=new.summary or None,
    )
    return service.get(store, opened.id)


@router.post("/incidents", include_in_schema=False)
def open_form(
    request: Request,
    store: StoreDependency,
    settings: SettingsDependency,
    title: Annotated[str, Form(min_length=1, max_length=500)],
    severity: Annotated[str, Form()],
    service_name: Annotated[str, Form(alias="service")] = "",
    commander: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
) -> RedirectResponse:
    new = NewIncident(
        title=title, severity=severity, service=service_name, commander=commander, summary=summary
    )
    view = _open(store, settings, new)
    return RedirectResponse(f"{base_of(request)}/incidents/{view.incident.id}", status_code=303)


@twins.post(
    "/incidents",
    tags=["incidents"],
    summary="Open an incident",
    status_code=201,
    response_model=IncidentDetail,
)
def open_api(store: StoreDependency, settings: SettingsDependency, new: NewIncident) -> Response:
    return api(incident_detail(_open(store, settings, new)).model_dump(), status_code=201)


@router.get("/incidents/{number}", response_class=HTMLResponse, include_in_schema=False)
async def incident_page(
    request: Request, store: StoreDependency, ev: EvidenceDependency, number: IncidentNumber
) -> HTMLResponse:
    view = service.get(store, number)
    text = _postmortem(view, ev)
    return page(
        request,
        "incident.html",
        f"Incident {number}: {view.incident.title}",
        incident=incident_detail(view).model_dump(),
        postmortem=markdown_html(text) if text is not None else None,
        statuses=[s for s in STATUSES if s != view.incident.status],
        is_open=view.incident.status in OPEN_STATUSES,
    )


@twins.get(
    "/incidents/{number}",
    tags=["incidents"],
    summary="One incident",
    response_model=IncidentWithPostmortem,
)
async def incident_api(
    store: StoreDependency, ev: EvidenceDependency, number: IncidentNumber
) -> Response:
    view = service.get(store, number)
    detail = IncidentWithPostmortem(
        **incident_detail(view).model_dump(), postmortem=_postmortem(view, ev)
    )
    return api(detail.model_dump())


@router.post("/incidents/{number}/updates", include_in_schema=False)
def update_form(
    request: Request,
    store: StoreDependency,
    number: IncidentNumber,
    text: Annotated[str, Form(min_length=1, max_length=100_000)],
    by: Annotated[str, Form()] = "",
) -> RedirectResponse:
    service.add_update(store, number, text, by or None, None)
    return RedirectResponse(f"{base_of(request)}/incidents/{number}", status_code=303)


@twins.post(
    "/incidents/{number}/updates",
    tags=["incidents"],
    summary="Add to the timeline",
    status_code=201,
)
def update_api(store: StoreDependency, number: IncidentNumber, update: Update) -> Response:
    entry = service.add_update(store, number, update.text, update.by or None, None)
    return api({"incident": number, "at": entry.at, "text": entry.text}, status_code=201)


def _status(
    store: Store, settings: Settings, ev: Project, number: IncidentNumber, status: str
) -> None:
    service.change_status(
        store, number, status, settings.incidents.severities, at=None, root=ev.repo.root
    )


@router.post("/incidents/{number}/status", include_in_schema=False)
def status_form(
    request: Request,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    number: IncidentNumber,
    status: Annotated[str, Form()],
) -> RedirectResponse:
    _status(store, settings, ev, number, status)
    return RedirectResponse(f"{base_of(request)}/incidents/{number}", status_code=303)


@twins.post(
    "/incidents/{number}/status",
    tags=["incidents"],
    summary="Move an incident on",
    response_model=IncidentDetail,
)
def status_api(
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    number: IncidentNumber,
    change: StatusChange,
) -> Response:
    _status(store, settings, ev, number, change.status)
    return api(incident_detail(service.get(store, number)).model_dump())
