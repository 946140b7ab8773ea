"""Dashboard pages and JSON twins for team knowledge: ownership, truck factor, off-boarding."""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.debt.charts import complexity_trend_chart
from techlead.debt.hotspots import ranked_hotspots
from techlead.debt.trend import complexity_trend
from techlead.pages import api, chart, evidence, page
from techlead.project import Project
from techlead.team.offboard import orphaned_files, resolve_people
from techlead.team.ownership import directory_ownership, file_ownership
from techlead.team.truck_factor import overall_truck_factor, truck_factor_by_directory

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
PeopleQuery = Annotated[
    list[str], Query(description="Developers leaving (name or e-mail); repeat for several.")
]


def _team(ev: Project) -> dict[str, Any]:
    result: dict[str, Any] = ev.derived("team", lambda: _team_now(ev))
    return result


def _team_now(ev: Project) -> dict[str, Any]:
    truck = overall_truck_factor(ev)
    directories = ev.derived("truck_by_directory", lambda: truck_factor_by_directory(ev.files()))
    ownership = ev.derived("directory_ownership", lambda: directory_ownership(ev.files()))
    people = ev.files().human_changes.group_by("author").agg(revisions=pl.col("commit").n_unique())
    return {
        "truck_factor": truck,
        "by_directory": directories,
        "ownership": ownership.to_dicts(),
        "people": people.sort(["revisions", "author"], descending=[True, False]).to_dicts(),
    }


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
    team = _team(ev)
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


@twins.get("/team", tags=["team"], summary="Truck factor and ownership by directory")
async def team_api(ev: EvidenceDependency) -> Response:
    return api(_team(ev))


def _offboard(ev: Project, person: list[str]) -> dict[str, Any]:
    leaving = resolve_people(ev.files(), person)
    orphans = orphaned_files(ev.files(), leaving, ranked_hotspots(ev))
    return {"leaving": leaving, "orphaned": orphans.to_dicts()}


@router.get("/team/offboard", response_class=HTMLResponse, include_in_schema=False)
async def offboard_page(
    request: Request, ev: EvidenceDependency, person: PeopleQuery
) -> HTMLResponse:
    """The what-if table (a fragment when htmx asks for it)."""
    fragment = request.headers.get("HX-Target") == "offboard"
    template = "offboard.html" if fragment else "offboard_page.html"
    return page(request, template, "If they left", result=_offboard(ev, person))


@twins.get("/team/offboard", tags=["team"], summary="Files orphaned if these people left")
async def offboard_api(ev: EvidenceDependency, person: PeopleQuery) -> Response:
    return api(_offboard(ev, person))


def _file(ev: Project, path: str) -> dict[str, object]:
    trend = ev.derived(f"trend:{path}", lambda: complexity_trend(ev.files(), path))
    owners = ev.derived("ownership", lambda: file_ownership(ev.files()))
    changes = ev.files().human_changes.filter(pl.col("file") == path)
    authors = (
        changes.group_by("author")
        .agg(revisions=pl.col("commit").n_unique(), added=pl.col("added").sum())
        .sort(["revisions", "author"], descending=[True, False])
    )
    hotspot = ranked_hotspots(ev).with_row_index("rank", offset=1).filter(pl.col("path") == path)
    return {
        "path": path,
        "hotspot": hotspot.to_dicts()[0] if hotspot.height else None,
        "ownership": owners.filter(pl.col("path") == path).to_dicts(),
        "authors": authors.to_dicts(),
        "trend": trend.to_dicts(),
    }


@router.get("/files/{path:path}", response_class=HTMLResponse, include_in_schema=False)
async def file_page(request: Request, ev: EvidenceDependency, path: str) -> HTMLResponse:
    found = _file(ev, path)
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


@twins.get("/files/{path:path}", tags=["debt"], summary="One file: trend and owners")
async def file_api(ev: EvidenceDependency, path: str) -> Response:
    return api(_file(ev, path))
