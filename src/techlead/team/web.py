"""Dashboard pages and JSON twins for team knowledge: ownership, truck factor, off-boarding."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.debt.charts import complexity_trend_chart
from techlead.debt.trend import complexity_trend
from techlead.output import plain
from techlead.pages import api, chart, evidence, page
from techlead.project import Project
from techlead.team.file_detail import FileDetail, file_detail
from techlead.team.knowledge import TeamKnowledge, team_knowledge
from techlead.team.offboard import Offboarding, offboarding

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
PeopleQuery = Annotated[
    list[str], Query(description="Developers leaving (name or e-mail); repeat for several.")
]


def ownership_chart(ownership: list[dict[str, Any]]) -> dict[str, Any]:
    import altair as alt

    values = [
        {
            "directory": row["directory"],
            "ownership": row["ownership"],
            "main_developer": row["main_developer"],
        }
        for row in ownership[:30]
    ]
    spec: dict[str, Any] = (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("directory:N", sort="-x", title=None),
            x=alt.X(
                "ownership:Q",
                title="Share of lines by the main developer",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("main_developer:N", title="Main developer"),
            tooltip=["directory:N", "main_developer:N", alt.Tooltip("ownership:Q", format=".0%")],
        )
        .properties(width=560, height=alt.Step(18), title="Who owns each directory")
        .to_dict()
    )
    return spec


@router.get("/team", response_class=HTMLResponse, include_in_schema=False)
async def team_page(request: Request, ev: EvidenceDependency) -> HTMLResponse:
    team = plain(team_knowledge(ev))
    return page(
        request,
        "team.html",
        "Team knowledge",
        team=team,
        chart=chart(
            ev.derived("chart:ownership", lambda: ownership_chart(team["ownership"])),
            "Bar chart of ownership by directory",
        ),
    )


@twins.get(
    "/team",
    tags=["team"],
    summary="Truck factor and ownership by directory",
    response_model=TeamKnowledge,
)
async def team_api(ev: EvidenceDependency) -> Response:
    return api(plain(team_knowledge(ev)))


@router.get("/team/offboard", response_class=HTMLResponse, include_in_schema=False)
async def offboard_page(
    request: Request, ev: EvidenceDependency, person: PeopleQuery
) -> HTMLResponse:
    """The what-if table (a fragment when htmx asks for it)."""
    fragment = request.headers.get("HX-Target") == "offboard"
    template = "offboard.html" if fragment else "offboard_page.html"
    return page(request, template, "If they left", result=plain(offboarding(ev, person)))


@twins.get(
    "/team/offboard",
    tags=["team"],
    summary="Files orphaned if these people left",
    response_model=Offboarding,
)
async def offboard_api(ev: EvidenceDependency, person: PeopleQuery) -> Response:
    return api(plain(offboarding(ev, person)))


@router.get("/files/{path:path}", response_class=HTMLResponse, include_in_schema=False)
async def file_page(request: Request, ev: EvidenceDependency, path: str) -> HTMLResponse:
    found = plain(file_detail(ev, path))
    trend = ev.derived(f"trend:{path}", lambda: complexity_trend(ev.files(), path))
    return page(
        request,
        "file.html",
        path,
        file=found,
        chart=chart(
            ev.derived(f"chart:trend:{path}", lambda: complexity_trend_chart(trend, path)),
            f"Complexity of {path} over time",
        ),
    )


@twins.get(
    "/files/{path:path}",
    tags=["debt"],
    summary="One file: trend and owners",
    response_model=FileDetail,
)
async def file_api(ev: EvidenceDependency, path: str) -> Response:
    return api(plain(file_detail(ev, path)))
