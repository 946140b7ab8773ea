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
