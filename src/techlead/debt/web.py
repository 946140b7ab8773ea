"""Dashboard pages and their JSON twins for technical debt: hotspots, a file, coupling."""

from __future__ import annotations

from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.debt.charts import hotspot_scatter
from techlead.debt.coupling import CoupledPair, coupling
from techlead.debt.hotspots import HOTSPOT_COLUMNS, Hotspot, ranked_hotspots, selected
from techlead.output import plain, records
from techlead.pages import api, base_of, chart, evidence, network_spec, page, rows
from techlead.project import Project

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
SinceQuery = Annotated[
    str | None, Query(description="Count changes since a date or span (90d, 6w, 12m, 2y).")
]
TopQuery = Annotated[int, Query(ge=1, le=5000, description="How many rows.")]
AllFilesQuery = Annotated[
    bool, Query(description="Every kind of file, not only code ([files] kinds).")
]


def _sorted(frame: pl.DataFrame, sort: str, descending: bool) -> pl.DataFrame:
    if sort not in frame.columns:
        sort = "score"
    return frame.sort(sort, descending=descending, nulls_last=True)


@router.get("/hotspots", response_class=HTMLResponse, include_in_schema=False)
async def hotspots_page(
    request: Request,
    ev: EvidenceDependency,
    since: SinceQuery = None,
    sort: str = "score",
    desc: bool = True,
    top: TopQuery = 50,
    all_files: AllFilesQuery = False,
) -> HTMLResponse:
    frame = ranked_hotspots(ev, since, all_files)
    shown = ev.derived(
        f"hotspot_rows:{since}:{sort}:{desc}:{top}:{all_files}",
        lambda: rows(_sorted(frame.head(max(top, 200)), sort, desc).head(top)),
    )
    return page(
        request,
        "hotspots.html",
        "Hotspots",
        chart=ev.derived(
            f"chart:hotspots:{since}:{all_files}",
            lambda: chart(
                hotspot_scatter(frame.head(200), base_of(request)),
                "Scatter of change frequency and complexity",
            ),
        ),
        rows=shown,
        columns=[c for c in HOTSPOT_COLUMNS if c != "method"],
        sort=sort,
        desc=desc,
        since=since or ev.settings.debt.since,
        top=top,
    )


@twins.get(
    "/hotspots",
    tags=["debt"],
    summary="Hotspots: complex files that change often",
    response_model=list[Hotspot],
)
async def hotspots_api(
    ev: EvidenceDependency,
    since: SinceQuery = None,
    top: TopQuery = 50,
    all_files: AllFilesQuery = False,
) -> Response:
    return api(plain(records(ranked_hotspots(ev, since, all_files).head(top), Hotspot)))


def _coupling(ev: Project, all_files: bool = False) -> pl.DataFrame:
    keep = selected(ev, all_files).paths
    return ev.derived(f"coupling:{all_files}", lambda: coupling(ev.files(), keep=keep))


@router.get("/coupling", response_class=HTMLResponse, include_in_schema=False)
async def coupling_page(
    request: Request, ev: EvidenceDependency, top: TopQuery = 40, all_files: AllFilesQuery = False
) -> HTMLResponse:
    pairs = _coupling(ev, all_files).head(top)
    names = sorted(set(pairs.get_column("path")) | set(pairs.get_column("coupled")))
    nodes = [
        {
            "id": name,
            "label": name.rsplit("/", 1)[-1],
            "group": name.split("/", 1)[0],
            "href": f"{base_of(request)}/files/{name}",
        }
        for name in names
    ]
    edges = [
        (a, b, degree / 100)
        for a, b, degree in pairs.select("path", "coupled", "degree").iter_rows()
    ]
    graph = (
        ev.derived(
            f"chart:coupling:{top}:{all_files}",
            lambda: network_spec(nodes, edges, "Files that change together"),
        )
        if edges
        else None
    )
    return page(
        request,
        "coupling.html",
        "Change coupling",
        rows=rows(pairs),
        chart=chart(graph, "Network of files that change together") if graph else None,
    )


@twins.get(
    "/coupling",
    tags=["debt"],
    summary="Change coupling: files that change together",
    response_model=list[CoupledPair],
)
async def coupling_api(
    ev: EvidenceDependency, top: TopQuery = 100, all_files: AllFilesQuery = False
) -> Response:
    return api(plain(records(_coupling(ev, all_files).head(top), CoupledPair)))
