"""Files at HEAD and their attributed changes, and the cache of that attribution."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo
from techlead.history import scan
from techlead.history.files import current_files
from techlead.history.lineage import follow_renames


def test_renames_are_followed_back_to_the_first_name() -> None:
    # newest first: c.py was b.py, which was a.py
    attributed = follow_renames(
        ["c.py", "b.py", "b.py", "a.py"],
        ["b.py", None, "a.py", None],
        ["R", "M", "R", "A"],
        ["c.py"],
    )
    assert attributed == ["c.py", "c.py", "c.py", "c.py"]


def test_changes_before_a_path_was_re_added_belong_to_no_current_file() -> None:
    attributed = follow_renames(["x", "x", "x"], [None, None, None], ["A", "D", "M"], ["x"])
    assert attributed == ["x", None, None]


def test_attribution_is_recomputed_when_exclusions_change(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("one", {"app.py": "a\n", "gen/out.py": "g\n"})
    assert current_files(scan(repo.path)).files.height == 2
    (repo.path / "techlead.toml").write_text('[files]\nexclude = ["gen/"]\n', encoding="utf-8")
    paths = current_files(scan(repo.path)).files.get_column("path").to_list()
    assert paths == ["app.py"]


def test_attribution_is_recomputed_after_a_new_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("one", {"app.py": "a\n"})
    assert current_files(scan(repo.path)).changes.height == 1
    repo.commit("two", {"app.py": "b\n", "new.py": "n\n"})
    files = current_files(scan(repo.path))
    assert files.changes.height == 3
    assert files.files.height == 2


def test_attribution_follows_alias_changes(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("one", {"app.py": "a\n"}, author="ann <ann@laptop>")
    assert current_files(scan(repo.path)).changes.item(0, "author") == "ann"
    (repo.path / "techlead.toml").write_text(
        '[identities.aliases]\n"Ann Lead <ann@example.com>" = ["ann@laptop"]\n', encoding="utf-8"
    )
    assert current_files(scan(repo.path)).changes.item(0, "author") == "Ann Lead"


def test_a_rename_is_followed_when_git_lists_its_parent_first(tmp_path: Path) -> None:
    """A skewed clock: the rename's commit date is older than its parent's, and a merge puts a
    side branch between them, so git's date order lists the parent before the rename."""
    repo = GitRepo(tmp_path / "r")
    repo.commit("add", {"docs/a.rst": "a\n" * 20}, date="@1000 +0000")
    parent = repo.commit("edit", {"docs/a.rst": "a\n" * 21}, date="@5000 +0000")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", {"other.py": "x\n"}, date="@10000 +0000")
    repo.git("checkout", "-q", "main")
    repo.move("docs/a.rst", "guide/a.rst")
    renamed = repo.commit("move", date="@2000 +0000")
    env = {"GIT_COMMITTER_DATE": "@20000 +0000", "GIT_AUTHOR_DATE": "@20000 +0000"}
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side", env=env)
    listed = repo.git("rev-list", "HEAD").split()
    assert listed.index(parent) < listed.index(renamed)  # git's own order, parent first
    changes = current_files(scan(repo.path)).changes
    commits = changes.filter(changes["file"] == "guide/a.rst").get_column("commit")
    assert commits.n_unique() == 3  # add, edit and move all count for guide/a.rst


def test_commits_head_does_not_descend_from_never_count(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("add", {"app.py": "a\n"})
    repo.git("checkout", "-q", "-b", "rel_1_0")
    repo.commit("backport", {"app.py": "b\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("fix", {"app.py": "c\n"})
    history = scan(repo.path, all_refs=True)
    assert history.history.file_changes.height == 3
    assert current_files(history).changes.height == 2
