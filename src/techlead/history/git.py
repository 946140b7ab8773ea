"""Running git and finding the repository a path belongs to."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from techlead.errors import GitError, NotAGitRepositoryError

# Plumbing output must not depend on the user's UI settings or locale.
_GIT_ENV = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
# Names and messages in UTF-8 whatever the repository's i18n.commitEncoding (git writes log,
# show, blame and diff-tree output in that encoding unless told otherwise).
_GIT_OPTIONS = (
    "-c",
    "core.quotepath=off",
    "-c",
    "log.showSignature=false",
    "-c",
    "i18n.logOutputEncoding=UTF-8",
)


@dataclass(frozen=True)
class Repository:
    """A git repository: its working tree (or git directory when bare)."""

    root: Path
    git_dir: Path
    is_bare: bool
    is_shallow: bool


def git_executable() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitError("git is not installed or not on PATH", hint="install git 2.30 or newer")
    return found


def git_command(repo_path: Path, *args: str) -> list[str]:
    """The argv that runs `git args` in `repo_path` with techlead's fixed options."""
    held = next((arg for arg in args if "\0" in arg), None)
    if held is not None:  # the OS refuses it; say which argument instead of a traceback
        raise GitError(f"git {args[0]}: {held!r} holds a NUL byte, which no revision or path does")
    return [git_executable(), "-C", str(repo_path), *_GIT_OPTIONS, *args]


def git_environment() -> dict[str, str]:
    return {**os.environ, **_GIT_ENV}


def run_git(
    repo_path: Path, args: Sequence[str], *, stdin: bytes | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run git to completion and return its output; raise GitError on failure when `check`."""
    result = subprocess.run(
        git_command(repo_path, *args),
        input=stdin,
        capture_output=True,
        env=git_environment(),
        check=False,
    )
    if check and result.returncode != 0:
        raise GitError(f"git {args[0]} failed in {repo_path}: {_first_line(result.stderr)}")
    return result


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no error message"


def open_repository(path: Path) -> Repository:
    """The repository that `path` is in; NotAGitRepositoryError when there is none."""
    if not path.exists():
        raise NotAGitRepositoryError(f"{path.absolute()}: no such file or directory")
    where = path if path.is_dir() else path.parent
    result = run_git(
        where,
        ["rev-parse", "--is-bare-repository", "--is-shallow-repository", "--absolute-git-dir"],
        check=False,
    )
    if result.returncode != 0:
        reason = _first_line(result.stderr)
        if "not a git repository" in reason:
            raise NotAGitRepositoryError(
                f"{path.absolute()}: not a git repository",
                hint="run techlead inside a git working tree",
            )
        raise GitError(f"{path}: {reason}")
    bare, shallow, git_dir = result.stdout.decode("utf-8", "surrogateescape").splitlines()
    is_bare = bare == "true"
    if is_bare:
        root = Path(git_dir)
    else:
        top = run_git(where, ["rev-parse", "--show-toplevel"]).stdout
        root = Path(top.decode("utf-8", "surrogateescape").rstrip("\n"))
    return Repository(
        root=root, git_dir=Path(git_dir), is_bare=is_bare, is_shallow=shallow == "true"
    )


def lines(output: bytes) -> list[str]:
    return output.decode("utf-8", "replace").split()


def resolve_tips(repo: Repository, all_refs: bool) -> list[str]:
    """The commits a scan starts from: HEAD, or every branch, tag and remote-tracking branch.

    Stashes, notes and other private refs are never mined. Empty before the first commit.
    """
    head = run_git(repo.root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check=False)
    tips = lines(head.stdout) if head.returncode == 0 else []
    if all_refs:
        refs = run_git(repo.root, ["rev-list", "--no-walk", "--branches", "--tags", "--remotes"])
        tips = sorted(set(tips) | set(lines(refs.stdout)))
    return tips


def head_commit(repo: Repository) -> str | None:
    tips = resolve_tips(repo, all_refs=False)
    return tips[0] if tips else None


def list_commits(
    repo: Repository, include: Sequence[str], exclude: Sequence[str] = ()
) -> list[str]:
    """Commit ids reachable from `include` and not from `exclude`, newest first."""
    if not include:
        return []
    revs = "\n".join([*include, *(f"^{commit}" for commit in exclude)]) + "\n"
    result = run_git(repo.root, ["rev-list", "--stdin"], stdin=revs.encode())
    return lines(result.stdout)


def lines_added(repo: Repository, base: str, head: str) -> dict[str, set[int]]:
    """Per file (as at `head`), the line numbers `head` added or changed since `base`."""
    import re

    diff = run_git(repo.root, ["diff", "-U0", "--no-color", "--no-renames", base, head]).stdout
    found: dict[str, set[int]] = {}
    path: str | None = None
    for line in diff.split(b"\n"):
        if line.startswith(b"+++ "):
            name = line[4:].decode("utf-8", "surrogateescape")
            path = name[2:] if name.startswith("b/") else None
        elif line.startswith(b"@@") and path is not None:
            match = re.match(rb"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
            if match:
                first, count = int(match.group(1)), int(match.group(2) or 1)
                found.setdefault(path, set()).update(range(first, first + count))
    return found


def commit_of(repo: Repository, revision: str) -> str | None:
    """The commit id a revision (id, prefix, tag, branch, HEAD~2, ...) names; None if none."""
    if "\0" in revision:
        return None
    found = run_git(
        repo.root, ["rev-parse", "--verify", "-q", f"{revision}^{{commit}}"], check=False
    )
    return found.stdout.decode().strip() if found.returncode == 0 else None
