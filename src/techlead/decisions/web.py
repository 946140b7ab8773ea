"""Dashboard pages and JSON twins for decisions: the log, one record, rule check results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from techlead.decisions.log import (
    DecisionLogOverview,
    DecisionWithText,
    decision_detail,
    decision_log,
    decision_log_overview,
    decision_row,
)
from techlead.decisions.records import Decision
from techlead.decisions.store import DecisionLogError, find
from techlead.errors import NotFoundError
from techlead.output import plain
from techlead.pages import api, base_of, chart, evidence, network_spec, page
from techlead.project import Project
from techlead.sanitised_markdown import markdown_html

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
RecordNumber = Annotated[int, Path(ge=0, le=99_999, description="Decision record number.")]


def _decisions(ev: Project) -> list[Decision]:
    return decision_log(ev.repo.root, ev.settings)


def _log(ev: Project) -> dict[str, Any]:
    log: dict[str, Any] = plain(decision_log_overview(ev))
    return log


@router.get("/decisions", response_class=HTMLResponse, include_in_schema=False)
async def decisions_page(request: Request, ev: EvidenceDependency) -> HTMLResponse:
    log = _log(ev)
    numbers = {row["number"]: row for row in log["decisions"]}
    linked = {n for r in log["relations"] for n in (r["from"], r["to"])}
    nodes = [
        {
            "id": str(n),
            "label": f"{n}. {numbers[n]['title'][:40]}",
            "group": numbers[n]["status"],
            "href": f"{base_of(request)}/decisions/{n}",
        }
        for n in sorted(linked)
        if n in numbers
    ]
    edges = [
        (str(r["from"]), str(r["to"]), 1.0)
        for r in log["relations"]
        if r["from"] in numbers and r["to"] in numbers
    ]
    graph = (
        chart(network_spec(nodes, edges, "How decisions relate"), "Graph of decisions")
        if edges
        else None
    )
    return page(request, "decisions.html", "Decisions", log=log, chart=graph)


@twins.get(
    "/decisions",
    tags=["decisions"],
    summary="Decision records and rule results",
    response_model=DecisionLogOverview,
)
async def decisions_api(ev: EvidenceDependency) -> Response:
    return api(_log(ev))


def _record(ev: Project, number: int) -> Decision:
    try:
        return find(_decisions(ev), number)
    except DecisionLogError as error:
        raise NotFoundError(error.message) from None


@router.get("/decisions/{number}", response_class=HTMLResponse, include_in_schema=False)
async def decision_page(
    request: Request, ev: EvidenceDependency, number: RecordNumber
) -> HTMLResponse:
    record = _record(ev, number)
    body = record.text  # as read when the log was loaded: inside the log's folder, UTF-8
    if body.startswith("---"):
        body = body.split("\n---", 1)[-1].split("\n", 1)[-1]
    return page(
        request,
        "decision.html",
        f"ADR {record.number}: {record.title}",
        record=decision_row(record),
        html=markdown_html(body),
    )


@twins.get(
    "/decisions/{number}",
    tags=["decisions"],
    summary="One decision record",
    response_model=DecisionWithText,
)
async def decision_api(ev: EvidenceDependency, number: RecordNumber) -> Response:
    record = _record(ev, number)
    detail = DecisionWithText(**decision_detail(record).model_dump(), text=record.text)
    return api(plain(detail))
