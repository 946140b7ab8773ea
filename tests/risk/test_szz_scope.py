"""What SZZ blames: not the test code a fix edits (unless asked), and what it blamed before an
interruption is kept."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from gitrepo import GitRepo
from techlead.config import load_settings
from techlead.history.scan import scan
from techlead.risk.dataset import labelled_changes
from techlead.risk.szz import blame_fixes

ANA = "Ana <ana@acme.test>"
BEN = "Ben <ben@acme.test>"


def _fix_of_code_and_test(repo: GitRepo) -> dict[str, str]:
    """Ana writes the code, Ben writes its test, Ana fixes a bug in both."""
    made = {
        "code": repo.commit(
            "Add parser", {"src/parse.py": "def parse(s):\n    return s.split()\n"}, author=ANA
        ),
        "test": repo.commit(
            "Test parser",
            {"tests/test_parse.py": "def test_parse():\n    assert parse('a b') == ['a']\n"},
            author=BEN,
        ),
    }
    made["fix"] = repo.commit(
        "Fix parser on empty words",
        {
            "src/parse.py": "def parse(s):\n    return [w for w in s.split() if w]\n",
            "tests/test_parse.py": "def test_parse():\n    assert parse('a b') == ['a', 'b']\n",
        },
        author=ANA,
    )
    return made


def _labels(repo: GitRepo) -> dict[str, int]:
    settings = load_settings(repo.path)
    history = scan(repo.path, settings).history
    cache = repo.path / ".techlead" / "risk-test"
    data, _ = labelled_changes(history, settings, {}, cache)
    return dict(data.select("commit", "label").iter_rows())


def test_a_fix_blames_the_code_it_corrects_not_the_test_it_edits(repo: GitRepo) -> None:
    made = _fix_of_code_and_test(repo)
    labels = _labels(repo)
    assert labels[made["code"]] == 1
    assert labels[made["test"]] == 0


def test_blame_test_code_widens_szz_to_test_files(repo: GitRepo) -> None:
    made = _fix_of_code_and_test(repo)
    (repo.path / "techlead.toml").write_text("[risk]\nblame_test_code = true\n")
    labels = _labels(repo)
    assert labels[made["code"]] == 1
    assert labels[made["test"]] == 1


def test_test_paths_decide_what_is_test_code(repo: GitRepo) -> None:
    made = _fix_of_code_and_test(repo)
    (repo.path / "techlead.toml").write_text('[review]\ntest_paths = ["checks/"]\n')
    labels = _labels(repo)
    assert labels[made["test"]] == 1  # tests/ is not test code here


def test_an_interrupted_szz_keeps_what_it_blamed(repo: GitRepo) -> None:
    text = {f"m{i}.py": f"v{i} = {i}\n" for i in range(5)}
    start = repo.commit("start", dict(text), author=ANA)
    fixes = []
    for i in range(5):
        text[f"m{i}.py"] = f"v{i} = {i + 10}\n"
        fixes.append(repo.commit(f"Fix m{i}", {f"m{i}.py": text[f"m{i}.py"]}, author=BEN))
    history = scan(repo.path, load_settings(repo.path)).history
    parents = dict(history.commits.select("commit", pl.col("parents").list.first()).iter_rows())
    todo = [(fix, parents[fix]) for fix in fixes]
    cache = repo.path / ".techlead" / "szz-test"
    blamed: list[int] = []

    def stop_after_three(count: int) -> None:
        blamed.append(count)
        if len(blamed) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        blame_fixes(history.repo, todo, cache, stop_after_three, checkpoint=2)
    again: list[int] = []
    found = blame_fixes(history.repo, todo, cache, again.append, checkpoint=2)
    assert len(again) == 3  # the first two were kept; the third was not yet written
    assert sorted(found.rows()) == sorted(
        (fix, start, f"m{i}.py", 1) for i, fix in enumerate(fixes)
    )


def test_changing_the_test_patterns_blames_again(repo: GitRepo, tmp_path: Path) -> None:
    made = _fix_of_code_and_test(repo)
    history = scan(repo.path, load_settings(repo.path)).history
    parents = dict(history.commits.select("commit", pl.col("parents").list.first()).iter_rows())
    todo = [(made["fix"], parents[made["fix"]])]
    cache = tmp_path / "szz"
    narrow = blame_fixes(history.repo, todo, cache, skipped=["tests/"])
    wide = blame_fixes(history.repo, todo, cache, skipped=[])
    assert set(narrow.get_column("introducer")) == {made["code"]}
    assert set(wide.get_column("introducer")) == {made["code"], made["test"]}
