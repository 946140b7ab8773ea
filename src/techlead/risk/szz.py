"""Which earlier commits introduced the bugs that fix commits fixed: SZZ on the repository.

The variant: B-SZZ with the usual noise filters. For each fix commit (not a merge) and each
source file it modified or deleted, the lines it removed or changed are blamed at the fix's
first parent with `git blame -w` (whitespace-only edits are not authorship), skipping lines
that are blank or only a comment, and honouring `.git-blame-ignore-revs` (formatting commits
listed there are looked through). The diff itself ignores whitespace (`git diff -w`), so a
fix that only re-indents blames nothing. Candidates that are merges, are not in the mined
history, or are newer than the bug report linked to the fix (an imported tracker item of type
Bug named in the message) are dropped. Only source files count (by extension), so changelog
and documentation edits in a fix blame nobody; nor, by default, test code (`[review]
test_paths`): a fix that corrects or extends a test did not find a bug in that test, and the
commit that wrote the test did not ship the bug (`[risk] blame_test_code` widens it).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from pathspec import GitIgnoreSpec

from techlead.history.git import Repository, git_command, git_environment, run_git
from techlead.risk.fix_diffs import fix_diffs

SOURCE_SUFFIXES = frozenset(
    [
        ".py",
        ".pyx",
        ".pyi",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".groovy",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".go",
        ".rs",
        ".rb",
        ".php",
        ".cs",
        ".fs",
        ".swift",
        ".m",
        ".mm",
        ".sh",
        ".bash",
        ".lua",
        ".pl",
        ".pm",
        ".r",
        ".jl",
        ".ex",
        ".exs",
        ".erl",
        ".hs",
        ".ml",
        ".clj",
        ".dart",
        ".sql",
        ".vue",
        ".svelte",
    ]
)
_HASH_COMMENT = frozenset(
    [".py", ".pyx", ".pyi", ".sh", ".bash", ".rb", ".pl", ".pm", ".r", ".jl", ".ex", ".exs"]
)
_SQL_COMMENT = frozenset([".sql", ".lua", ".hs"])
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")
FORMAT = "1"


@dataclass(frozen=True)
class Introduction:
    """`introducer` put in lines that the fix commit `fix` changed or removed."""

    fix: str
    introducer: str
    path: str
    lines: int


def is_source(path: str) -> bool:
    return Path(path).suffix.lower() in SOURCE_SUFFIXES


def is_noise(line: bytes, path: str) -> bool:
    """Blank, or only a comment (by the file's language)."""
    text = line.strip()
    if not text:
        return True
    suffix = Path(path).suffix.lower()
    if suffix in _HASH_COMMENT:
        return text.startswith(b"#")
    if suffix in _SQL_COMMENT:
        return text.startswith(b"--")
    return text.startswith((b"//", b"/*", b"*", b"*/"))


def removed_lines(diff: bytes, skip: Callable[[str], bool] | None = None) -> dict[str, list[int]]:
    """Per file (its name before the fix), the lines the fix removed or changed that count.
    `diff` has no context lines (`-U0`): a hunk's old lines are exactly its `-` lines. Files
    for which `skip` says true count for nothing."""
    found: dict[str, list[int]] = {}
    path: str | None = None
    number = remaining = 0
    for line in diff.split(b"\n"):
        if remaining and line.startswith(b"-"):
            if path is not None and not is_noise(line[1:], path):
                found.setdefault(path, []).append(number)
            number += 1
            remaining -= 1
            continue
        if line.startswith(b"--- "):
            name = line[4:].decode("utf-8", "surrogateescape")
            path = name[2:] if name.startswith("a/") and is_source(name[2:]) else None
            if path is not None and skip is not None and skip(path):
                path = None
            continue
        hunk = _HUNK.match(line)
        if hunk:
            number = int(hunk.group(1))
            remaining = int(hunk.group(2)) if hunk.group(2) is not None else 1
    return found


def _ranges(numbers: list[int]) -> list[str]:
    ranges: list[str] = []
    start = previous = numbers[0]
    for n in numbers[1:]:
        if n != previous + 1:
            ranges += ["-L", f"{start},{previous}"]
            start = n
        previous = n
    return [*ranges, "-L", f"{start},{previous}"]


def blame(
    repo: Repository,
    revision: str,
    path: str,
    lines: list[int],
    environment: dict[str, str] | None = None,
) -> dict[str, int]:
    """Commits owning `lines` of `path` at `revision`, with how many lines each."""
    ignore = repo.root / ".git-blame-ignore-revs"
    args = ["blame", "-w", "--porcelain", *_ranges(sorted(set(lines)))]
    if ignore.is_file():
        args += ["--ignore-revs-file", str(ignore)]
    result = subprocess.run(
        git_command(repo.root, *args, revision, "--", path),
        capture_output=True,
        env=environment or git_environment(),
        check=False,
    )
    owners: dict[str, int] = {}
    if result.returncode != 0:
        return owners  # the file is not there in this form (e.g. a copy git could not follow)
    for line in result.stdout.split(b"\n"):
        parts = line.split(b" ")
        if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit():
            commit = parts[0].decode()
            owners[commit] = owners.get(commit, 0) + 1
    return owners


def introductions(repo: Repository, fix: str, parent: str) -> list[Introduction]:
    """What one fix commit blames (before dropping candidates)."""
    diff = next(fix_diffs(repo, [(fix, parent)]))[1]
    found = []
    for path, lines in removed_lines(diff).items():
        for commit, count in blame(repo, parent, path, lines).items():
            found.append(Introduction(fix, commit, path, count))
    return found


def blame_environment(repo: Repository, cache: Path) -> dict[str, str]:
    """git's environment for blaming, with a commit-graph of the history up to HEAD that has
    changed-path Bloom filters: blame then skips most commits that did not touch the file
    without reading their trees (about a third less work on sqlalchemy; same answers). It is
    kept in the risk cache, as an extra object directory holding only the graph, so the
    repository itself is not written to; a repository with its own commit-graph uses that."""
    environment = git_environment()
    directory = (cache / "szz-objects").resolve()
    head = run_git(repo.root, ["rev-parse", "--verify", "-q", "HEAD"], check=False).stdout.strip()
    if not head:
        return environment
    alternates = environment.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")
    listed = [str(directory), *([alternates] if alternates else [])]
    environment["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = os.pathsep.join(listed)
    marker = directory / "info" / "graph-head"
    if marker.is_file() and marker.read_bytes() == head:
        return environment
    (directory / "info").mkdir(parents=True, exist_ok=True)
    (directory / "pack").mkdir(exist_ok=True)
    written = subprocess.run(
        git_command(
            repo.root,
            "commit-graph",
            "write",
            "--object-dir",
            str(directory),
            "--stdin-commits",
            "--changed-paths",
        ),
        input=head + b"\n",
        capture_output=True,
        env=environment,
        check=False,
    )
    if written.returncode == 0:
        marker.write_bytes(head)
    return environment


SCHEMA = pl.Schema(
    {"fix": pl.String(), "introducer": pl.String(), "path": pl.String(), "lines": pl.Int64()}
)


def cache_key(repo: Repository, skipped: Sequence[str] = ()) -> str:
    """What the kept blames depend on: the format, `.git-blame-ignore-revs` and the patterns
    of the paths not blamed."""
    ignore = repo.root / ".git-blame-ignore-revs"
    content = ignore.read_bytes() if ignore.is_file() else b""
    patterns = "\0".join(skipped).encode()
    digest = hashlib.sha1(FORMAT.encode() + content + b"\0\0" + patterns, usedforsecurity=False)
    return digest.hexdigest()[:12]


CHECKPOINT = 250  # fixes blamed between two writes of the cache


def blame_fixes(
    repo: Repository,
    fixes: Iterable[tuple[str, str]],
    cache: Path,
    progress: Callable[[int], None] | None = None,
    skipped: Sequence[str] = (),
    checkpoint: int = CHECKPOINT,
) -> pl.DataFrame:
    """Introductions for every (fix, parent), leaving out the files that the gitignore-style
    `skipped` patterns match. Results are cached per fix commit and written every
    `checkpoint` fixes, so a later run blames only new fixes, and an interrupted one keeps
    what it had blamed."""
    key = cache_key(repo, skipped)
    file = cache / f"szz-{key}.parquet"
    done = pl.read_parquet(file) if file.is_file() else SCHEMA.to_frame()
    seen_file = cache / f"szz-{key}-fixes.parquet"
    seen = set(pl.read_parquet(seen_file).get_column("fix")) if seen_file.is_file() else set()
    done = done.filter(pl.col("fix").is_in(list(seen)))  # a fix stopped before it was listed
    todo = [(fix, parent) for fix, parent in fixes if fix not in seen]
    if not todo:
        return done
    skip = GitIgnoreSpec.from_lines(skipped).match_file if skipped else None
    environment = blame_environment(repo, cache)
    cache.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(todo), checkpoint):
        chunk = todo[start : start + checkpoint]
        rows = _blame_all(repo, chunk, environment, progress, skip)
        new = pl.DataFrame(
            [(i.fix, i.introducer, i.path, i.lines) for i in rows], schema=SCHEMA, orient="row"
        )
        done = pl.concat([done, new])
        seen |= {fix for fix, _ in chunk}
        _write(done, file)  # the introductions first: a fix is listed only once they are kept
        _write(pl.DataFrame({"fix": sorted(seen)}, schema={"fix": pl.String()}), seen_file)
    return done


_AHEAD = 64  # blames queued beyond the two running: enough to keep both cores busy


def _blame_all(
    repo: Repository,
    todo: list[tuple[str, str]],
    environment: dict[str, str],
    progress: Callable[[int], None] | None,
    skip: Callable[[str], bool] | None = None,
) -> list[Introduction]:
    """Introductions of every fix in `todo`, in its order: the diffs come from one git
    process, and each (fix, file) blame is a task for two workers, so one fix touching
    twenty files keeps both cores busy rather than one."""
    parents = dict(todo)
    rows: list[Introduction] = []
    queue: deque[tuple[str, str, Future[dict[str, int]] | None]] = deque()

    def collect(limit: int) -> None:
        while len(queue) > limit:
            fix, path, future = queue.popleft()
            if future is None:  # the end of a fix
                if progress is not None:
                    progress(1)
                continue
            rows.extend(Introduction(fix, c, path, n) for c, n in future.result().items())

    with ThreadPoolExecutor(max_workers=2) as pool:
        for fix, diff in fix_diffs(repo, todo):
            for path, lines in removed_lines(diff, skip).items():
                task = pool.submit(blame, repo, parents[fix], path, lines, environment)
                queue.append((fix, path, task))
            queue.append((fix, "", None))
            collect(_AHEAD)
        collect(0)
    return rows


def _write(frame: pl.DataFrame, path: Path) -> None:
    partial = path.with_suffix(".partial")
    frame.write_parquet(partial)
    partial.replace(path)
