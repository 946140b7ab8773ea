"""The `techlead` command as a user runs it: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main

JSON_KEYS = {
    "repo",
    "head",
    "commits",
    "new_commits",
    "file_changes",
    "authors",
    "first_commit_at",
    "last_commit_at",
    "seconds",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_json_reports_the_promised_keys(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(
        "one", {"a.py": "a\n"}, author="Ann <ann@example.com>", date="2024-01-02T03:04:05+00:00"
    )
    repo.commit(
        "two", {"b.py": "b\n"}, author="Bo <bo@example.com>", date="2024-02-02T03:04:05+00:00"
    )
    code, out, _ = run(capsys, "scan", str(repo.path), "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report.keys() >= JSON_KEYS
    assert report["commits"] == 2
    assert report["new_commits"] == 2
    assert report["authors"] == 2
    assert report["file_changes"] == 2
    assert report["head"] == repo.head()
    assert report["first_commit_at"] == "2024-01-02T03:04:05+00:00"
    assert report["last_commit_at"] == "2024-02-02T03:04:05+00:00"
    assert report["languages"][0]["language"] == "Python"
    code, out, _ = run(capsys, "scan", str(repo.path), "--format", "json")
    assert json.loads(out)["new_commits"] == 0


def test_scan_of_several_repositories_prints_a_list(
    make_repo, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    first, second = make_repo("one"), make_repo("two")
    first.commit("x", {"a": "a\n"})
    code, out, _ = run(capsys, "scan", str(first.path), str(second.path), "-f", "json")
    assert code == 0
    assert [item["commits"] for item in json.loads(out)] == [1, 0]


def test_scan_table_summarises_the_history(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("one", {"main.go": "package main\n"})
    code, out, _ = run(capsys, "scan", str(repo.path))
    assert code == 0
    assert "commits" in out
    assert "1 people" not in out
    assert "1 person" in out
    assert "Go 100%" in out


def test_empty_repository_summary(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", str(repo.path))
    assert code == 0
    assert "no commits yet" in out


def test_not_a_repository_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "scan", str(tmp_path))
    assert code == 2
    assert out == ""
    assert err.splitlines()[0] == f"error: {tmp_path}: not a git repository"
    assert "Traceback" not in err


def test_malformed_config_names_the_file_and_line(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.path / "techlead.toml").write_text("[history]\nworkers = \n", encoding="utf-8")
    code, _, err = run(capsys, "scan", str(repo.path))
    assert code == 2
    assert "techlead.toml: invalid TOML" in err
    assert "line 2" in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_setting_names_the_field(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.path / "techlead.toml").write_text("[history]\nworkers = -1\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", str(repo.path))
    assert code == 2
    assert "history.workers" in err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error: No such option: --no-such-option",
        "hint: see techlead scan --help",
    ]


def test_an_option_out_of_range_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "forecast", "when", "--items", "0"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0] == (
        "error: Invalid value for '--items' / '-n': Input should be greater than or equal to 1"
    )


def test_help_lists_scan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "scan" in out


def test_console_script_runs_as_a_module(repo: GitRepo) -> None:
    repo.commit("one", {"a": "a\n"})
    done = subprocess.run(
        [sys.executable, "-m", "techlead", "scan", str(repo.path), "--format", "json", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["commits"] == 1


@pytest.mark.parametrize(
    ("name", "language"),
    [("a.py", "Python"), ("Makefile", "Makefile"), ("x.m", "Objective-C"), ("n.txt", None)],
)
def test_language_of_file_names(name: str, language: str | None) -> None:
    from techlead.history.summary import language_of

    assert language_of(name) == language


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted() -> None:
    import polars as pl

    from techlead.output import frame_csv

    text = frame_csv(
        pl.DataFrame({"name": ["=HYPERLINK(1)", "+x", "@a", "-cmd", "-1.5", "-", "ok"]})
    )
    assert text.splitlines()[1:] == ["'=HYPERLINK(1)", "'+x", "'@a", "'-cmd", "-1.5", "-", "ok"]
