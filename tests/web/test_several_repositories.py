"""One server, several repositories: each under /repos/NAME/, with its own records; in team
mode a user sees only the repositories granted to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import PASSWORD, build_repository
from gitrepo import GitRepo
from techlead.accounts.users import add_user
from techlead.cli import main
from techlead.config import load_settings
from techlead.incidents import service
from techlead.store.database import open_store
from techlead.web.app import create_app, served


def _two_repositories(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, team: bool
) -> Iterator[FastAPI]:
    store = open_store(f"sqlite:///{tmp_path / 'shared.db'}", "web")
    repositories = []
    for name in ("web", "api"):
        repo = make_repo(name)
        build_repository(repo)
        repository = served(repo.path, load_settings(repo.path), store)
        repository.evidence.refresh()
        repositories.append(repository)
        service.open_incident(repository.store, f"{name} is down", "SEV2")
    add_user(store, "vic", "viewer", PASSWORD, ["web"])
    add_user(store, "nobody", "viewer", PASSWORD, [])
    add_user(store, "ada", "admin", PASSWORD, [])
    try:
        yield create_app(repositories, team=team, insecure_http=team)
    finally:
        store.close()


@pytest.fixture
def local(make_repo: Callable[[str], GitRepo], tmp_path: Path) -> Iterator[TestClient]:
    for app in _two_repositories(make_repo, tmp_path, team=False):
        with TestClient(app) as client:
            yield client


@pytest.fixture
def team(make_repo: Callable[[str], GitRepo], tmp_path: Path) -> Iterator[TestClient]:
    for app in _two_repositories(make_repo, tmp_path, team=True):
        with TestClient(app) as client:
            yield client


def test_the_front_page_lists_the_repositories_and_each_keeps_its_records(
    local: TestClient,
) -> None:
    front = local.get("/")
    assert front.status_code == 200
    assert 'href="/repos/web/"' in front.text
    assert 'href="/repos/api/"' in front.text
    listed = local.get("/api/repos").json()
    assert [(r["name"], r["open_incidents"]) for r in listed] == [("web", 1), ("api", 1)]
    web = local.get("/api/repos/web/incidents").json()["incidents"]
    assert [i["title"] for i in web] == ["web is down"]
    page = local.get("/repos/api/incidents").text
    assert "api is down" in page
    assert "web is down" not in page
    assert 'href="/repos/api/hotspots"' in page  # navigation stays in the repository
    assert 'href="/repos/web/"' in page  # and the switcher offers the other one
    other = local.get("/api/repos/api/incidents").json()["incidents"][0]["id"]
    assert local.get(f"/api/repos/web/incidents/{other}").status_code == 404
    assert local.get("/repos/nope/hotspots").status_code == 404
    assert local.get("/api/repos/..%2Fetc/hotspots").status_code in {404, 422}


def _sign_in(client: TestClient, name: str) -> None:
    response = client.post("/login", data={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text


def test_a_user_sees_only_the_repositories_granted(team: TestClient) -> None:
    _sign_in(team, "vic")
    front = team.get("/", follow_redirects=False)
    assert (front.status_code, front.headers["location"]) == (307, "/repos/web/")
    assert [r["name"] for r in team.get("/api/repos").json()] == ["web"]
    assert team.get("/repos/web/incidents").status_code == 200
    for path in ("/repos/api/", "/repos/api/incidents", "/api/repos/api/overview"):
        response = team.get(path)
        assert response.status_code == 404, path
        assert "api is down" not in response.text
    assert "/repos/api/" not in team.get("/repos/web/").text


def test_an_admin_sees_every_repository_and_a_user_without_grants_none(
    team: TestClient,
) -> None:
    _sign_in(team, "ada")
    assert [r["name"] for r in team.get("/api/repos").json()] == ["web", "api"]
    assert team.get("/repos/api/incidents").status_code == 200
    team.cookies.clear()
    _sign_in(team, "nobody")
    assert team.get("/api/repos").json() == []
    assert "techlead user grant nobody REPOSITORY" in team.get("/").text
    assert team.get("/repos/web/").status_code == 404


def test_serve_refuses_repositories_it_cannot_tell_apart(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = make_repo("one")
    first.commit("start", {"a.txt": "a"})
    second = make_repo("two")
    second.commit("start", {"a.txt": "a"})
    for repo in (first, second):
        repo.write("techlead.toml", '[store]\nrepository = "shop"\n')
    code = main(["serve", str(first.path), str(second.path), "--port", "8799", "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "two repositories are named 'shop'" in err
    first.write("techlead.toml", '[store]\nrepository = "shop one"\n')
    assert main(["serve", str(first.path), "--port", "8799", "-q"]) == 2
    assert "store.repository" in capsys.readouterr().err
    first.write("techlead.toml", "")
    code = main(
        ["serve", str(first.path), str(second.path), "--team", "--insecure-http", "--port", "8799"]
    )
    assert code == 2
    assert "team mode keeps every repository's records and the users in one database" in (
        capsys.readouterr().err
    )


def test_what_a_first_trial_found(
    local: TestClient, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    from techlead.web.app import close_stores, open_repositories

    # a resolved incident has durations: the JSON twin writes them as seconds
    web = local.get("/api/repos/web/incidents").json()["incidents"][0]["id"]
    moved = local.post(f"/api/repos/web/incidents/{web}/status", json={"status": "resolved"})
    assert moved.status_code == 200, moved.text
    listing = local.get("/api/repos/web/incidents")
    assert listing.status_code == 200, listing.text
    # the overview tells no server paths
    summary = local.get("/api/repos/web/overview").json()["summary"]
    assert (summary["repo"], summary["cache_dir"]) == ("web", "")
    # one repository given twice (or by a path inside it) is served once
    repo = make_repo("solo")
    repo.commit("start", {"src/a.py": "a = 1\n"})
    found = open_repositories(
        [repo.path, repo.path / "src"], None, f"sqlite:///{tmp_path / 'solo.db'}"
    )
    try:
        assert [r.name for r in found] == ["solo"]
    finally:
        close_stores(found)


def test_viewers_are_not_offered_forms_and_the_schema_answers_json(team: TestClient) -> None:
    assert team.get("/openapi.json").json()["error"]
    _sign_in(team, "vic")
    page = team.get("/repos/web/incidents").text
    assert "Open an incident" not in page
    team.cookies.clear()
    _sign_in(team, "ada")
    assert "Open an incident" in team.get("/repos/web/incidents").text
