"""`adr lint` refuses a record whose template text nobody replaced, naming the file and the
parts still untouched, in both formats (MADR and Nygard)."""

from __future__ import annotations

import json

import pytest

from gitrepo import GitRepo
from techlead.cli import main


def _lint(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> tuple[int, list[dict[str, str]]]:
    code = main(["adr", "lint", "-C", str(repo.path), "-f", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_an_untouched_madr_template_is_a_lint_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["adr", "init", "-C", str(repo.path)]) == 0  # a filled-in first record
    assert main(["adr", "new", "Choose a queue", "-C", str(repo.path)]) == 0
    capsys.readouterr()
    code, problems = _lint(capsys, repo)
    assert code == 1
    assert problems == [
        {
            "file": "0002-choose-a-queue.md",
            "problem": "the template's text is not replaced in: "
            "Context and Problem Statement ('The situation, and the question this decision "
            "answers.'); Decision Drivers ('* A force or concern that shapes the choice'); "
            "Considered Options ('* The first option'); "
            'Decision Outcome (\'Chosen option: "the first option", because it meets the '
            "drivers best (see below).'); Consequences ('* Good, because …')",
        }
    ]
    path = repo.path / "docs/adr/0002-choose-a-queue.md"
    filled = (
        path.read_text()
        .replace("The situation, and the question this decision answers.", "Jobs pile up.")
        .replace("* A force or concern that shapes the choice", "* Ops effort")
        .replace("* The first option\n* The second option", "* Redis\n* RabbitMQ")
        .replace('"the first option", because it meets the drivers best (see below).', "Redis.")
        .replace("* Good, because …\n* Bad, because …", "* Good, because we run it already.")
    )
    path.write_text(filled)
    assert _lint(capsys, repo) == (0, [])
    path.write_text(filled.replace("* RabbitMQ", "* RabbitMQ\n* The second option"))
    code, problems = _lint(capsys, repo)
    assert problems[0]["problem"] == (
        "the template's text is not replaced in: Considered Options ('* The second option')"
    )


def test_an_untouched_nygard_template_is_a_lint_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["adr", "init", "-C", str(repo.path)]) == 0
    argv = ["adr", "new", "Use Kafka", "--template", "nygard", "-C", str(repo.path)]
    assert main(argv) == 0
    capsys.readouterr()
    code, problems = _lint(capsys, repo)
    assert code == 1
    assert [p["file"] for p in problems] == ["0002-use-kafka.md"]
    assert "Context (" in problems[0]["problem"]
    assert "Decision ('What we will do, in full sentences.')" in problems[0]["problem"]
