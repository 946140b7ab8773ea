"""Runbooks: written from the template, listed, linted, reviewed, and shown for a service."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gitrepo import GitRepo
from techlead.cli import main


def run(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "-C", str(repo.path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_runbooks_new_list_lint_reviewed(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("first", {"a.txt": "a\n"})
    code, out, _ = run(
        capsys,
        repo,
        "runbook",
        "new",
        "Queue backlog",
        "--service",
        "jobs",
        "--owner",
        "Ann",
        "--alert",
        "queue depth > 10k",
        "--alert",
        "consumer lag",
    )
    assert code == 0
    path = repo.path / "docs/runbooks/queue-backlog.md"
    text = path.read_text()
    assert "alerts: [queue depth > 10k, consumer lag]" in text
    assert f"last-reviewed: {dt.date.today().isoformat()}" in text
    assert run(capsys, repo, "runbook", "lint")[0] == 0

    old = dt.date.today() - dt.timedelta(days=400)
    repo.write(
        "docs/runbooks/db-failover.md",
        f"---\nservice: db\nowner: Bob\nlast-reviewed: {old.isoformat()}\n---\n\n"
        "# Database failover\n",
    )
    repo.write("docs/runbooks/notes.md", "---\nservice: web\ncolour: red\n---\n\nno title here\n")
    _, out, _ = run(capsys, repo, "runbook", "list", "-f", "json")
    listed = {book["runbook"]: book for book in json.loads(out)}
    assert listed["queue-backlog"]["alerts"] == "queue depth > 10k, consumer lag"
    assert listed["db-failover"]["stale"] is True
    assert listed["queue-backlog"]["stale"] is False
    _, out, _ = run(capsys, repo, "runbook", "list", "--stale", "-f", "json")
    assert sorted(book["runbook"] for book in json.loads(out)) == ["db-failover", "notes"]

    code, out, _ = run(capsys, repo, "runbook", "lint", "-f", "json")
    assert code == 1
    problems = sorted((p["file"], p["problem"]) for p in json.loads(out))
    assert problems == [
        ("db-failover.md", f"not reviewed for more than 180 days (last {old.isoformat()})"),
        ("notes.md", "front matter field 'last-reviewed' is missing"),
        ("notes.md", "front matter field 'owner' is missing"),
        ("notes.md", "no title (a first-level '# ' heading)"),
        ("notes.md", "unknown front matter field 'colour'"),
    ]
    assert run(capsys, repo, "runbook", "reviewed", "db-failover")[0] == 0
    assert (
        f"last-reviewed: {dt.date.today().isoformat()}"
        in (repo.path / "docs/runbooks/db-failover.md").read_text()
    )
    _, out, _ = run(capsys, repo, "runbook", "show", "db-failover")
    assert out.startswith("---\nservice: db\n")
    code, _, err = run(capsys, repo, "runbook", "show", "nothing")
    assert code == 2
    assert "runbook 'nothing': none in" in err
    code, _, err = run(
        capsys, repo, "runbook", "new", "Queue backlog", "--service", "x", "--owner", "y"
    )
    assert code == 2
    assert "queue-backlog.md: already exists" in err


def test_runbook_fields_that_look_like_yaml_and_a_broken_runbook(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("first", {"a.txt": "a\n"})
    code, _, _ = run(
        capsys,
        repo,
        "runbook",
        "new",
        "Frontend down",
        "--service",
        "#frontend",
        "--owner",
        "Ann: lead",
        "--alert",
        'x", "y',
    )
    assert code == 0
    _, out, _ = run(capsys, repo, "runbook", "list", "-f", "json")
    (book,) = json.loads(out)
    assert (book["service"], book["owner"], book["alerts"]) == ("#frontend", "Ann: lead", 'x", "y')
    repo.write("docs/runbooks/broken.md", "---\nservice: [unclosed\n---\n\n# Broken\n")
    code, out, _ = run(capsys, repo, "runbook", "lint", "-f", "json")
    assert code == 1
    assert [p["file"] for p in json.loads(out)] == ["broken.md"]
    # a broken runbook does not stop incidents from being opened for the service
    code, out, err = run(
        capsys, repo, "incident", "open", "Down", "-s", "SEV2", "--service", "#frontend"
    )
    assert code == 0, err
    assert "runbook for #frontend: Frontend down" in out


def test_runbook_titles_in_any_script(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("first", {"a.txt": "a\n"})
    code, _, _ = run(
        capsys, repo, "runbook", "new", "決済 API 障害", "--service", "pay", "--owner", "Ann"
    )
    assert code == 0
    assert (repo.path / "docs/runbooks/決済-api-障害.md").is_file()
    assert run(capsys, repo, "runbook", "show", "決済 API 障害")[0] == 0
