"""An incident as its row in a listing and as its detail: one shape of each, which the CLI's
JSON, the dashboard's JSON twins (as their OpenAPI schema), the pages and the reports share.

Times are UTC and end in `_at` (`detected_at`, `resolved_at`, ...), as in the record store and
in `incident import`'s columns; the post-mortem is named by `postmortem_path`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from techlead.incidents import service
from techlead.incidents.service import IncidentView
from techlead.store.database import Store


class IncidentRow(BaseModel):
    """One incident in a listing."""

    id: int
    title: str
    severity: str
    service: str | None
    status: str = Field(description="investigating, identified, mitigated, resolved or closed")
    commander: str | None = Field(description="The commander (several joined by commas).")
    detected_at: dt.datetime
    resolved_at: dt.datetime | None


class IncidentRole(BaseModel):
    role: str = Field(description="commander, deputy, scribe, comms or sme")
    name: str


class IncidentLink(BaseModel):
    kind: str = Field(description="commit, adr, runbook or incident")
    target: str
    note: str | None


class IncidentAction(BaseModel):
    id: int
    type: str = Field(description="mitigate, prevent or process")
    text: str
    owner: str | None
    due: dt.date | None
    status: str


class IncidentEntry(BaseModel):
    at: dt.datetime
    kind: str
    text: str
    author: str | None


class IncidentDetail(IncidentRow):
    """One incident with everything recorded about it."""

    external_id: str | None = Field(description="Its id in the system it was imported from.")
    summary: str | None
    started_at: dt.datetime
    acknowledged_at: dt.datetime | None
    identified_at: dt.datetime | None
    mitigated_at: dt.datetime | None
    closed_at: dt.datetime | None
    postmortem_path: str | None = Field(description="The post-mortem, relative to the repository.")
    roles: list[IncidentRole]
    links: list[IncidentLink]
    linked_from: list[int] = Field(description="Incidents that link to this one.")
    actions: list[IncidentAction]
    timeline: list[IncidentEntry]


class IncidentWithPostmortem(IncidentDetail):
    """One incident, and its post-mortem's text (the dashboard's JSON twin)."""

    postmortem: str | None = Field(
        description="The post-mortem's Markdown; null when it has none or its file is gone."
    )


def _row_fields(view: IncidentView) -> dict[str, Any]:
    i = view.incident
    return {
        "id": i.id,
        "title": i.title,
        "severity": i.severity,
        "service": i.service,
        "status": i.status,
        "commander": ", ".join(view.holders("commander")) or None,
        "detected_at": i.detected_at,
        "resolved_at": i.resolved_at,
    }


def incident_row(view: IncidentView) -> IncidentRow:
    """The incident's row in a listing."""
    return IncidentRow(**_row_fields(view))


def incident_detail(view: IncidentView) -> IncidentDetail:
    """The incident with its roles, links, action items and timeline."""
    i = view.incident
    return IncidentDetail(
        **_row_fields(view),
        external_id=i.external_id,
        summary=i.summary,
        started_at=i.started_at,
        acknowledged_at=i.acknowledged_at,
        identified_at=i.identified_at,
        mitigated_at=i.mitigated_at,
        closed_at=i.closed_at,
        postmortem_path=i.postmortem_path,
        roles=[IncidentRole(role=r.role, name=r.name) for r in view.roles],
        links=[IncidentLink(kind=k.kind, target=k.target, note=k.note) for k in view.links],
        linked_from=view.linked_from,
        actions=[
            IncidentAction(
                id=a.id, type=a.type, text=a.text, owner=a.owner, due=a.due, status=a.status
            )
            for a in view.actions
        ],
        timeline=[
            IncidentEntry(at=e.at, kind=e.kind, text=e.text, author=e.author) for e in view.entries
        ],
    )


def open_incident_rows(store: Store) -> list[dict[str, Any]]:
    """The unresolved incidents' rows, newest first, as plain data."""
    return [
        incident_row(view).model_dump() for view in service.list_incidents(store, open_only=True)
    ]
