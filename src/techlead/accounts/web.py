"""Team mode: sign-in pages, and who may do what on every request.

Anonymous requests get the sign-in page (pages) or 401 (`/api/`, the schema); viewers may read;
changing anything needs an editor; a browser's changes also need the session's CSRF token
(a hidden form field, or the `X-CSRF-Token` header); scripts use `Authorization: Bearer TOKEN`.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from techlead.accounts.sessions import SESSION_HOURS, end_session, session_account, start_session
from techlead.accounts.users import Account, account_for_token, authenticate
from techlead.pages import page

COOKIE = "techlead_session"
PUBLIC = ("/login", "/static/")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never //host or a scheme): no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
async def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", "Sign in", next=_safe_next(next), failed=False)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    store = request.app.state.store
    account = authenticate(store, name, password)
    if account is None:
        response = page(request, "login.html", "Sign in", next=_safe_next(next), failed=True)
        response.status_code = 401
        return response
    token, _ = start_session(store, account)
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    redirect.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        secure=not request.app.state.insecure_http,
        samesite="strict",
    )
    return redirect


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        end_session(request.app.state.store, token)
    redirect = RedirectResponse("/login", status_code=303)
    redirect.delete_cookie(COOKIE)
    return redirect


def _identify(request: Request) -> tuple[Account | None, str | None, bool]:
    """The account, the session's CSRF token, and whether a bearer token was used."""
    store = request.app.state.store
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return account_for_token(store, header[7:].strip()), None, True
    token = request.cookies.get(COOKIE)
    found = session_account(store, token) if token else None
    return (found[0], found[1], False) if found else (None, None, False)


async def authorise(request: Request) -> None:
    """Every route's gate in team mode (a FastAPI dependency of the whole app)."""
    path = request.url.path
    if path.startswith(PUBLIC):
        return
    account, csrf, by_token = _identify(request)
    if account is None:
        if (
            path.startswith("/api/")
            or path == "/openapi.json"
            or request.method not in SAFE_METHODS
        ):
            raise HTTPException(401, "sign in, or send Authorization: Bearer TOKEN")
        raise HTTPException(303, headers={"Location": f"/login?next={quote(path)}"})
    request.state.user = account
    request.state.csrf_token = csrf
    if request.method in SAFE_METHODS or path == "/logout":
        if path == "/logout":
            await _check_csrf(request, csrf, by_token)
        return
    if not account.may("editor"):
        raise HTTPException(403, f"{account.name} is a viewer: changes need an editor")
    await _check_csrf(request, csrf, by_token)


async def _check_csrf(request: Request, expected: str | None, by_token: bool) -> None:
    if by_token:
        return  # no cookie, no cross-site forgery
    given = request.headers.get("x-csrf-token")
    if given is None and "form" in request.headers.get("content-type", ""):
        value = (await request.form()).get("csrf_token")
        given = value if isinstance(value, str) else None
    if not expected or not given or not secrets.compare_digest(given, expected):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
