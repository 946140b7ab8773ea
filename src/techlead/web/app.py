"""The dashboard application: one FastAPI app with every capability's pages and JSON twins."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

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


def create_app(evidence: Evidence, store: Store, settings: Settings) -> FastAPI:
    """The dashboard over one repository (`evidence`) and its record `store`."""
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
    )
    app.state.evidence = evidence
    app.state.store = store
    app.state.settings = settings
    app.state.nav = NAV
    app.state.repo_name = evidence.repo.root.name
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
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

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


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
        return _error(request, error.status_code, str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return _error(request, 422, f"{where}: {first['msg']}")
