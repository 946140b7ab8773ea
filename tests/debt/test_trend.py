"""The complexity trend follows HEAD's first-parent line and ends at HEAD's version."""

from __future__ import annotations

from pathlib import Path

from analysis_fixtures import files_of
from gitrepo import GitRepo
from techlead.debt.complexity import measure_files
from techlead.debt.trend import complexity_trend, first_parent_landings

ONE = "def f(x):\n    return x\n"  # cyclomatic 1
TWO = "def f(x):\n    if x:\n        return 1\n    return x\n"  # 2
THREE = "def f(x):\n    if x:\n        return 1\n    if x > 2:\n        return 2\n    return x\n"


def _dated(when: str) -> dict[str, str]:
    return {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}


def test_trend_ends_at_head_when_an_earlier_authored_branch_commit_is_merged_last(
    tmp_path: Path,
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("start", {"app.py": ONE, "other.py": "x = 1\n"}, date="2024-01-01T00:00:00Z")
    repo.git("checkout", "-q", "-b", "topic")
    # authored on the 2nd: before main's change of the 3rd, but merged last (on the 4th)
    repo.commit("topic: grow f", {"app.py": THREE}, date="2024-01-02T00:00:00Z")
    repo.git("checkout", "-q", "main")
    repo.commit("main: small change", {"app.py": TWO}, date="2024-01-03T00:00:00Z")
    repo.git(
        "merge", "-q", "--no-ff", "-X", "theirs", "-m", "merge topic", "topic",
        env=_dated("2024-01-04T00:00:00Z"),
    )  # fmt: skip
    head = repo.head()
    files = files_of(repo)
    at_head = measure_files(files.history.repo, files.files, files.cache_dir)
    head_complexity = at_head.filter(at_head["path"] == "app.py").item(0, "complexity")

    trend = complexity_trend(files, "app.py")

    assert trend.get_column("complexity").to_list() == [1, 2, 3]
    assert trend.item(-1, "commit") == head
    assert trend.item(-1, "complexity") == head_complexity == 3
    assert trend.get_column("date").is_sorted()


def test_first_parent_landings_put_branch_commits_at_their_merge() -> None:
    parents = {"a": [], "b": ["a"], "t": ["a"], "m": ["b", "t"], "c": ["m"]}
    line, landed = first_parent_landings(parents, "c")
    assert line == ["a", "b", "m", "c"]
    assert landed == {"a": 0, "b": 1, "t": 2, "m": 2, "c": 3}
