"""Team mode: sign-in, roles, CSRF, API tokens, and no way around them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import PASSWORD
from techlead.accounts.users import create_token


def signed_in(app: FastAPI, name: str) -> tuple[TestClient, str]:
    """A browser signed in as `name`, and the CSRF token its pages carry."""
    client = TestClient(app)
    response = client.post("/login", data={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text  # followed to the overview
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/repos/repo/incidents").text
    )
    assert token is not None
    return client, token.group(1)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/repos/repo/hotspots",
        "/repos/repo/incidents",
        "/repos/repo/decisions/1",
        "/repos/repo/files/app/core.py",
    ],
)
def test_anonymous_pages_go_to_sign_in(team_app: FastAPI, path: str) -> None:
    response = TestClient(team_app).get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "path", ["/api/repos/repo/overview", "/api/repos/repo/incidents", "/openapi.json"]
)
def test_anonymous_api_is_401(team_app: FastAPI, path: str) -> None:
    response = TestClient(team_app).get(path)
    assert response.status_code == 401


def test_anonymous_writes_are_401(team_app: FastAPI) -> None:
    client = TestClient(team_app)
    assert (
        client.post("/repos/repo/incidents", data={"title": "x", "severity": "SEV3"}).status_code
        == 401
    )
    assert (
        client.post(
            "/api/repos/repo/incidents", json={"title": "x", "severity": "SEV3"}
        ).status_code
        == 401
    )


def test_wrong_password_is_refused_without_saying_which_part(team_app: FastAPI) -> None:
    client = TestClient(team_app)
    for name in ("vic", "nobody"):
        response = client.post("/login", data={"name": name, "password": "wrong password!"})
        assert response.status_code == 401
        assert "Wrong name or password" in response.text
        assert "techlead_session" not in response.cookies


def test_a_session_cookie_is_http_only_and_same_site(team_app: FastAPI) -> None:
    response = TestClient(team_app).post(
        "/login", data={"name": "vic", "password": PASSWORD}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_viewers_read_but_cannot_write(team_app: FastAPI) -> None:
    client, csrf = signed_in(team_app, "vic")
    assert client.get("/repos/repo/hotspots").status_code == 200
    assert client.get("/api/repos/repo/overview").status_code == 200
    response = client.post(
        "/repos/repo/incidents", data={"title": "x", "severity": "SEV3", "csrf_token": csrf}
    )
    assert response.status_code == 403
    assert "viewer" in response.text


def test_editors_write_only_with_the_csrf_token(team_app: FastAPI) -> None:
    client, csrf = signed_in(team_app, "ed")
    form = {"title": "Disk full", "severity": "SEV3"}
    assert client.post("/repos/repo/incidents", data=form).status_code == 403
    assert (
        client.post("/repos/repo/incidents", data={**form, "csrf_token": "forged"}).status_code
        == 403
    )
    opened = client.post(
        "/repos/repo/incidents", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert opened.status_code == 303
    api = client.post(
        "/api/repos/repo/incidents",
        json={"title": "From a script", "severity": "SEV4"},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 201
    no_header = client.post("/api/repos/repo/incidents", json={"title": "x", "severity": "SEV4"})
    assert no_header.status_code == 403


def test_api_tokens_need_no_csrf_and_carry_the_role(team_app: FastAPI) -> None:
    store = team_app.state.store
    client = TestClient(team_app)
    editor = {"Authorization": f"Bearer {create_token(store, 'ed', 'ci')}"}
    viewer = {"Authorization": f"Bearer {create_token(store, 'vic', 'ci')}"}
    body = {"title": "From CI", "severity": "SEV4"}
    assert client.post("/api/repos/repo/incidents", json=body, headers=editor).status_code == 201
    assert client.post("/api/repos/repo/incidents", json=body, headers=viewer).status_code == 403
    assert client.get("/api/repos/repo/incidents", headers=viewer).status_code == 200
    bad = {"Authorization": "Bearer tl_not-a-token"}
    assert client.get("/api/repos/repo/incidents", headers=bad).status_code == 401


def test_signing_out_ends_the_session(team_app: FastAPI) -> None:
    client, csrf = signed_in(team_app, "ada")
    cookie = client.cookies.get("techlead_session")
    assert client.post("/logout", data={}).status_code == 403  # needs the CSRF token too
    client.post("/logout", data={"csrf_token": csrf})
    replay = TestClient(team_app, cookies={"techlead_session": cookie or ""})
    assert replay.get("/api/repos/repo/overview").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_the_server(team_app: FastAPI, target: str) -> None:
    response = TestClient(team_app).post(
        "/login",
        data={"name": "vic", "password": PASSWORD, "next": target},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_pages_name_the_user_and_offer_sign_out(team_app: FastAPI) -> None:
    client, _ = signed_in(team_app, "ed")
    text = client.get("/").text
    assert "ed (editor)" in text
    assert 'action="/logout"' in text


def test_team_mode_refuses_to_start_without_https_or_users(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from techlead.cli import main

    assert main(["serve", "--team"]) == 2
    assert "--behind-proxy" in capsys.readouterr().err
    assert main(["serve", "--insecure-http"]) == 2
    assert "team mode" in capsys.readouterr().err


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "http://testserver.evil.example"},
    ],
)
def test_a_sign_in_posted_from_another_site_is_refused(
    team_app: FastAPI, headers: dict[str, str]
) -> None:
    response = TestClient(team_app).post(
        "/login", data={"name": "vic", "password": PASSWORD}, headers=headers,
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 403
    assert "sent from another site" in response.text
    assert "techlead_session" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no browser: no cookie of a victim to forge with
        {"Origin": "http://testserver"},
        {"Origin": "http://testserver:80"},
        {"Referer": "http://testserver/login?next=/"},
        {"Origin": "https://dash.example", "X-Forwarded-Host": "dash.example"},
    ],
)
def test_a_sign_in_from_this_sites_own_form_is_accepted(
    team_app: FastAPI, headers: dict[str, str]
) -> None:
    response = TestClient(team_app).post(
        "/login", data={"name": "vic", "password": PASSWORD}, headers=headers,
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303


def test_failed_sign_ins_are_limited_per_name_with_retry_after(team_app: FastAPI) -> None:
    client = TestClient(team_app)
    for _ in range(5):  # [server] sign_in_failures_per_user
        assert client.post("/login", data={"name": "ed", "password": "wrong!"}).status_code == 401
    refused = client.post("/login", data={"name": "ed", "password": PASSWORD})
    assert refused.status_code == 429  # even the right password: the name waits
    assert 1 <= int(refused.headers["retry-after"]) <= 300
    assert "Too many failed sign-ins: try again in 5 minutes" in refused.text
    assert client.post("/login", data={"name": "vic", "password": PASSWORD}).status_code == 200


def test_failed_sign_ins_are_limited_per_client_address(team_app: FastAPI) -> None:
    from techlead.accounts.rate_limit import SignInLimiter, SignInLimits

    team_app.state.sign_in_gate.limiter = SignInLimiter(SignInLimits(100, 3, 300))
    client = TestClient(team_app)
    for name in ("nobody", "vic", "ed"):
        assert client.post("/login", data={"name": name, "password": "wrong!"}).status_code == 401
    assert client.post("/login", data={"name": "ada", "password": PASSWORD}).status_code == 429
    other = TestClient(team_app, client=("192.0.2.9", 5000))
    assert other.post("/login", data={"name": "ada", "password": PASSWORD}).status_code == 200


def test_a_cookie_from_before_a_password_change_no_longer_signs_in(team_app: FastAPI) -> None:
    from techlead.accounts.users import set_password

    client, _ = signed_in(team_app, "ed")
    assert client.get("/api/repos/repo/overview").status_code == 200
    set_password(team_app.state.store, "ed", "another long password")
    assert client.get("/api/repos/repo/overview").status_code == 401
    assert client.get("/repos/repo/", follow_redirects=False).status_code == 303


def test_team_answers_are_not_stored_by_browsers_or_proxies(team_app: FastAPI) -> None:
    client, _ = signed_in(team_app, "ada")
    for path in ("/repos/repo/hotspots", "/api/repos/repo/overview", "/login"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert "cache-control" not in client.get("/static/techlead.css").headers
    assert "strict-transport-security" not in client.get("/login").headers  # not behind TLS


def test_behind_a_tls_proxy_browsers_are_told_to_keep_to_https(team_app: FastAPI) -> None:
    from techlead.web.app import Served, create_app

    state = team_app.state
    repository = Served("repo", state.evidence["repo"], state.stores["repo"])
    proxied = create_app([repository], team=True, behind_proxy=True)
    response = TestClient(proxied).get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_an_unsigned_api_request_is_told_how_to_authenticate(team_app: FastAPI) -> None:
    response = TestClient(team_app).get("/api/repos/repo/overview")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"error": "sign in, or send Authorization: Bearer TOKEN"}


def test_a_revoked_token_is_refused(team_app: FastAPI) -> None:
    from techlead.accounts.users import list_tokens, revoke_token

    store = team_app.state.store
    token = create_token(store, "vic", "ci")
    client = TestClient(team_app, headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/repos/repo/overview").status_code == 200
    revoke_token(store, str(list_tokens(store, "vic")[0].id))
    assert client.get("/api/repos/repo/overview").status_code == 401


def test_the_server_settings_size_the_sign_in_gate(tmp_path: Path) -> None:
    import os

    from techlead.accounts.web import SignInGate
    from techlead.config import ServerSettings, load_settings
    from techlead.errors import ConfigError

    (tmp_path / "techlead.toml").write_text(
        "[server]\nsign_in_failures_per_user = 3\nsign_in_window_seconds = 60\n"
        "password_checks = 3\n"
    )
    gate = SignInGate(load_settings(tmp_path).server)
    assert (gate.limiter.limits.per_user, gate.limiter.limits.per_address) == (3, 20)
    assert gate.limiter.limits.window_seconds == 60
    assert gate.checks.total_tokens == 3
    assert SignInGate(ServerSettings()).checks.total_tokens == max(1, (os.cpu_count() or 2) // 2)
    (tmp_path / "techlead.toml").write_text("[server]\nsign_in_window_seconds = 0\n")
    with pytest.raises(ConfigError, match=r"server\.sign_in_window_seconds: .*greater than"):
        load_settings(tmp_path)
