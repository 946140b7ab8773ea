"""A small repository with history, decision records and a record store, served in-process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gitrepo import GitRepo
from techlead.config import load_settings
from techlead.store.database import open_store
from techlead.web.app import create_app
from techlead.web.app import served as served_repository

ADR = """---
status: accepted
date: 2026-01-10
---

# Use PostgreSQL for the team server

## Context and Problem Statement

We need a shared database. <script>alert("adr")</script>
<img src="x" onerror="alert('img')">
[click](javascript:alert('link'))

## Decision Outcome

PostgreSQL, because **it is boring**.
"""

PROPOSED = """---
status: proposed
date: 2025-01-01
---

# Split the monolith

## Context and Problem Statement

Maybe.
"""


def build_repository(repo: GitRepo) -> None:
    """28 days of work ending two days ago (so forecasts have recent throughput), then ADRs."""
    start = dt.date.today() - dt.timedelta(days=30)
    people = ["Ana <ana@acme.test>", "Ben <ben@acme.test>", "Chen <chen@acme.test>"]
    body = "def f(x):\n" + "".join(f"    if x > {i}:\n        x += {i}\n" for i in range(12))
    for day in range(1, 29):
        author = people[day % 3]
        files = {
            "app/core.py": body + f"# change {day}\n",
            "app/api.py": f"def g():\n    return {day}\n",
        }
        if day % 4 == 0:
            files["docs/guide.md"] = f"guide {day}\n"
        when = start + dt.timedelta(days=day)
        repo.commit(f"change {day}", files, author=author, date=f"{when}T12:00:00+00:00")
    repo.write("docs/adr/0001-use-postgresql.md", ADR)
    repo.write("docs/adr/0002-split-the-monolith.md", PROPOSED)
    repo.commit("decisions", date=f"{start + dt.timedelta(days=29)}T12:00:00+00:00")


@pytest.fixture
def served(repo: GitRepo, tmp_path: Path) -> Iterator[FastAPI]:
    build_repository(repo)
    settings = load_settings(repo.path)
    store = open_store(f"sqlite:///{tmp_path / 'records.db'}", "repo")
    repository = served_repository(repo.path, settings, store)
    repository.evidence.refresh()
    try:
        yield create_app([repository])
    finally:
        store.close()


@pytest.fixture
def client(served: FastAPI) -> Iterator[TestClient]:
    with TestClient(served) as test_client:
        yield test_client


PASSWORD = "correct horse battery"


@pytest.fixture
def team_app(repo: GitRepo, tmp_path: Path) -> Iterator[FastAPI]:
    from techlead.accounts.users import add_user

    build_repository(repo)
    settings = load_settings(repo.path)
    store = open_store(f"sqlite:///{tmp_path / 'team.db'}", "repo")
    for name, role in (("vic", "viewer"), ("ed", "editor"), ("ada", "admin")):
        add_user(store, name, role, PASSWORD, ["repo"])
    repository = served_repository(repo.path, settings, store)
    repository.evidence.refresh()
    try:
        yield create_app([repository], team=True, insecure_http=True)
    finally:
        store.close()
