"""The team server as it runs (`techlead serve --team`, uvicorn, a process of its own) against
the security probes of issue 21, over real HTTP, with its users and sessions in SQLite and in
PostgreSQL: a cookie from before a password change, the sign-in rate limit, a sign-in posted
from another site, the security headers, revoked tokens."""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import PASSWORD, build_repository
from gitrepo import GitRepo
from techlead.accounts.users import add_user, create_token, list_tokens
from techlead.cli import main
from techlead.store.database import open_store

LIMITS = """[server]
sign_in_failures_per_user = 2
sign_in_failures_per_address = 3
sign_in_window_seconds = 600
password_checks = 1
"""
USERS = ("pat", "rory", "remy", "sid", "lou", "max", "tia", "ada")
WRONG = "not the password"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookie(self) -> str:
        """The session cookie it sets (name=value), or ''."""
        for header in self.headers.get_all("set-cookie") or []:
            if header.startswith("techlead_session=") and 'techlead_session=""' not in header:
                return header.split(";", 1)[0]
        return ""


@dataclass(frozen=True)
class Server:
    port: int
    database: str
    repo: Path

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            sent = dict(headers or {})
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def sign_in(
        self, name: str, password: str = PASSWORD, headers: dict[str, str] | None = None
    ) -> Answer:
        return self.request(
            "POST", "/login", headers, {"name": name, "password": password, "next": "/"}
        )

    def signed_in(self, name: str, address: str) -> str:
        answer = self.sign_in(name, headers={"X-Forwarded-For": address})
        assert answer.status == 303, answer.body
        cookie = answer.cookie()
        assert cookie
        return cookie

    def read(self, headers: dict[str, str]) -> int:
        return self.request("GET", "/api/repos/repo/overview", headers).status

    def techlead(self, *args: str, stdin: str = "") -> int:
        """A `techlead` command on the server's record store (the admin at the console)."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("sys.stdin", io.StringIO(stdin))
            return main(["--db", self.database, *args, "-C", str(self.repo)])


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def _database(request: pytest.FixtureRequest, base: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{base / 'team.db'}"
        return
    import pgserver

    with pgserver.fresh_database(request.getfixturevalue("postgres_admin")) as url:
        yield url


@contextlib.contextmanager
def _serving(base: Path, database: str, mode: str) -> Iterator[Server]:
    repo = GitRepo(base / "repo")
    build_repository(repo)
    (repo.path / "techlead.toml").write_text(LIMITS)
    store = open_store(database, "repo")
    try:
        for name in USERS:
            add_user(store, name, "admin" if name == "ada" else "editor", PASSWORD, ["repo"])
    finally:
        store.close()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "techlead", "--db", database, "serve", str(repo.path),
            "--team", mode, "--port", str(port), "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    served = Server(port, database, repo.path)
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                if served.request("GET", "/login").status == 200:
                    break
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the team server did not come up"
            time.sleep(0.3)
        yield served
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def proxied(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The team server behind a TLS proxy (`--behind-proxy`: it trusts X-Forwarded-For from
    127.0.0.1, so each test claims its own client addresses)."""
    base = tmp_path_factory.mktemp(f"proxied-{request.param}")
    with _database(request, base) as url, _serving(base, url, "--behind-proxy") as server:
        yield server


def test_a_cookie_from_before_a_password_change_is_refused(proxied: Server) -> None:
    cookie = {"Cookie": proxied.signed_in("pat", "10.1.0.1")}
    assert proxied.read(cookie) == 200
    new = "a brand new passphrase"
    assert proxied.techlead("user", "password", "pat", "--password-stdin", stdin=new + "\n") == 0
    assert proxied.read(cookie) == 401
    page = proxied.request("GET", "/repos/repo/", cookie)
    assert (page.status, page.headers["location"]) == (303, "/login?next=/repos/repo/")
    assert proxied.sign_in("pat", new, {"X-Forwarded-For": "10.1.0.2"}).status == 303


def test_a_role_change_removal_or_user_sessions_end_ends_the_session(proxied: Server) -> None:
    rory = {"Cookie": proxied.signed_in("rory", "10.2.0.1")}
    remy = {"Cookie": proxied.signed_in("remy", "10.2.0.2")}
    sid = {"Cookie": proxied.signed_in("sid", "10.2.0.3")}
    assert proxied.techlead("user", "role", "rory", "viewer") == 0
    assert proxied.techlead("user", "remove", "remy") == 0
    assert proxied.read(sid) == 200
    assert proxied.techlead("user", "sessions", "sid", "--end") == 0
    for cookie in (rory, remy, sid):
        assert proxied.read(cookie) == 401


def test_failed_sign_ins_are_limited_per_name_from_any_address(proxied: Server) -> None:
    for number in (1, 2):
        wrong = proxied.sign_in("lou", WRONG, {"X-Forwarded-For": f"10.3.0.{number}"})
        assert wrong.status == 401
    refused = proxied.sign_in("lou", headers={"X-Forwarded-For": "10.3.0.3"})
    assert refused.status == 429  # the right password too: the name waits
    assert 1 <= int(refused.headers["retry-after"]) <= 600
    assert not refused.cookie()


def test_failed_sign_ins_are_limited_per_forwarded_address(proxied: Server) -> None:
    for name in ("nobody", "no-one", "nemo"):
        assert proxied.sign_in(name, WRONG, {"X-Forwarded-For": "10.4.0.1"}).status == 401
    refused = proxied.sign_in("max", headers={"X-Forwarded-For": "10.4.0.1"})
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert proxied.sign_in("max", headers={"X-Forwarded-For": "10.4.0.2"}).status == 303


def test_a_sign_in_posted_from_another_site_is_refused(proxied: Server) -> None:
    forged = proxied.sign_in(
        "tia", headers={"Origin": "https://evil.example", "X-Forwarded-For": "10.5.0.1"}
    )
    assert forged.status == 403
    assert not forged.cookie()
    own = f"http://127.0.0.1:{proxied.port}"
    assert proxied.sign_in("tia", headers={"Origin": own, "X-Forwarded-For": "10.5.0.2"}).cookie()


def test_the_security_headers_are_sent(proxied: Server) -> None:
    login = proxied.request("GET", "/login")
    assert login.headers["strict-transport-security"] == "max-age=31536000"
    assert login.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    assert login.headers["x-content-type-options"] == "nosniff"
    cookie = {"Cookie": proxied.signed_in("ada", "10.6.0.1")}
    for path in (
        "/repos/repo/hotspots",
        "/api/repos/repo/overview",
        "/api/repos/repo/hire/candidates",
    ):
        answer = proxied.request("GET", path, cookie)
        assert (answer.status, answer.headers["cache-control"]) == (200, "no-store"), path
    assert proxied.request("GET", "/static/techlead.css").headers["cache-control"] is None
    wrong_method = proxied.request("PUT", "/api/repos/repo/incidents", cookie)
    assert (wrong_method.status, wrong_method.headers["allow"]) == (405, "GET, POST")
    anonymous = proxied.request("GET", "/api/repos/repo/overview")
    assert (anonymous.status, anonymous.headers["www-authenticate"]) == (401, "Bearer")


def test_a_revoked_token_is_refused(proxied: Server) -> None:
    store = open_store(proxied.database, "repo")
    try:
        bearer = {"Authorization": f"Bearer {create_token(store, 'tia', 'nightly')}"}
        number = next(t.id for t in list_tokens(store, "tia") if t.label == "nightly")
    finally:
        store.close()
    assert proxied.read(bearer) == 200
    assert proxied.techlead("user", "token", "revoke", str(number)) == 0
    assert proxied.read(bearer) == 401


def test_without_behind_proxy_a_claimed_address_does_not_escape_the_limit(
    tmp_path: Path,
) -> None:
    with _serving(tmp_path, f"sqlite:///{tmp_path / 'team.db'}", "--insecure-http") as server:
        for number in (1, 2, 3):
            claimed = {"X-Forwarded-For": f"10.7.0.{number}"}
            assert server.sign_in(f"guess{number}", WRONG, claimed).status == 401
        refused = server.sign_in("max", headers={"X-Forwarded-For": "10.7.0.4"})
        assert refused.status == 429  # every attempt came from 127.0.0.1
        login = server.request("GET", "/login")
        assert "strict-transport-security" not in login.headers  # no TLS in front
