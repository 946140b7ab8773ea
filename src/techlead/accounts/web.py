"""Team mode: sign-in pages, and who may do what on every request.

Anonymous requests get the sign-in page (pages) or 401 (`/api/`, the schema); viewers may read;
changing anything needs an editor; a browser's changes also need the session's CSRF token
(a hidden form field, or the `X-CSRF-Token` header); scripts use `Authorization: Bearer TOKEN`.

Signing in is limited (rate_limit.py: failures per user name and per client address, 429 with
`Retry-After` beyond them), its passwords are checked in worker threads a few at a time
(`[server] password_checks`) so a flood of sign-ins never takes the cores that serve pages, and
a sign-in form posted from another site (login CSRF) is refused by its `Origin`/`Referer`.
"""

from __future__ import annotations

import os
import secrets
from typing import Annotated
from urllib.parse import quote, urlsplit

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from techlead.accounts.rate_limit import SignInLimiter, SignInLimits, TooManySignInsError
from techlead.accounts.sessions import SESSION_HOURS, end_session, session_account, sign_in
from techlead.accounts.users import Account, account_for_token
from techlead.config import ServerSettings
from techlead.pages import page

COOKIE = "techlead_session"
PUBLIC = ("/login", "/static/")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

router = APIRouter()


class SignInGate:
    """What stands before a password check: the rate limiter and the bounded thread pool."""

    def __init__(self, settings: ServerSettings) -> None:
        self.limiter = SignInLimiter(
            SignInLimits(
                settings.sign_in_failures_per_user,
                settings.sign_in_failures_per_address,
                settings.sign_in_window_seconds,
            )
        )
        checks = settings.password_checks or max(1, (os.cpu_count() or 2) // 2)
        self.checks = anyio.CapacityLimiter(checks)


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never //host or a scheme): no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
async def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", "Sign in", next=_safe_next(next), refusal=None)


def _sign_in_page(request: Request, next: str, status: int, refusal: str) -> HTMLResponse:
    response = page(request, "login.html", "Sign in", next=_safe_next(next), refusal=refusal)
    response.status_code = status
    return response


@router.post("/login", include_in_schema=False)
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    if not _from_this_site(request):
        return _sign_in_page(
            request, next, 403, "Sign-in refused: the form was sent from another site."
        )
    gate: SignInGate = request.app.state.sign_in_gate
    try:
        attempt = gate.limiter.start(name, request.client.host if request.client else None)
    except TooManySignInsError as refused:
        minutes = -(-refused.retry_after // 60)
        response = _sign_in_page(
            request,
            next,
            429,
            f"Too many failed sign-ins: try again in {minutes} minute{'s' * (minutes > 1)}.",
        )
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    store = request.app.state.store
    signed = await anyio.to_thread.run_sync(sign_in, store, name, password, limiter=gate.checks)
    if signed is None:
        return _sign_in_page(request, next, 401, "Wrong name or password.")
    gate.limiter.succeeded(attempt)
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    redirect.set_cookie(
        COOKIE,
        signed.token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        secure=not request.app.state.insecure_http,
        samesite="strict",
    )
    return redirect


def _from_this_site(request: Request) -> bool:
    """Whether a form post came from this server's own pages, by its `Origin` (or, without
    one, its `Referer`). Browsers send `Origin` with every form post; a request with neither
    is no browser's, and carries no victim's cookie to forge with. The host it is compared to
    is the request's `Host`, or `X-Forwarded-Host` from a proxy that rewrites `Host` (no page
    of another site can set either header on a form post)."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return True
    parts = urlsplit(sent)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null": a sandboxed or privacy-stripped origin
    own = {
        _host(request.headers.get("host", "")),
        _host(request.headers.get("x-forwarded-host", "").split(",")[0].strip()),
    }
    return _host(parts.netloc) in own - {""}


def _host(value: str) -> str:
    """host[:port] in lower case, without a default port."""
    value = value.strip().lower()
    for default in (":80", ":443"):
        value = value.removesuffix(default)
    return value


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
            raise HTTPException(
                401,
                "sign in, or send Authorization: Bearer TOKEN",
                headers={"WWW-Authenticate": "Bearer"},
            )
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
