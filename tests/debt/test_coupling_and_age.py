"""Change coupling (code-maat semantics) and code age, worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from analysis_fixtures import ANN, BOB, build_small_project, day, files_of
from gitrepo import GitRepo
from techlead.debt.age import directory_age, file_age
from techlead.debt.complexity import measure_files
from techlead.debt.coupling import CouplingOptions, coupling

LOOSE = CouplingOptions(min_revs=1, min_shared=1, min_degree=0)


@pytest.fixture
def project(tmp_path: Path) -> GitRepo:
    return build_small_project(tmp_path / "project")


def pairs(frame) -> dict[tuple[str, str], tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return {
        (row["path"], row["coupled"]): (
            row["degree"],
            row["shared_revisions"],
            row["average_revisions"],
        )
        for row in frame.iter_rows(named=True)
    }


def test_degree_is_shared_over_average_revisions(project: GitRepo) -> None:
    found = pairs(coupling(files_of(project), LOOSE))
    # a.py 4 revisions, b.py 3, c.yml 2; a+b share 3, a+c and b+c share commit 1
    assert found == {
        ("a.py", "b.py"): (85, 3, 4),  # 3 / 3.5 = 85.7%, average 3.5 rounded up
        ("a.py", "c.yml"): (33, 1, 3),  # 1 / 3
        ("b.py", "c.yml"): (40, 1, 3),  # 1 / 2.5, average rounded up
    }


def test_code_maat_defaults_filter_weak_pairs(project: GitRepo) -> None:
    assert coupling(files_of(project)).is_empty()  # fewer than 5 revisions everywhere


def test_large_change_sets_are_ignored(project: GitRepo) -> None:
    options = CouplingOptions(min_revs=1, min_shared=1, min_degree=0, max_changeset=2)
    found = pairs(coupling(files_of(project), options))
    # commit 1 (three files) no longer counts: a.py 3 revisions, b.py 2, c.yml 1
    assert found == {("a.py", "b.py"): (80, 2, 3)}


def test_time_window_joins_one_authors_commits(project: GitRepo) -> None:
    options = CouplingOptions(min_revs=1, min_shared=1, min_degree=0, window_hours=2)
    found = pairs(coupling(files_of(project), options))
    # Bob's commits 3 and 4 are one change set: a.py and b.py both have 3 revisions, all shared
    assert found[("a.py", "b.py")] == (100, 3, 3)


def test_coupling_by_ticket_joins_commits_naming_the_same_ticket(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("PROJ-7: server side", {"api.py": "a\n"}, author=ANN, date=day(1))
    repo.commit("Client part\n\nRefs PROJ-7", {"ui.js": "u\n"}, author=BOB, date=day(9))
    repo.commit("unrelated", {"ui.js": "u2\n"}, author=BOB, date=day(10))
    files = files_of(repo)
    loose = CouplingOptions(min_revs=1, min_shared=1, min_degree=0)
    assert coupling(files, loose).is_empty()
    ticketed = CouplingOptions(min_revs=1, min_shared=1, min_degree=0, by_ticket=True)
    assert pairs(coupling(files, ticketed)) == {("api.py", "ui.js"): (66, 1, 2)}


def test_merge_commits_do_not_couple_files(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("base", {"x": "1\n", "y": "1\n"}, date=day(1))
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("x", {"x": "2\n"}, date=day(2))
    repo.git("checkout", "-q", "main")
    repo.commit("y", {"y": "2\n"}, date=day(3))
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "topic")
    found = pairs(coupling(files_of(repo), LOOSE))
    assert found == {("x", "y"): (50, 1, 2)}  # only the base commit is shared


def test_file_and_directory_age(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit(
        "old",
        {"core/engine.py": "def f(x):\n    if x:\n        return 1\n    return 0\n"},
        date=day(1),
    )
    repo.commit("new", {"web/app.py": "x = 1\n", "README": "r\n"}, date=day(31))
    files = files_of(repo)
    now = datetime.fromisoformat(day(1)) + timedelta(days=30.436875 * 24)
    ages = file_age(files, measure_files(files.history.repo, files.files, files.cache_dir), now)
    rows = {row["path"]: row for row in ages.iter_rows(named=True)}
    assert rows["core/engine.py"]["age_months"] == 24.0
    assert rows["web/app.py"]["age_months"] == pytest.approx(23.0, abs=0.1)
    assert rows["core/engine.py"]["stale_and_complex"] is True
    assert rows["README"]["stale_and_complex"] is False
    assert ages.item(0, "path") == "core/engine.py"
    by_directory = {row["directory"]: row for row in directory_age(ages).iter_rows(named=True)}
    assert set(by_directory) == {".", "core", "web"}
    assert by_directory["core"]["files"] == 1
    assert by_directory["core"]["age_months"] == 24.0


def _page(title: str, version: int) -> str:
    lines = [f"{title} line {n}" for n in range(30)]
    return "\n".join([*lines, f"version {version}", ""])


def _followed(repo: GitRepo, path: str) -> set[str]:
    """An independent count: the commits `git log --follow` names for one file."""
    return set(repo.git("log", "--follow", "--no-merges", "--format=%H", "--", path).split())


def _build_renamed_pages(repo: GitRepo) -> None:
    """Two reStructuredText pages edited together and apart, moved across directories twice
    (with edits in the moving commits), while a release branch cherry-picks some edits."""
    pages = {"doc/build/intro.rst": "Intro", "doc/build/session.rst": "Session"}
    for n in range(1, 5):
        repo.commit(f"edit {n}", {p: _page(t, n) for p, t in pages.items()}, date=day(n))
    repo.commit("intro only", {"doc/build/intro.rst": _page("Intro", 9)}, date=day(5))
    repo.git("branch", "rel_1_0")
    for old, new in [("doc/build", "doc/build/orm"), ("doc/build/orm", "doc/guide")]:
        moved = {}
        for path, title in pages.items():
            target = path.replace(old, new, 1)
            repo.move(path, target)
            moved[target] = title
        pages = moved
        repo.commit(f"move to {new}", {p: _page(t, 20 + len(new)) for p, t in pages.items()})
        for n in range(6, 9):
            repo.commit(f"edit {n}", {p: _page(t, 30 + n) for p, t in pages.items()})
            # the release branch gets the same fix as a commit of its own
            repo.git("checkout", "-q", "rel_1_0")
            backport = dict.fromkeys(pages, f"backport {n}\n")
            repo.commit(f"edit {n} (backport)", backport)
            repo.git("checkout", "-q", "main")
    repo.commit("session only", {"doc/guide/session.rst": _page("Session", 99)})


def test_coupling_of_renamed_pages_matches_git_log_follow(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    _build_renamed_pages(repo)
    (repo.path / "techlead.toml").write_text("[history]\nall_refs = true\n", encoding="utf-8")
    intro = _followed(repo, "doc/guide/intro.rst")
    session = _followed(repo, "doc/guide/session.rst")
    assert (len(intro), len(session), len(intro & session)) == (13, 13, 12)
    found = pairs(coupling(files_of(repo), LOOSE))
    # degree 12 / 13 = 92%; the backports on rel_1_0 never changed the files at HEAD
    assert found[("doc/guide/intro.rst", "doc/guide/session.rst")] == (92, 12, 13)
