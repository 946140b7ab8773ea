"""Dashboard page and JSON twin of releases: the latest check's gates and every check."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from techlead.pages import api, page, record_store
from techlead.release.records import history, latest_check
from techlead.store.database import Store

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
StoreDependency = Annotated[Store, Depends(record_store)]


def _releases(store: Store) -> dict[str, Any]:
    past = [dataclasses.asdict(p) for p in history(store)]
    for check in past:
        check["verdict"] = "go" if check.pop("go") else "no-go"
        check["blocked_by"] = ", ".join(check["blocked_by"])
        check["commit"] = (check["commit"] or "")[:10]
    return {"latest": latest_check(store), "checks": past}


@router.get("/release", response_class=HTMLResponse, include_in_schema=False)
async def release_page(request: Request, store: StoreDependency) -> HTMLResponse:
    return page(request, "release.html", "Releases", releases=_releases(store))


@twins.get("/release", tags=["release"], summary="The latest release check and every check")
async def release_api(store: StoreDependency) -> Response:
    return api(_releases(store))
