"""Progress where stderr is not a terminal (a CI log): plain timed lines, no escape codes."""

from __future__ import annotations

import re
import time

import pytest
from typer.testing import CliRunner

from gitrepo import GitRepo
from techlead import terminal
from techlead.cli import app, main

COMMITS = 3000
LINE = re.compile(r"^Mining repo: ([\d,]+)/3,000 commits \((\d+)%\) \d+s$")


@pytest.fixture(scope="module")
def long_repository(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """Thousands of commits, written at once with git fast-import."""
    repo = GitRepo(tmp_path_factory.mktemp("progress") / "repo")
    stream = []
    for n in range(1, COMMITS + 1):
        content = f"line {n}\n".encode()
        message = f"change {n}\n".encode()
        stream += [
            b"commit refs/heads/main",
            f"committer Ann Lead <ann@example.com> {1704067200 + n * 60} +0000".encode(),
            b"data %d" % len(message),
            message,
            f"M 100644 inline file{n % 40}.txt".encode(),
            b"data %d" % len(content),
            content,
        ]
    repo.git("fast-import", "--quiet", input=b"\n".join(stream) + b"\n")
    repo.git("reset", "--hard", "-q")
    return repo


def test_a_scan_with_a_pipe_for_stderr_writes_plain_timed_lines(
    long_repository: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(terminal.INTERVAL_VARIABLE, "0.001")
    result = CliRunner().invoke(app, ["scan", str(long_repository.path), "--rebuild"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) >= 2, result.stderr  # at least one while mining, and one at the end
    assert all(LINE.match(line) for line in lines), result.stderr
    assert lines[-1].startswith("Mining repo: 3,000/3,000 commits (100%) ")
    done = [int(LINE.match(line)[1].replace(",", "")) for line in lines]  # type: ignore[index]
    assert done == sorted(done)
    assert "\x1b" not in result.stderr
    assert "commits" in result.stdout


def test_quiet_writes_no_progress(
    long_repository: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(terminal.INTERVAL_VARIABLE, "0.001")
    result = CliRunner().invoke(app, ["scan", str(long_repository.path), "--rebuild", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_lines_come_every_interval_even_while_nothing_advances(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with terminal.ProgressBar("Measuring complexity", unit="files", interval=0.05) as bar:
        bar.start(400)
        bar.advance(100)
        time.sleep(0.3)
        bar.advance(50)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 3
    assert set(lines[:-1]) == {"Measuring complexity: 100/400 files (25%) 0s"}
    assert lines[-1] == "Measuring complexity: 150/400 files (37%) 0s"


def test_nothing_to_do_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with terminal.ProgressBar("Mining repo", unit="commits", interval=0.01) as bar:
        bar.start(0)
        time.sleep(0.05)
    assert capsys.readouterr().err == ""


def test_work_done_within_the_first_interval_writes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with terminal.ProgressBar("Mining repo", unit="commits", interval=60) as bar:
        bar.start(5)
        bar.advance(5)
    assert capsys.readouterr().err == ""


def test_a_bad_interval_is_one_line(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("one", {"a.txt": "1\n"})
    monkeypatch.setenv(terminal.INTERVAL_VARIABLE, "soon")
    assert main(["scan", str(repo.path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: TECHLEAD_PROGRESS_INTERVAL='soon': not a positive number of seconds"
    ]
