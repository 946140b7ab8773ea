"""The dashboard never shows a file outside the repository: a committed symlink at a
post-mortem's path or in the decision log is refused on the page and its JSON twin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gitrepo import GitRepo
from techlead.config import load_settings
from techlead.incidents import service
from techlead.incidents.times import parse_time
from techlead.store.database import open_store
from techlead.web.app import create_app, served

SECRET = "TOP-SECRET-7f3a"
ADR = """---
status: accepted
date: 2024-01-01
---

# Record architecture decisions

## Context and Problem Statement

We want to record decisions.
"""


@pytest.fixture
def site(repo: GitRepo, tmp_path: Path) -> Iterator[tuple[TestClient, GitRepo, Path]]:
    outside = tmp_path / "outside.md"
    outside.write_text(f"# Not yours\n\n{SECRET}: root:x:0:0:root:/root:/bin/bash\n")
    repo.commit("code", {"app.py": "x = 1\n", "docs/adr/0001-record-decisions.md": ADR})
    settings = load_settings(repo.path)
    store = open_store(f"sqlite:///{tmp_path / 'records.db'}", "repo")
    incident = service.open_incident(
        store, "Checkout fails", "SEV2", detected_at=parse_time("2024-01-02 10:00", "at")
    )
    service.set_postmortem(store, incident.id, "docs/postmortems/1.md", "")
    (repo.path / "docs/postmortems").mkdir(parents=True)
    (repo.path / "docs/postmortems/1.md").write_text("# Post-mortem\n\nWe learned.\n")
    try:
        with TestClient(create_app([served(repo.path, settings, store)])) as client:
            yield client, repo, outside
    finally:
        store.close()


def test_a_postmortem_in_the_repository_is_shown(site: tuple[TestClient, GitRepo, Path]) -> None:
    client, _, _ = site
    assert "We learned." in client.get("/repos/repo/incidents/1").text
    assert "We learned." in client.get("/api/repos/repo/incidents/1").json()["postmortem"]


def test_a_postmortem_symlinked_out_of_the_repository_is_refused(
    site: tuple[TestClient, GitRepo, Path],
) -> None:
    client, repo, outside = site
    (repo.path / "docs/postmortems/1.md").unlink()
    (repo.path / "docs/postmortems/1.md").symlink_to(outside)
    for path in ("/repos/repo/incidents/1", "/api/repos/repo/incidents/1"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "refused: it leads outside" in response.text
        assert SECRET not in response.text


def test_a_decision_record_symlinked_out_of_the_repository_is_refused(
    site: tuple[TestClient, GitRepo, Path],
) -> None:
    client, repo, outside = site
    (repo.path / "docs/adr/0002-passwords.md").symlink_to(outside)
    for path in (
        "/repos/repo/decisions/2",
        "/api/repos/repo/decisions/2",
        "/repos/repo/decisions",
        "/api/repos/repo/decisions",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "0002-passwords.md: refused: it leads outside" in response.text
        assert SECRET not in response.text
