"""A re-scan mines only what is new, survives history rewrites, and rebuilds a broken cache."""

from __future__ import annotations

import json

import polars as pl
import pytest

from gitrepo import GitRepo
from techlead.history import cache_directory, scan
from techlead.history.cache import FORMAT_VERSION, MANIFEST
from techlead.history.scan import History


def frames_equal(left: History, right: History) -> None:
    assert left.raw_commits.equals(right.raw_commits)
    assert left.file_changes.equals(right.file_changes)


def fresh_scan(repo: GitRepo) -> History:
    return scan(repo.path, rebuild=True).history


def test_second_scan_mines_only_new_commits(repo: GitRepo) -> None:
    for n in range(3):
        repo.commit(f"c{n}", {"a.txt": f"{n}\n"})
    assert scan(repo.path).new_commits == 3
    assert scan(repo.path).new_commits == 0
    repo.commit("c3", {"b.txt": "b\n"})
    result = scan(repo.path)
    assert result.new_commits == 1
    assert result.history.commits.height == 4
    frames_equal(result.history, fresh_scan(repo))


def test_first_scan_of_new_history_after_empty_repository(repo: GitRepo) -> None:
    assert scan(repo.path).new_commits == 0
    repo.commit("first", {"a": "a\n"})
    assert scan(repo.path).new_commits == 1


def test_amended_commit_replaces_the_old_one(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"})
    old = repo.commit("two", {"a": "2\n"})
    scan(repo.path)
    repo.git(
        "commit",
        "-q",
        "--amend",
        "-m",
        "two, amended",
        env={"GIT_COMMITTER_DATE": "@1800000000 +0000"},
    )
    result = scan(repo.path)
    ids = result.history.commits.get_column("commit").to_list()
    assert result.history_rewritten
    assert old not in ids
    assert result.history.commits.item(0, "subject") == "two, amended"
    assert result.new_commits == 1
    frames_equal(result.history, fresh_scan(repo))


def test_reset_to_an_older_commit_drops_the_newer_ones(repo: GitRepo) -> None:
    first = repo.commit("one", {"a": "1\n"})
    repo.commit("two", {"a": "2\n"})
    scan(repo.path)
    repo.git("reset", "-q", "--hard", first)
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    result = scan(repo.path)
    assert result.history.commits.get_column("commit").to_list() == [first]
    assert result.new_commits == 0
    assert result.history.file_changes.height == 1


def test_rebased_branch_keeps_shared_history_and_mines_rewritten_commits(repo: GitRepo) -> None:
    base = repo.commit("base", {"a": "a\n"})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("topic 1", {"t1": "1\n"})
    repo.commit("topic 2", {"t2": "2\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main moves", {"m": "m\n"})
    repo.git("checkout", "-q", "topic")
    scan(repo.path)
    repo.git("rebase", "-q", "main", env={"GIT_COMMITTER_NAME": "R", "GIT_COMMITTER_EMAIL": "r@x"})
    result = scan(repo.path)
    assert result.history_rewritten
    assert result.new_commits == 3  # main's new commit and the two rebased ones
    assert base in result.history.commits.get_column("commit").to_list()
    frames_equal(result.history, fresh_scan(repo))


def test_corrupt_part_file_is_rebuilt(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"})
    first = scan(repo.path)
    for part in first.cache_dir.glob("commits-*.parquet"):
        part.write_bytes(b"not parquet at all")
    result = scan(repo.path)
    assert result.rebuilt_because is not None
    assert "unusable" in result.rebuilt_because
    frames_equal(result.history, first.history)


def test_garbled_manifest_is_rebuilt(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"})
    first = scan(repo.path)
    (first.cache_dir / MANIFEST).write_text("{ half a manifest", encoding="utf-8")
    result = scan(repo.path)
    assert result.new_commits == 1
    frames_equal(result.history, first.history)


def test_cache_from_an_older_format_is_rebuilt(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"})
    first = scan(repo.path)
    manifest_path = first.cache_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format"] = 0
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    result = scan(repo.path)
    assert result.rebuilt_because is not None
    assert "format 0" in result.rebuilt_because
    assert result.new_commits == 1


def test_many_incremental_scans_are_compacted(repo: GitRepo) -> None:
    for n in range(12):
        repo.commit(f"c{n}", {"a": f"{n}\n"})
        scan(repo.path)
    cache_dir = scan(repo.path).cache_dir
    assert len(list(cache_dir.glob("commits-*.parquet"))) <= 8
    result = scan(repo.path)
    assert result.history.commits.height == 12
    frames_equal(result.history, fresh_scan(repo))


def test_cache_stays_out_of_git_status(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"})
    scan(repo.path)
    assert repo.git("status", "--porcelain") == ""


def test_configured_cache_directory_outside_the_repository(repo: GitRepo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (repo.path / "techlead.toml").write_text(
        f'[history]\ncache_dir = "{tmp_path / "elsewhere"}"\n', encoding="utf-8"
    )
    repo.commit("one", {"a": "1\n"})
    result = scan(repo.path)
    assert (tmp_path / "elsewhere") in result.cache_dir.parents
    assert not (repo.path / ".techlead").exists()


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("long") / "repo")
    for n in range(300):
        files: dict[str, str | bytes | None] = {
            f"f{n % 7}.txt": "".join(f"{n} {i}\n" for i in range(n % 13))
        }
        if n % 50 == 49:
            files[f"bin{n}.dat"] = b"\0" * n
        repo.commit(f"commit {n}", files)
    return repo


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_concurrent_mining_gives_the_same_frames_as_one_process(
    long_history: GitRepo, workers: int
) -> None:
    repo = long_history
    single = scan(repo.path, workers=1, rebuild=True).history
    many = scan(repo.path, workers=workers, rebuild=True).history
    frames_equal(single, many)
    assert many.commits.get_column("commit").to_list() == repo.git("rev-list", "HEAD").split()
    assert (
        many.file_changes.get_column("added").sum(),
        many.file_changes.get_column("deleted").sum(),
    ) == repo.numstat_totals()


def test_cache_directory_default_is_inside_the_repository(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"})
    result = scan(repo.path)
    assert result.cache_dir == cache_directory(result.history.repo, result.history.settings)
    assert result.cache_dir.is_relative_to(repo.path / ".techlead")
    assert pl.read_parquet(next(result.cache_dir.glob("commits-*.parquet"))).height == 1


def test_manifest_with_wrong_types_is_rebuilt(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"})
    first = scan(repo.path)
    garbled = json.dumps({"format": FORMAT_VERSION, "tips": 5})
    (first.cache_dir / MANIFEST).write_text(garbled, encoding="utf-8")
    result = scan(repo.path)
    assert result.rebuilt_because is not None
    assert "invalid manifest" in result.rebuilt_because
    frames_equal(result.history, first.history)
