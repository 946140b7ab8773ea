"""Dashboard pages and JSON twins for hiring: kits (everyone), candidates and debriefs
(interviewers see their own candidates, managers all), calibration (managers only).

In team mode the signed-in user is the interviewer: a scorecard is always recorded under
their own name, and the others' stay hidden from them until theirs is submitted.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from techlead.config import Settings
from techlead.hiring.calibration import calibrate
from techlead.hiring.debrief import debrief
from techlead.hiring.documents import kit_markdown
from techlead.hiring.kits import build_kit, code_exercise, design_from_decisions
from techlead.hiring.profiles import HiringError, Matrix, load_matrix
from techlead.hiring.scorecards import (
    LEAD,
    RECOMMENDATIONS,
    STATUSES,
    CandidateView,
    RoleLookup,
    Score,
    ScorecardView,
    Submission,
    Viewer,
    add_candidate,
    assign,
    candidate,
    decide,
    list_candidates,
    rate_outcome,
    record_scorecard,
    submitted_scores,
)
from techlead.pages import (
    api,
    base_of,
    chart,
    evidence,
    page,
    record_store,
    settings_of,
)
from techlead.project import Project
from techlead.sanitised_markdown import markdown_html
from techlead.store.database import Store

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
StoreDependency = Annotated[Store, Depends(record_store)]
SettingsDependency = Annotated[Settings, Depends(settings_of)]
EvidenceDependency = Annotated[Project, Depends(evidence)]
CandidateNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="Candidate number.")]
Name = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9._-]{0,99}$", max_length=100)]
SeedQuery = Annotated[int, Query(ge=0, le=2**31, description="Which questions are drawn.")]


def _matrix(ev: Project, settings: Settings) -> Matrix:
    return load_matrix(ev.repo.root, settings)


def viewer_of(request: Request) -> Viewer:
    """FastAPI dependency: who looks at hiring records (403 for those with no hiring role)."""
    user = getattr(request.state, "user", None)
    if user is None:
        return LEAD  # local mode: the lead's own dashboard
    role = user.hiring_role
    if role is None:
        raise HTTPException(
            403, f"{user.name} has no hiring access: candidates' records are personal data"
        )
    return Viewer(user.name, role == "manager")


def manager_of(request: Request) -> Viewer:
    viewer = viewer_of(request)
    if not viewer.manager:
        raise HTTPException(403, "only hiring managers may do this")
    return viewer


ViewerDependency = Annotated[Viewer, Depends(viewer_of)]
ManagerDependency = Annotated[Viewer, Depends(manager_of)]


def _kits(matrix: Matrix) -> dict[str, Any]:
    return {
        "roles": [
            {
                "name": role.name,
                "title": role.title,
                "level": role.level,
                "competencies": list(role.competencies),
                "stages": [
                    {"name": s.name, "minutes": s.minutes, "competencies": list(s.competencies)}
                    for s in role.stages.values()
                ],
            }
            for role in sorted(matrix.roles.values(), key=lambda r: r.name)
        ],
        "competencies": [dataclasses.asdict(c) for c in matrix.competencies.values()],
        "questions": len(matrix.questions),
    }


@router.get("/hire", response_class=HTMLResponse, include_in_schema=False)
async def kits_page(
    request: Request, settings: SettingsDependency, ev: EvidenceDependency
) -> HTMLResponse:
    return page(request, "hire_kits.html", "Hiring", kits=_kits(_matrix(ev, settings)))


@twins.get("/hire", tags=["hiring"], summary="Role profiles and the competency matrix")
async def kits_api(settings: SettingsDependency, ev: EvidenceDependency) -> Response:
    return api(_kits(_matrix(ev, settings)))


def _kit(ev: Project, settings: Settings, role: str, stage: str, seed: int) -> str:
    from techlead.debt.hotspots import ranked_hotspots

    matrix = _matrix(ev, settings)
    matrix.role(role).stage(stage)
    from techlead.history.test_paths import spec_of_tests

    tests = spec_of_tests(settings.review)
    code = code_exercise(ev.files(), ranked_hotspots(ev), tests) if stage == "technical" else None
    design = (
        design_from_decisions(ev.repo.root, settings, seed) if stage == "system-design" else None
    )
    return kit_markdown(build_kit(matrix, role, stage, seed, code, design))


@router.get("/hire/kits/{role}/{stage}", response_class=HTMLResponse, include_in_schema=False)
def kit_page(
    request: Request,
    role: Name,
    stage: Name,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    seed: SeedQuery = 0,
) -> HTMLResponse:
    title, _, body = _kit(ev, settings, role, stage, seed).partition("\n")
    return page(
        request,
        "hire_kit.html",
        title.removeprefix("# "),  # the page's one heading
        kit=markdown_html(body, raw_html=False),  # quotes code and records
        role=role,
        stage=stage,
        seed=seed,
    )


@twins.get("/hire/kits/{role}/{stage}", tags=["hiring"], summary="An interview kit (Markdown)")
def kit_api(
    role: Name,
    stage: Name,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    seed: SeedQuery = 0,
) -> Response:
    return api(
        {
            "role": role,
            "stage": stage,
            "seed": seed,
            "markdown": _kit(ev, settings, role, stage, seed),
        }
    )


def _candidate_rows(store: Store, viewer: Viewer) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "name": c.name,
            "role": c.role,
            "status": c.status,
            "submitted": sum(card.submitted for card in c.scorecards),
            "open": len(c.pending),
            "outcome": c.outcome,
            "added": c.created_at,
        }
        for c in list_candidates(store, viewer)
    ]


@router.get("/hire/candidates", response_class=HTMLResponse, include_in_schema=False)
async def candidates_page(
    request: Request,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    viewer: ViewerDependency,
) -> HTMLResponse:
    return page(
        request,
        "hire_candidates.html",
        "Candidates",
        candidates=_candidate_rows(store, viewer),
        manager=viewer.manager,
        roles=sorted(_matrix(ev, settings).roles),
    )


@twins.get("/hire/candidates", tags=["hiring"], summary="The candidates the user may see")
async def candidates_api(store: StoreDependency, viewer: ViewerDependency) -> Response:
    return api(_candidate_rows(store, viewer))


class NewCandidate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=100)
    email: str | None = Field(default=None, max_length=200)


def _add(store: Store, ev: Project, settings: Settings, new: NewCandidate) -> int:
    role = _matrix(ev, settings).role(new.role)
    return add_candidate(store, new.name, role, new.email or None).id


@router.post("/hire/candidates", include_in_schema=False)
def add_form(
    request: Request,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    _manager: ManagerDependency,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    role: Annotated[str, Form(min_length=1, max_length=100)],
    email: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    number = _add(store, ev, settings, NewCandidate(name=name, role=role, email=email))
    return RedirectResponse(f"{base_of(request)}/hire/candidates/{number}", status_code=303)


@twins.post("/hire/candidates", tags=["hiring"], summary="Add a candidate", status_code=201)
def add_api(
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    _manager: ManagerDependency,
    new: NewCandidate,
) -> Response:
    number = _add(store, ev, settings, new)
    return api(_detail(store, ev, settings, number, LEAD), status_code=201)


def _forms(found: CandidateView, matrix: Matrix, viewer: Viewer) -> list[dict[str, Any]]:
    """The scorecard forms the viewer fills in: their own open scorecards with the draft
    filled in (signed in), or a blank one per stage (the lead's own dashboard)."""
    role = matrix.roles.get(found.role)
    if role is None or found.anonymised:
        return []
    drafts: dict[str, ScorecardView | None]
    if viewer.name is None:
        drafts = dict.fromkeys(role.stages)
    else:
        drafts = {
            c.stage: c
            for c in found.scorecards
            if c.interviewer == viewer.name and not c.submitted and c.stage in role.stages
        }
    forms = []
    for stage, draft in drafts.items():
        given = {s.competency: s for s in draft.scores} if draft else {}
        forms.append(
            {
                "stage": stage,
                "recommendation": draft.recommendation if draft else None,
                "notes": draft.notes if draft else None,
                "competencies": [
                    {
                        "name": name,
                        "title": matrix.competencies[name].title,
                        "score": given[name].score if name in given else None,
                        "evidence": given[name].evidence if name in given else None,
                    }
                    for name in role.stages[stage].competencies
                ],
            }
        )
    return forms


def _detail(
    store: Store, ev: Project, settings: Settings, number: int, viewer: Viewer
) -> dict[str, Any]:
    found = candidate(store, str(number), viewer)
    matrix = _matrix(ev, settings)
    result = debrief(found, matrix, settings.hiring.disagreement)
    role = matrix.roles.get(found.role)
    return {
        "candidate": dataclasses.asdict(found),
        "debrief": dataclasses.asdict(result),
        "disagreements": result.disagreements,
        "forms": _forms(found, matrix, viewer),
        "stages": list(role.stages) if role else [],
    }


@router.get("/hire/candidates/{number}", response_class=HTMLResponse, include_in_schema=False)
async def candidate_page(
    request: Request,
    number: CandidateNumber,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    viewer: ViewerDependency,
) -> HTMLResponse:
    detail = _detail(store, ev, settings, number, viewer)
    return page(
        request,
        "hire_candidate.html",
        f"Candidate #{number}",
        detail=detail,
        viewer=viewer,
        recommendations=RECOMMENDATIONS,
        statuses=STATUSES,
    )


@twins.get("/hire/candidates/{number}", tags=["hiring"], summary="A candidate's debrief")
async def candidate_api(
    number: CandidateNumber,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    viewer: ViewerDependency,
) -> Response:
    return api(_detail(store, ev, settings, number, viewer))


class ScorecardEntry(BaseModel):
    """A scorecard: scores 1-4 per competency, evidence, a recommendation."""

    stage: str = Field(min_length=1, max_length=50)
    scores: dict[str, int] = Field(description="Competency: score from 1 to 4.")
    evidence: dict[str, str] = Field(default_factory=dict)
    recommendation: str | None = Field(default=None, description=", ".join(RECOMMENDATIONS))
    notes: str | None = Field(default=None, max_length=20_000)
    interviewer: str | None = Field(
        default=None, max_length=100, description="Ignored when signed in: you are the interviewer."
    )
    submit: bool = True
    replace: bool = Field(
        default=False, description="These scores replace the draft's (else they are added)."
    )


def _interviewer(viewer: Viewer, given: str | None) -> str:
    if viewer.name is not None:
        return viewer.name  # team mode: never on someone else's behalf
    if not given or not given.strip():
        raise HiringError("name the interviewer")
    return given


def _score(
    store: Store,
    ev: Project,
    settings: Settings,
    number: int,
    viewer: Viewer,
    entry: ScorecardEntry,
) -> None:
    if viewer.name is not None:  # signed in: only on a panel one is on, managers included
        found = candidate(store, str(number), viewer)  # an interviewer not on it: 404
        if not any(
            c.interviewer == viewer.name and c.stage == entry.stage for c in found.scorecards
        ):
            raise HTTPException(
                403, f"you are not on #{number}'s panel for the {entry.stage} stage"
            )
    scores = tuple(
        Score(name, value, entry.evidence.get(name)) for name, value in entry.scores.items()
    )
    record_scorecard(
        store,
        str(number),
        RoleLookup(_matrix(ev, settings).roles),
        _interviewer(viewer, entry.interviewer),
        entry.stage,
        Submission(scores, entry.recommendation or None, entry.notes, entry.submit, entry.replace),
    )


@router.post("/hire/candidates/{number}/scorecards", include_in_schema=False)
async def score_form(
    request: Request,
    number: CandidateNumber,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    viewer: ViewerDependency,
) -> RedirectResponse:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    scores = {
        key[6:]: int(value)
        for key, value in fields.items()
        if key.startswith("score:") and value.strip().isdigit()
    }
    evidence_notes = {
        key[9:]: value for key, value in fields.items() if key.startswith("evidence:")
    }
    entry = ScorecardEntry(
        stage=fields.get("stage", ""),
        scores=scores,
        evidence={k: v for k, v in evidence_notes.items() if k in scores},
        recommendation=fields.get("recommendation") or None,
        notes=fields.get("notes") or None,
        interviewer=fields.get("interviewer"),
        submit=fields.get("action", "submit") == "submit",
        replace=True,  # the form shows the whole draft: what it sends is the scorecard
    )
    _score(store, ev, settings, number, viewer, entry)
    return RedirectResponse(f"{base_of(request)}/hire/candidates/{number}", status_code=303)


@twins.post(
    "/hire/candidates/{number}/scorecards", tags=["hiring"], summary="Save or submit a scorecard"
)
def score_api(
    number: CandidateNumber,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    viewer: ViewerDependency,
    entry: ScorecardEntry,
) -> Response:
    _score(store, ev, settings, number, viewer, entry)
    return api(_detail(store, ev, settings, number, viewer))


@router.post("/hire/candidates/{number}/panel", include_in_schema=False)
def panel_form(
    request: Request,
    number: CandidateNumber,
    store: StoreDependency,
    settings: SettingsDependency,
    ev: EvidenceDependency,
    _manager: ManagerDependency,
    stage: Annotated[str, Form(min_length=1, max_length=50)],
    interviewers: Annotated[str, Form(min_length=1, max_length=2000)],
) -> RedirectResponse:
    names = [n.strip() for n in interviewers.split(",") if n.strip()]
    assign(store, str(number), RoleLookup(_matrix(ev, settings).roles), stage, names)
    return RedirectResponse(f"{base_of(request)}/hire/candidates/{number}", status_code=303)


@router.post("/hire/candidates/{number}/decision", include_in_schema=False)
def decision_form(
    request: Request,
    number: CandidateNumber,
    store: StoreDependency,
    _manager: ManagerDependency,
    status: Annotated[str, Form(max_length=20)],
    outcome: Annotated[str, Form(max_length=10)] = "",
) -> RedirectResponse:
    decide(store, str(number), status)
    if outcome.strip():
        try:
            rating = float(outcome)
        except ValueError:
            raise HiringError(f"outcome {outcome!r}: a number from 1 to 4") from None
        rate_outcome(store, str(number), rating)
    return RedirectResponse(f"{base_of(request)}/hire/candidates/{number}", status_code=303)


def _calibration(store: Store, settings: Settings) -> dict[str, Any]:
    result = calibrate(submitted_scores(store), settings.hiring.min_shared)
    return dataclasses.asdict(result)


def _leniency_chart(result: dict[str, Any]) -> dict[str, Any]:
    rows = [
        {
            "interviewer": i["interviewer"],
            "leniency": i["leniency"],
            "low": i["leniency"] - 1.96 * (i["standard_error"] or 0),
            "high": i["leniency"] + 1.96 * (i["standard_error"] or 0),
            "shared": i["shared"],
        }
        for i in result["interviewers"]
        if i["leniency"] is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "height": {"step": 28},
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule"},
                "encoding": {
                    "y": {"field": "interviewer", "type": "nominal", "sort": "-x"},
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "title": "score above (+) or below (-) the rest of the panel",
                    },
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 80},
                "encoding": {
                    "y": {"field": "interviewer", "type": "nominal", "sort": "-x"},
                    "x": {"field": "leniency", "type": "quantitative"},
                    "tooltip": [
                        {"field": "interviewer"},
                        {"field": "leniency"},
                        {"field": "shared", "title": "shared scores"},
                    ],
                },
            },
            {"mark": {"type": "rule", "strokeDash": [4, 4]}, "encoding": {"x": {"datum": 0}}},
        ],
    }


@router.get("/hire/calibration", response_class=HTMLResponse, include_in_schema=False)
async def calibration_page(
    request: Request,
    store: StoreDependency,
    settings: SettingsDependency,
    _manager: ManagerDependency,
) -> HTMLResponse:
    result = _calibration(store, settings)
    for row in result["interviewers"]:
        row["scores_1_2_3_4"] = "/".join(str(row["distribution"][s]) for s in (1, 2, 3, 4))
    return page(
        request,
        "hire_calibration.html",
        "Interviewer calibration",
        calibration=result,
        leniency=chart(_leniency_chart(result), "Leniency of each interviewer against the panel")
        if result["interviewers"]
        else None,
    )


@twins.get("/hire/calibration", tags=["hiring"], summary="Interviewer calibration")
async def calibration_api(
    store: StoreDependency, settings: SettingsDependency, _manager: ManagerDependency
) -> Response:
    return api(_calibration(store, settings))
