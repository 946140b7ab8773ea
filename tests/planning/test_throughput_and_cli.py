"""Throughput from git history, and `techlead plan` used end to end from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.config import PlanningSettings
from techlead.history.scan import scan
from techlead.planning.throughput import git_completions

EXPORTS = Path(__file__).parent / "exports"


def _day(day: int, hour: int = 12) -> str:
    return f"2026-03-{day:02d}T{hour:02d}:00:00+00:00"


def _merge(repo: GitRepo, branch: str, day: int, author: str = "Ana <ana@acme.test>") -> None:
    repo.git("checkout", "-q", "-b", branch)
    repo.commit(f"work on {branch}", {f"{branch}.txt": branch}, author=author, date=_day(day, 9))
    repo.git("checkout", "-q", "main")
    env = {"GIT_AUTHOR_DATE": _day(day), "GIT_COMMITTER_DATE": _day(day)}
    repo.git("merge", "-q", "--no-ff", "-m", f"Merge pull request from {branch}", branch, env=env)


def test_git_throughput_counts_changes_merged_into_the_main_line(repo: GitRepo) -> None:
    repo.commit("start", {"a.txt": "a"}, date=_day(1))
    _merge(repo, "one", 2)
    _merge(repo, "two", 2)
    repo.commit("Squash-merged fix (#12)", {"b.txt": "b"}, date=_day(4))
    repo.commit("a direct commit", {"c.txt": "c"}, date=_day(4))
    _merge(repo, "bump", 5, author="dependabot[bot] <bot@github.test>")
    result = scan(repo.path)
    finished = git_completions(result.history.commits, result.head, PlanningSettings())
    assert finished.unit == "merged changes"
    assert finished.days == [dt.date(2026, 3, 2), dt.date(2026, 3, 2), dt.date(2026, 3, 4)]
    assert finished.people_between(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == {
        "Ana",
        "Ann Lead",
    }


def test_a_history_without_merges_counts_commits(repo: GitRepo) -> None:
    for number, day in enumerate((1, 1, 3)):
        repo.commit(f"commit {number}", {f"f{number}.txt": "x"}, date=_day(day))
    result = scan(repo.path)
    finished = git_completions(result.history.commits, result.head, PlanningSettings())
    assert finished.unit == "commits"
    assert finished.daily(dt.date(2026, 3, 1), dt.date(2026, 3, 3)).tolist() == [2, 0, 1]


def test_days_begin_in_the_team_time_zone(repo: GitRepo) -> None:
    repo.commit("late evening in New York", {"a.txt": "a"}, date="2026-03-03T02:00:00+00:00")
    result = scan(repo.path)
    settings = PlanningSettings(timezone="America/New_York")
    finished = git_completions(result.history.commits, result.head, settings)
    assert finished.days == [dt.date(2026, 3, 2)]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(repo: GitRepo) -> GitRepo:
    repo.commit("start", {"README.md": "shop"})
    return repo


def test_import_lint_and_forecast_from_the_command_line(
    project: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    here = str(project.path)
    code, out, _ = run(capsys, "plan", "import", str(EXPORTS / "jira.csv"), "-C", here)
    assert code == 0
    assert "5 new" in out
    code, out, _ = run(capsys, "plan", "import", str(EXPORTS / "jira.csv"), "-C", here)
    assert "0 new, 0 updated, 5 unchanged" in out
    code, out, _ = run(capsys, "plan", "items", "-C", here, "-f", "json")
    assert len(json.loads(out)) == 5
    code, out, _ = run(capsys, "plan", "items", "-C", here, "-f", "csv", "--category", "done")
    assert (
        "SHOP-1,Story,Done,3.0,Ana Silva,2024-05-02T09:15:00+00:00,2024-05-11T15:26:00+00:00" in out
    )
    code, out, _ = run(capsys, "plan", "lint", "-C", here, "-f", "json")
    assert code == 1
    problems = {(p["key"], p["rule"]) for p in json.loads(out)}
    assert problems == {("SHOP-2", "no-acceptance-criteria")}
    chart = tmp_path / "when.svg"
    args = ["plan", "forecast", "when", "-n", "3", "--start", "2024-05-12", "--history-days", "30"]
    code, out, err = run(capsys, *args, "--chart", str(chart), "-C", here, "-f", "json")
    assert code == 0, err
    forecast = json.loads(out)
    # one item (SHOP-1) in 30 days: three take far longer than a month
    assert forecast["percentiles"]["50"] > "2024-06-11"
    assert forecast["basis"]["days_with_data"] == 1
    assert "fewer than 10" in err
    assert chart.read_text().startswith("<svg")


def test_forecasts_fall_back_to_git_history_without_a_tracker(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    for day in range(1, 29):
        repo.commit(f"change {day}", {f"f{day}.txt": "x"}, date=_day(day))
    code, out, err = run(
        capsys,
        "plan",
        "forecast",
        "how-many",
        "--start",
        "2026-03-29",
        "--by",
        "2026-04-07",
        "-C",
        str(repo.path),
        "-f",
        "json",
        "-q",
        "--history-days",
        "28",
    )
    assert code == 0, err
    assert "from git history" in err
    assert json.loads(out)["percentiles"] == {"50": 10, "85": 10, "95": 10}
    code, out, err = run(
        capsys,
        "plan",
        "capacity",
        "--start",
        "2026-03-29",
        "--sprint-days",
        "10",
        "--absence",
        "Ann Lead:5",
        "-C",
        str(repo.path),
        "-f",
        "json",
        "-q",
        "--history-days",
        "28",
    )
    assert code == 0, err
    capacity = json.loads(out)
    assert capacity["team_size"] == 1
    assert capacity["full_team"]["50"] == 10
    assert capacity["with_absences"]["50"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "import", "missing.csv"], "missing.csv: no such file"),
        (["plan", "import", "x.csv", "--format", "trello"], "--format 'trello'"),
        (["plan", "forecast", "when", "-n", "3", "--start", "tomorrow"], "--start 'tomorrow'"),
        (["plan", "forecast", "when", "-n", "3", "--split", "2-1"], "--split '2-1'"),
        (["plan", "forecast", "when", "-n", "3", "--risk", "db"], "--risk 'db'"),
        (["plan", "forecast", "when", "-n", "3", "--source", "tracker"], "no finished items"),
        (["plan", "capacity", "--absence", "ana"], "--absence 'ana'"),
        (["plan", "lint"], "no backlog imported yet"),
        (["plan", "forecast", "when", "-n", "3", "--start", "0001-01-01"], "from 1970 to 2999"),
        (["plan", "throughput", "--until", "9999-12-31"], "from 1970 to 2999"),
        (["plan", "capacity", "--absence", "ana:nan"], "must be a number"),
        (["plan", "capacity", "--absence", "ana:30"], "the sprint's 14 days"),
        (["plan", "items", "--category", "doing"], "--category 'doing'"),
        (["plan", "forecast", "when", "-n", "3", "--chart", "out.pdf"], "write a .svg or a .png"),
    ],
)
def test_bad_input_is_one_line_error(
    project: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    for day in range(1, 15):
        project.commit(f"c{day}", {f"f{day}.txt": "x"}, date=_day(day))
    code, out, err = run(capsys, *args, "-C", str(project.path), *_start(args))
    assert out == ""  # nothing printed before the error: a script never gets half an answer
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def _start(args: list[str]) -> list[str]:
    return (
        ["--start", "2026-03-15"]
        if args[1] in {"forecast", "capacity"} and "--start" not in args
        else []
    )


def test_git_unit_commits_counts_every_main_line_commit(repo: GitRepo) -> None:
    repo.commit("start", {"a.txt": "a"}, date=_day(1))
    _merge(repo, "one", 2)
    repo.commit("a direct commit", {"c.txt": "c"}, date=_day(3))
    result = scan(repo.path)
    settings = PlanningSettings(git_unit="commits")
    finished = git_completions(result.history.commits, result.head, settings)
    assert finished.unit == "commits"
    assert finished.days == [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
