"""What `techlead.history.scan` records, on small real repositories."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from gitrepo import GitRepo
from techlead.errors import NotAGitRepositoryError
from techlead.history import scan


def changes_of(repo: GitRepo, sha: str) -> pl.DataFrame:
    return scan(repo.path).history.file_changes.filter(pl.col("commit") == sha)


def test_scan_records_author_committer_times_and_time_zones(repo: GitRepo) -> None:
    sha = repo.commit(
        "Add parser\n\nLonger body.",
        {"a.py": "x = 1\n"},
        author="Bo Dev <bo@example.com>",
        committer="Cy Merger <cy@example.com>",
        date="2024-03-05T10:30:00+0530",
    )
    commits = scan(repo.path).history.commits
    row = commits.row(0, named=True)
    assert row["commit"] == sha
    assert (row["author_name"], row["author_email"]) == ("Bo Dev", "bo@example.com")
    assert (row["committer_name"], row["committer_email"]) == ("Cy Merger", "cy@example.com")
    assert row["author_time"] == datetime(2024, 3, 5, 5, 0, tzinfo=UTC)
    assert row["author_tz"] == 330
    assert row["subject"] == "Add parser"
    assert row["body"] == "Longer body."
    assert row["parents"] == []
    assert row["is_merge"] is False


def test_negative_time_zone_offsets_keep_their_sign(repo: GitRepo) -> None:
    repo.commit("west", {"a": "1\n"}, date="2024-03-05T10:30:00-0330")
    assert scan(repo.path).history.commits.item(0, "author_tz") == -210


def test_file_changes_count_lines_added_and_deleted(repo: GitRepo) -> None:
    repo.commit("one", {"a.txt": "1\n2\n3\n"})
    sha = repo.commit("two", {"a.txt": "1\nTWO\n3\n4\n", "b.txt": "b\n"})
    changes = changes_of(repo, sha).sort("path")
    assert changes.select("path", "change_type", "added", "deleted").rows() == [
        ("a.txt", "M", 2, 1),
        ("b.txt", "A", 1, 0),
    ]


def test_deleted_file_has_no_blob_and_counts_its_lines(repo: GitRepo) -> None:
    repo.commit("one", {"gone.txt": "a\nb\n", "keep": "k\n"})
    sha = repo.commit("two", {"gone.txt": None})
    row = changes_of(repo, sha).row(0, named=True)
    assert (row["path"], row["change_type"], row["deleted"], row["blob"]) == (
        "gone.txt",
        "D",
        2,
        None,
    )


def test_renames_keep_the_old_path(repo: GitRepo) -> None:
    body = "".join(f"line {n}\n" for n in range(40))
    repo.commit("add", {"old/name.py": body})
    repo.move("old/name.py", "new/name.py")
    sha = repo.commit("move", {"new/name.py": body + "one more\n"})
    row = changes_of(repo, sha).row(0, named=True)
    assert (row["old_path"], row["path"], row["change_type"]) == ("old/name.py", "new/name.py", "R")
    assert (row["added"], row["deleted"]) == (1, 0)


def test_binary_files_are_flagged_without_line_counts(repo: GitRepo) -> None:
    sha = repo.commit("image", {"logo.png": bytes(range(256)) * 8})
    row = changes_of(repo, sha).row(0, named=True)
    assert row["is_binary"] is True
    assert row["added"] is None
    assert row["deleted"] is None


def test_very_large_binary_file_is_mined(repo: GitRepo) -> None:
    blob = b"\0PNG" + os.urandom(24 * 1024 * 1024)  # 24 MiB, binary by its NUL byte
    sha = repo.commit("dump", {"data.bin": blob, "small.txt": "s\n"})
    changes = changes_of(repo, sha).sort("path")
    assert changes.get_column("is_binary").to_list() == [True, False]


def test_merge_commits_are_marked_and_have_no_file_changes(repo: GitRepo) -> None:
    repo.commit("base", {"a": "a\n"})
    repo.git("checkout", "-q", "-b", "topic")
    topic = repo.commit("topic work", {"b": "b\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main work", {"c": "c\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "Merge topic", "topic", env=_committer())
    history = scan(repo.path).history
    merge = history.commits.row(0, named=True)
    assert merge["is_merge"] is True
    assert len(merge["parents"]) == 2
    assert topic in merge["parents"]
    assert history.file_changes.filter(pl.col("commit") == merge["commit"]).is_empty()
    assert history.commits.height == 4


def _committer() -> dict[str, str]:
    return {"GIT_COMMITTER_NAME": "M", "GIT_COMMITTER_EMAIL": "m@example.com"} | {
        "GIT_AUTHOR_NAME": "M",
        "GIT_AUTHOR_EMAIL": "m@example.com",
    }


ODD_NAMES = [
    "with space.txt",
    'quote"d.txt',
    "new\nline.txt",
    "tab\there.txt",
    "ünïcödé/файл.py",
    "-leading-dash",
]


def test_paths_with_spaces_newlines_quotes_and_unicode_survive(repo: GitRepo) -> None:
    sha = repo.commit("odd", {name: f"{name}\n" for name in ODD_NAMES})
    paths = sorted(changes_of(repo, sha).get_column("path").to_list())
    assert paths == sorted(ODD_NAMES)


def test_renamed_odd_path_keeps_both_names(repo: GitRepo) -> None:
    body = "".join(f"{n}\n" for n in range(30))
    repo.commit("add", {"a\nb c.txt": body})
    repo.move("a\nb c.txt", "d\te f.txt")
    sha = repo.commit("move")
    row = changes_of(repo, sha).row(0, named=True)
    assert (row["old_path"], row["path"]) == ("a\nb c.txt", "d\te f.txt")


def test_non_utf8_path_is_kept_with_escapes(repo: GitRepo) -> None:
    name = b"caf\xe9.txt"
    repo.write(name, "x\n")
    sha = repo.commit("latin-1 file name")
    assert changes_of(repo, sha).get_column("path").to_list() == ["caf\\xe9.txt"]


def test_messages_in_other_encodings_are_decoded(repo: GitRepo) -> None:
    repo.write("a", "a\n")
    repo.git("add", "a")
    repo.git(
        "-c",
        "i18n.commitEncoding=ISO-8859-1",
        "commit",
        "-q",
        "-F",
        "-",
        input="Café für alle".encode("latin-1"),
        env=_committer(),
    )
    assert scan(repo.path).history.commits.item(0, "subject") == "Café für alle"


def test_invalid_utf8_message_does_not_stop_the_scan(repo: GitRepo) -> None:
    repo.write("a", "a\n")
    repo.git("add", "a")
    repo.git("commit", "-q", "-F", "-", input=b"bad \xff\xfe bytes", env=_committer())
    subject = scan(repo.path).history.commits.item(0, "subject")
    assert subject.startswith("bad ")
    assert subject.endswith(" bytes")


def test_empty_repository_scans_to_no_commits(repo: GitRepo) -> None:
    result = scan(repo.path)
    assert result.head is None
    assert result.history.commits.is_empty()
    assert result.history.file_changes.is_empty()


def test_empty_commit_is_recorded_without_changes(repo: GitRepo) -> None:
    repo.commit("first", {"a": "a\n"})
    sha = repo.commit("nothing", allow_empty=True)
    history = scan(repo.path).history
    assert history.commits.item(0, "commit") == sha
    assert history.file_changes.height == 1


def test_detached_head_is_scanned_from_where_it_points(repo: GitRepo) -> None:
    first = repo.commit("one", {"a": "1\n"})
    repo.commit("two", {"a": "2\n"})
    repo.git("checkout", "-q", "--detach", first)
    result = scan(repo.path)
    assert result.head == first
    assert result.history.commits.get_column("commit").to_list() == [first]


def test_shallow_clone_is_scanned_without_missing_parents(repo: GitRepo, tmp_path: Path) -> None:
    for n in range(5):
        repo.commit(f"c{n}", {"a": f"{n}\n"})
    shallow = tmp_path / "shallow"
    GitRepo(tmp_path, init=False).git("clone", "-q", "--depth", "2", f"file://{repo.path}", shallow)
    history = scan(shallow).history
    assert history.commits.height == 2
    # the boundary commit shows its whole tree as added, as `git log` does
    assert history.file_changes.height == 2


def test_submodule_changes_are_recorded_as_gitlinks(repo: GitRepo, make_repo) -> None:  # type: ignore[no-untyped-def]
    inner = make_repo("inner")
    inner.commit("inner", {"lib.c": "int x;\n"})
    repo.commit("top", {"README": "r\n"})
    repo.git(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(inner.path),
        "vendor/inner",
    )
    sha = repo.commit("add submodule")
    changes = changes_of(repo, sha)
    gitlink = changes.filter(pl.col("path") == "vendor/inner").row(0, named=True)
    assert gitlink["mode"] == 0o160000
    assert ".gitmodules" in changes.get_column("path").to_list()


def test_type_change_from_file_to_symlink_is_recorded(repo: GitRepo) -> None:
    repo.commit("file", {"link": "content\n", "target": "t\n"})
    (repo.path / "link").unlink()
    (repo.path / "link").symlink_to("target")
    sha = repo.commit("now a link")
    row = changes_of(repo, sha).row(0, named=True)
    assert (row["path"], row["change_type"], row["mode"]) == ("link", "T", 0o120000)


def test_not_a_git_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepositoryError, match="not a git repository"):
        scan(tmp_path)


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepositoryError, match="no such file"):
        scan(tmp_path / "nowhere")


def test_path_inside_the_repository_scans_the_whole_repository(repo: GitRepo) -> None:
    repo.commit("one", {"src/pkg/a.py": "a\n", "b": "b\n"})
    assert scan(repo.path / "src" / "pkg").history.file_changes.height == 2


def test_all_refs_includes_commits_only_on_other_branches(repo: GitRepo) -> None:
    repo.commit("base", {"a": "a\n"})
    repo.git("checkout", "-q", "-b", "topic")
    topic = repo.commit("topic only", {"b": "b\n"})
    repo.git("checkout", "-q", "main")
    assert topic not in scan(repo.path).history.commits.get_column("commit").to_list()
    assert topic in scan(repo.path, all_refs=True).history.commits.get_column("commit").to_list()


def test_tags_point_at_commits(repo: GitRepo) -> None:
    first = repo.commit("one", {"a": "1\n"})
    repo.git("tag", "v1.0", first)
    repo.git("tag", "-a", "-m", "release", "v1.1", env=_committer())
    head = repo.commit("two", {"a": "2\n"})
    tags = scan(repo.path).history.tags
    assert tags.select("tag", "commit", "is_annotated").rows() == [
        ("v1.0", first, False),
        ("v1.1", first, True),
    ]
    assert head not in tags.get_column("commit").to_list()


def test_all_refs_leaves_out_stashes(repo: GitRepo) -> None:
    repo.commit("base", {"a": "a\n"})
    repo.write("a", "work in progress\n")
    repo.git("stash", "-q")
    mined = scan(repo.path, all_refs=True).history.commits
    assert mined.height == 1


def test_bare_repository_keeps_its_cache_in_the_git_directory(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.commit("one", {"a": "1\n"})
    bare = tmp_path / "bare.git"
    repo.git("clone", "-q", "--bare", repo.path, bare)
    result = scan(bare)
    assert result.history.commits.height == 1
    assert result.cache_dir.is_relative_to(bare)
