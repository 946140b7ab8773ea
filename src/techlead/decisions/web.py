"""Dashboard pages and JSON twins for decisions: the log, one record, rule check results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from techlead.decisions.frozen import checked_rules, shown
from techlead.decisions.log import decision_log, decision_row
from techlead.decisions.records import Decision
from techlead.decisions.store import DecisionLogError, find
from techlead.decisions.views import relations
from techlead.errors import NotFoundError, TechleadError
from techlead.pages import api, base_of, chart, evidence, markdown_html, network_spec, page
from techlead.project import Project

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
RecordNumber = Annotated[int, Path(ge=0, le=99_999, description="Decision record number.")]


def _decisions(ev: Project) -> list[Decision]:
    return decision_log(ev.repo.root, ev.settings)


def _rule_results(ev: Project) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        try:
            result = checked_rules(ev.repo, ev.settings)
        except TechleadError as error:  # a record, rule or baseline that cannot be read
            return {"rules": 0, "violations": [], "frozen": 0, "baseline": None,
                    "error": error.message}  # fmt: skip
        return {
            "rules": len(result.rules),
            "violations": [
                {
                    "adr": v.adr.number,
                    "rule": v.rule.rule_id,
                    "file": v.file,
                    "line": v.line,
                    "message": v.message,
                }
                for v in result.new
            ],
            "frozen": len(result.frozen),
            "baseline": shown(result.baseline, ev.repo.root) if result.baseline else None,
            "error": None,
        }

    result: dict[str, Any] = ev.derived("rule_check", run)
    return result


def _log(ev: Project) -> dict[str, Any]:
    records = _decisions(ev)
    return {
        "decisions": [decision_row(record) for record in records],
        "relations": [{"from": a, "to": b, "label": label} for a, b, label in relations(records)],
        "check": _rule_results(ev),
    }


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


@twins.get("/decisions", tags=["decisions"], summary="Decision records and rule results")
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


@twins.get("/decisions/{number}", tags=["decisions"], summary="One decision record")
async def decision_api(ev: EvidenceDependency, number: RecordNumber) -> Response:
    record = _record(ev, number)
    return api({**decision_row(record), "text": record.text})
