"""The dashboard application: one FastAPI app with every capability's pages and JSON twins."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from techlead import __version__
from techlead.config import Settings
from techlead.errors import NotFoundError, TechleadError
from techlead.history.web import Evidence
from techlead.pages import WEB, api, templates
from techlead.store.database import Store

NAV = [
    ("/", "Overview"),
    ("/hotspots", "Hotspots"),
    ("/coupling", "Coupling"),
    ("/team", "Team"),
    ("/decisions", "Decisions"),
    ("/incidents", "Incidents"),
    ("/planning", "Planning"),
]
_SECURITY_HEADERS = {
    # no inline script anywhere: user text can never run; Vega compiles its expressions
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(
    evidence: Evidence,
    store: Store,
    settings: Settings,
    *,
    team: bool = False,
    insecure_http: bool = False,
) -> FastAPI:
    """The dashboard over one repository (`evidence`) and its record `store`; in team mode
    every route but sign-in needs a user (accounts.web.authorise)."""
    from fastapi import Depends
    from fastapi.responses import JSONResponse

    from techlead.accounts.web import authorise
    from techlead.accounts.web import router as accounts_router
    from techlead.debt.web import router as debt_router
    from techlead.decisions.web import router as decisions_router
    from techlead.incidents.web import router as incidents_router
    from techlead.planning.web import router as planning_router
    from techlead.team.web import router as team_router
    from techlead.web.overview import router as overview_router

    app = FastAPI(
        title="techlead",
        version=__version__,
        description="A technical lead's evidence: every dashboard page has this JSON twin.",
        openapi_url=None,  # served below, behind the same gate as every other route
        docs_url=None,  # the interactive docs load scripts from a CDN: not offered
        redoc_url=None,
        dependencies=[Depends(authorise)] if team else [],
    )

    @app.get("/openapi.json", include_in_schema=False)
    async def _schema() -> JSONResponse:
        return JSONResponse(app.openapi())

    app.state.evidence = evidence
    app.state.store = store
    app.state.settings = settings
    app.state.nav = NAV
    app.state.repo_name = evidence.repo.root.name
    app.state.team = team
    app.state.insecure_http = insecure_http
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    if team:
        app.include_router(accounts_router)
    for router in (
        overview_router,
        debt_router,
        team_router,
        decisions_router,
        incidents_router,
        planning_router,
    ):
        app.include_router(router)
    _handle_errors(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    return app


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI middleware: cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in _SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Pages are computed without awaiting anything; yielding once first lets the event
        # loop read the other connections' requests, so they queue fairly (measured: p99 at
        # 50 connections 1.1 s -> see docs/performance.md).
        await asyncio.sleep(0)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(header for header in self.headers if header[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


ENVIRONMENT = "TECHLEAD_SERVE"  # how `serve --workers N` tells each worker what to serve


def app_from_environment() -> FastAPI:
    """The app of one worker process of `techlead serve --workers N`."""
    import json
    import os
    import threading

    from techlead.config import load_settings
    from techlead.store.database import open_store

    given = json.loads(os.environ[ENVIRONMENT])
    root = Path(given["repo"])
    settings = load_settings(root, Path(given["config"]) if given["config"] else None)
    store = open_store(given["db"])
    evidence = Evidence(root, settings)
    evidence.refresh()
    threading.Thread(target=warm_up, args=(evidence, store), daemon=True).start()
    return create_app(
        evidence, store, settings, team=given["team"], insecure_http=given["insecure_http"]
    )


def warm_up(evidence: Evidence, store: Store) -> None:
    """Compute what the overview shows before anyone asks (complexity, hotspots, truck factor),
    so that the first page opens at once. Failures surface later, on the page that needs it."""
    from techlead.web.overview import overview

    with contextlib.suppress(Exception):
        overview(evidence, store)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return api({"error": message}, status_code=status)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": "Error", "nav": NAV, "status": status, "message": message},
        status_code=status,
    )


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(TechleadError)
    async def _techlead(request: Request, error: TechleadError) -> Response:
        status = 404 if isinstance(error, NotFoundError) else 400
        return _error(request, status, error.message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        if error.status_code == 303 and error.headers:  # to the sign-in page
            return Response(status_code=303, headers=error.headers)
        return _error(request, error.status_code, str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return _error(request, 422, f"{where}: {first['msg']}")
