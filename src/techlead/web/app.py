"""The dashboard application: one FastAPI app with every capability's pages and JSON twins."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from techlead import __version__
from techlead.capabilities import on_dashboard
from techlead.config import Settings
from techlead.errors import NotFoundError, TechleadError
from techlead.pages import WEB, api, page
from techlead.project import Project
from techlead.store.database import Store
from techlead.web.schema import document_responses

# under /repos/NAME: each capability's pages, in the dashboard's order
NAV = [(page.path, page.label) for capability in on_dashboard() for page in capability.pages]
_SECURITY_HEADERS = {
    # no inline script anywhere: user text can never run; Vega compiles its expressions
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# behind a TLS-terminating proxy: browsers keep to HTTPS for a year (not the other subdomains:
# they may be served by someone else)
_STRICT_TRANSPORT = "max-age=31536000"
# candidates' records are personal data: no browser or proxy keeps a copy, in either mode
_PERSONAL = re.compile(r"^(/api)?/repos/[^/]+/hire/(candidates|calibration)(/|$)")


@dataclass(frozen=True)
class Served:
    """One repository on the dashboard: its name (in addresses and in the record store), its
    evidence (the `Project`) and its record store (scoped to its records)."""

    name: str
    evidence: Project
    store: Store

    @property
    def settings(self) -> Settings:
        return self.evidence.settings


def served(root: Path, settings: Settings, store: Store) -> Served:
    """`root`'s repository over `store` (scoped here to its records)."""
    return serving(Project(root, settings), store)


def serving(project: Project, store: Store) -> Served:
    """`project` over `store` (scoped here to its records)."""
    return Served(project.name, project, store.scoped(project.name))


def create_app(
    repositories: Sequence[Served],
    *,
    team: bool = False,
    insecure_http: bool = False,
    behind_proxy: bool = False,
) -> FastAPI:
    """The dashboard over `repositories`, each under /repos/NAME/ (its JSON twins under
    /api/repos/NAME/); users and sessions live in the first one's database, and the sign-in
    limits are its settings' (`[server]`). In team mode every route but sign-in needs a user
    (accounts.web.authorise), who sees only the repositories granted to them."""
    from fastapi import Depends
    from fastapi.responses import JSONResponse

    from techlead.accounts.web import SignInGate, authorise
    from techlead.accounts.web import router as accounts_router
    from techlead.pages import repository
    from techlead.web import overview

    if not repositories:
        raise TechleadError("no repository to serve")
    names = [r.name for r in repositories]
    for name in names:
        if names.count(name) > 1:
            roots = [str(r.evidence.repo.root) for r in repositories if r.name == name]
            raise TechleadError(
                f"two repositories are named {name!r}: {', '.join(roots)}",
                hint='name one in its techlead.toml: [store] repository = "..."',
            )
    if team and len({r.store.url for r in repositories}) > 1:
        raise TechleadError(
            "team mode keeps every repository's records and the users in one database, "
            "but these repositories use different ones",
            hint="give the shared database with --db postgresql://...",
        )

    app = FastAPI(
        title="techlead",
        version=__version__,
        description="A technical lead's evidence: every dashboard page has this JSON twin.",
        openapi_url=None,  # served below, behind the same gate as every other route
        docs_url=None,  # the interactive docs load scripts from a CDN: not offered
        redoc_url=None,
        dependencies=[Depends(authorise)] if team else [],
    )

    documented: list[dict[str, Any]] = []  # built on first use, once

    @app.get("/openapi.json", include_in_schema=False)
    async def _schema() -> JSONResponse:
        if not documented:
            documented.append(document_responses(copy.deepcopy(app.openapi()), team))
        return JSONResponse(documented[0])

    app.state.evidence = {r.name: r.evidence for r in repositories}
    app.state.stores = {r.name: r.store for r in repositories}
    app.state.settings = {r.name: r.settings for r in repositories}
    app.state.store = repositories[0].store  # users and sessions
    app.state.nav = NAV
    app.state.team = team
    app.state.insecure_http = insecure_http
    app.state.sign_in_gate = SignInGate(repositories[0].settings.server)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    if team:
        app.include_router(accounts_router)
    app.include_router(overview.root)
    scoped = [Depends(repository)]
    for shell in (capability.web for capability in on_dashboard() if capability.web):
        module = importlib.import_module(shell)
        app.include_router(module.router, prefix="/repos/{repository}", dependencies=scoped)
        app.include_router(module.twins, prefix="/api/repos/{repository}", dependencies=scoped)
    _handle_errors(app)
    app.add_middleware(SecurityHeaders, strict_transport=behind_proxy, private=team)
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    return app


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI middleware: cheap):
    `Strict-Transport-Security` behind a TLS proxy, and `Cache-Control: no-store` on what is
    private: in team mode every answer but the static files (each is someone's view), and
    candidates' records always."""

    def __init__(self, app: ASGIApp, strict_transport: bool = False, private: bool = False) -> None:
        self.app = app
        given = dict(_SECURITY_HEADERS)
        if strict_transport:
            given["Strict-Transport-Security"] = _STRICT_TRANSPORT
        self.headers = [(k.lower().encode(), v.encode()) for k, v in given.items()]
        self.private = private
        self.no_store = (b"cache-control", b"no-store")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Pages are computed without awaiting anything; yielding once first lets the event
        # loop read the other connections' requests, so they queue fairly (measured: p99 at
        # 50 connections 1.1 s -> see docs/performance.md).
        await asyncio.sleep(0)

        path: str = scope["path"]
        added = self.headers
        if (self.private and not path.startswith("/static/")) or _PERSONAL.match(path):
            added = [*added, self.no_store]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(header for header in added if header[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


ENVIRONMENT = "TECHLEAD_SERVE"  # how `serve --workers N` tells each worker what to serve


def open_repositories(paths: Sequence[Path], config: Path | None, db: str | None) -> list[Served]:
    """The repositories at `paths` (each with its settings and record store; repositories whose
    stores are the same database share one open store). Not yet scanned."""
    from techlead.history.git import open_repository

    stores: dict[str, Store] = {}
    found: list[Served] = []
    roots: set[Path] = set()
    try:
        for path in paths:
            root = open_repository(path).root
            if root in roots:
                continue  # the same repository given twice (or a path inside it)
            roots.add(root)
            project = Project(root, config=config, db=db)
            url = project.store_url
            if url not in stores:
                stores[url] = project.open_store()
            found.append(serving(project, stores[url]))
    except BaseException:
        for store in stores.values():  # every one opened, served yet or not
            store.close()
        raise
    return found


def close_stores(repositories: Sequence[Served]) -> None:
    """Close every database the repositories use (once each: scoped stores share engines)."""
    engines = {id(r.store.engine): r.store for r in repositories}
    for store in engines.values():
        store.close()


def app_from_environment() -> FastAPI:
    """The app of one worker process of `techlead serve --workers N`."""
    import json
    import os
    import threading

    given = json.loads(os.environ[ENVIRONMENT])
    config = Path(given["config"]) if given["config"] else None
    repositories = open_repositories([Path(p) for p in given["repos"]], config, given["db"])
    for repository in repositories:
        repository.evidence.refresh()
    threading.Thread(target=warm_up, args=(repositories,), daemon=True).start()
    return create_app(
        repositories,
        team=given["team"],
        insecure_http=given["insecure_http"],
        behind_proxy=given["behind_proxy"],
    )


def warm_up(repositories: Sequence[Served]) -> None:
    """Compute what the overviews show before anyone asks (complexity, hotspots, truck factor),
    so that the first page opens at once. Failures surface later, on the page that needs it."""
    from techlead.report.overview import overview

    for repository in repositories:
        with contextlib.suppress(Exception):
            overview(repository.evidence, repository.store)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return api({"error": message}, status_code=status)
    return page(request, "error.html", "Error", status_code=status, status=status, message=message)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(app: FastAPI, request: Request) -> str:
    """Every method some route answers at the request's path (Starlette's 405 names only the
    first matching route's, and a path's GET and POST are often two routes)."""
    from starlette.routing import Match

    if request.url.path.startswith("/static/"):
        return "GET, HEAD"
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(TechleadError)
    async def _techlead(request: Request, error: TechleadError) -> Response:
        status = 404 if isinstance(error, NotFoundError) else 400
        return _error(request, status, error.message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        if error.status_code == 303 and error.headers:  # to the sign-in page
            return Response(status_code=303, headers=error.headers)
        response = _error(request, error.status_code, str(error.detail))
        response.headers.update(error.headers or {})  # 401's WWW-Authenticate
        if error.status_code == 405:
            response.headers["Allow"] = _allowed_methods(app, request)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return _error(request, 422, f"{where}: {first['msg']}")
