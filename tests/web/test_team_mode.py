"""Team mode: sign-in, roles, CSRF, API tokens, and no way around them."""

from __future__ import annotations

import re

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
