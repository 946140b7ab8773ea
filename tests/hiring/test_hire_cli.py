"""`techlead hire ...` end to end on a real repository and record store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main


def hire(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> tuple[int, str]:
    code = main(["hire", *argv, "-C", str(repo.path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def project(repo: GitRepo) -> GitRepo:
    repo.commit("start", {"app.py": "x = 1\n", ".gitignore": ".techlead/\n"})
    return repo


def test_a_candidate_from_panel_to_debrief_and_calibration(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hire(capsys, project, "add", "Ada Lovelace", "--role", "backend-l3")[0] == 0
    code, out = hire(capsys, project, "assign", "1", "-s", "technical", "-i", "ann", "-i", "bo")
    assert code == 0
    assert "open: ann (technical), bo (technical)" in out
    code, out = hire(
        capsys,
        project,
        "score",
        "#1",
        "-i",
        "ann",
        "-s",
        "technical",
        "--score",
        "debugging=4",
        "--evidence",
        "debugging=bisected the failure",
        "--recommend",
        "yes",
    )
    assert code == 0
    assert "submitted" in out
    code, out = hire(
        capsys,
        project,
        "score",
        "Ada Lovelace",
        "-i",
        "bo",
        "-s",
        "technical",
        "--score",
        "debugging=2",
        "--recommend",
        "no",
    )
    assert code == 0
    code, out = hire(capsys, project, "debrief", "1", "-f", "json")
    result = json.loads(out)
    assert result["split"] is True
    debugging = next(c for c in result["competencies"] if c["competency"] == "debugging")
    assert debugging["disagreement"] is True
    assert [r["evidence"] for r in debugging["ratings"]] == ["bisected the failure", None]
    code, out = hire(capsys, project, "debrief", "1")
    assert "split: discuss" in out
    assert "Disagreement on: debugging" in out
    code, out = hire(capsys, project, "calibration", "-f", "json")
    calibration = json.loads(out)
    assert [i["leniency"] for i in calibration["interviewers"]] == [2.0, -2.0]
    code, out = hire(capsys, project, "candidates", "-f", "csv")
    assert out.splitlines()[1].startswith("1,Ada Lovelace,backend-l3,active,2,0")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "Bo", "--role", "chef"], "role 'chef': no such role profile"),
        (["score", "9", "-i", "ann", "-s", "screen", "--score", "testing=3"], "candidate '9'"),
        (["score", "1", "-i", "ann", "-s", "screen", "--score", "testing=three"], "whole number"),
        (["score", "1", "-i", "ann", "-s", "screen", "--score", "testing"], "COMPETENCY=VALUE"),
        (
            ["score", "1", "-i", "ann", "-s", "screen", "--evidence", "testing=x"],
            "give its --score",
        ),
        (["decide", "1", "maybe"], "status 'maybe'"),
        (["outcome", "1", "3"], "was not hired"),
        (["kit", "backend-l3", "-s", "screen", "--out", "kit.docx"], "write a .md, .html or .pdf"),
        (["matrix", "chef"], "role 'chef'"),
    ],
)
def test_mistakes_get_one_line_and_exit_2(
    project: GitRepo, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    hire(capsys, project, "add", "Ada", "--role", "backend-l3")
    code, out = hire(capsys, project, *argv)
    assert code == 2, out
    assert message in out
    assert "Traceback" not in out


def test_kits_are_written_as_markdown_or_html_and_init_copies_the_starter_set(
    project: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = hire(capsys, project, "kit", "backend-l3", "-s", "screen", "--seed", "2")
    assert code == 0
    assert out.startswith("# Interview kit: Backend engineer (L3), screen (30 min)")
    target = tmp_path / "kit.html"
    assert hire(capsys, project, "kit", "backend-l3", "-s", "screen", "--out", str(target))[0] == 0
    assert "<h2>Scoring rubric</h2>" in target.read_text(encoding="utf-8")
    code, out = hire(capsys, project, "init")
    assert code == 0
    assert "wrote" in out
    assert (project.path / "docs/hiring/roles/backend-l3.md").is_file()
    (project.path / "docs/hiring/roles/backend-l3.md").write_text(
        "---\ntitle: Ours\ncompetencies: [testing]\n---\n", encoding="utf-8"
    )
    code, out = hire(capsys, project, "init")
    assert "kept" in out
    code, out = hire(capsys, project, "roles", "-f", "json")
    roles = {r["name"]: r for r in json.loads(out)}
    assert roles["backend-l3"]["title"] == "Ours"


def test_purge_anonymises_after_the_retention_period(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    hire(capsys, project, "add", "Ada Lovelace", "--role", "backend-l3", "--email", "a@x.test")
    code, out = hire(capsys, project, "purge", "--dry-run")
    assert code == 0
    assert out.startswith("0 would be anonymised")
    code, out = hire(capsys, project, "purge", "--older-than", "0")
    assert code == 0
    assert "1 anonymised" in out
    assert "#1" in out
    code, out = hire(capsys, project, "candidates", "-f", "json")
    assert json.loads(out)[0]["name"] == "anonymised #1"
