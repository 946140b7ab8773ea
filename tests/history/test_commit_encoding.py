"""A repository whose commits are written in latin-1 (`i18n.commitEncoding latin1`) reads as
UTF-8 everywhere history is read: the scan, and git log, show and blame output."""

from __future__ import annotations

import os

import pytest

from gitrepo import GitRepo
from techlead.history import scan
from techlead.history.git import open_repository, run_git

NAME = "José Müller"
MESSAGE = "Añade la señal de salud"


@pytest.fixture
def latin1(repo: GitRepo) -> GitRepo:
    repo.git("config", "i18n.commitEncoding", "latin1")
    repo.write("app.py", "print('hola')\n")
    repo.git("add", "app.py")
    name = os.fsdecode(NAME.encode("latin-1"))  # the bytes a latin-1 terminal would pass
    identity = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": "jose@example.com"}
    identity |= {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": "jose@example.com"}
    repo.git("commit", "-q", "-F", "-", input=MESSAGE.encode("latin-1"), env=identity)
    assert b"\nencoding latin1\n" in run_git(repo.path, ["cat-file", "commit", "HEAD"]).stdout
    return repo


def test_a_scan_reads_latin1_names_and_messages_as_utf8(latin1: GitRepo) -> None:
    commits = scan(latin1.path).history.commits
    assert commits.row(0, named=True)["author_name"] == NAME
    assert commits.row(0, named=True)["committer_name"] == NAME
    assert commits.row(0, named=True)["subject"] == MESSAGE


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "--no-merges", "--format=%an <%ae>%x1f%B%x1e", "HEAD"], f"{NAME} <jose"),
        (["log", "-1", "--format=%B"], MESSAGE),
        (["show", "-s", "--format=%an %s", "HEAD"], f"{NAME} {MESSAGE}"),
        (["blame", "-w", "--porcelain", "HEAD", "--", "app.py"], f"author {NAME}\n"),
    ],
)
def test_git_log_show_and_blame_output_is_utf8(
    latin1: GitRepo, args: list[str], expected: str
) -> None:
    repo = open_repository(latin1.path)
    assert expected in run_git(repo.root, args).stdout.decode("utf-8")
