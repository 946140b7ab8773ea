"""Files as they are at HEAD, and every past change attributed to the file it became.

A change to `old/name.py` before it was renamed to `new/name.py` counts for `new/name.py`; a
change to a path before that path was (re-)added belongs to an earlier file and counts for none.
Only commits HEAD descends from count, walked children before parents: a commit on another
branch (a release branch's cherry-pick, with every ref mined) never changed a file at HEAD, and
a parent seen before its child (git's date order under clock skew) would follow a rename late.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import polars as pl

from techlead.history.git import Repository, run_git
from techlead.history.scan import History

_REGULAR_FILE_MODES = {"100644", "100755"}


def files_at_head(repo: Repository, head: str | None) -> pl.DataFrame:
    """Regular files in `head`'s tree: `path`, `blob`, `size` (bytes)."""
    rows: list[tuple[str, str, int]] = []
    if head is not None:
        output = run_git(repo.root, ["ls-tree", "-r", "-z", "-l", "--full-tree", head]).stdout
        for entry in output.decode("utf-8", "backslashreplace").split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            mode, _kind, blob, size = meta.split()
            if mode in _REGULAR_FILE_MODES:
                rows.append((path, blob, int(size)))
    return pl.DataFrame(
        rows, schema={"path": pl.String, "blob": pl.String, "size": pl.Int64}, orient="row"
    ).sort("path")


def follow_renames(
    paths: Iterable[str],
    old_paths: Iterable[str | None],
    kinds: Iterable[str],
    head_paths: Iterable[str],
) -> list[str | None]:
    """For changes listed newest first, the HEAD path each one counts for (None: no file now)."""
    current = {path: path for path in head_paths}
    attributed: list[str | None] = []
    for path, old_path, kind in zip(paths, old_paths, kinds, strict=True):
        file = current.get(path)
        attributed.append(file)
        if kind == "R" and old_path is not None:
            current.pop(path, None)
            if file is not None:
                current[old_path] = file
        elif kind == "A":
            current.pop(path, None)
    return attributed


def head_lineage(commits: pl.DataFrame, head: str) -> pl.DataFrame:
    """`commit` and `position` of the commits `head` descends from (itself included), every
    child before its parents, otherwise in the order of `commits`."""
    order = commits.get_column("commit").to_list()
    rank = {commit: index for index, commit in enumerate(order)}
    parents = dict(zip(order, commits.get_column("parents").to_list(), strict=True))
    reachable: set[str] = set()
    stack = [head] if head in rank else []
    while stack:
        commit = stack.pop()
        if commit not in reachable:
            reachable.add(commit)
            stack.extend(p for p in parents[commit] or () if p in rank)
    children = dict.fromkeys(reachable, 0)
    for commit in reachable:
        for parent in parents[commit] or ():
            if parent in children:
                children[parent] += 1
    ready = [(rank[c], c) for c, count in children.items() if count == 0]
    heapq.heapify(ready)
    walk: list[str] = []
    while ready:
        _, commit = heapq.heappop(ready)
        walk.append(commit)
        for parent in parents[commit] or ():
            if parent in children:
                children[parent] -= 1
                if children[parent] == 0:
                    heapq.heappush(ready, (rank[parent], parent))
    return pl.DataFrame(
        {"commit": walk, "position": range(len(walk))},
        schema={"commit": pl.String, "position": pl.Int64},
    )


def changes_by_file(
    history: History, head_paths: list[str], head: str | None = None
) -> pl.DataFrame:
    """Every non-merge file change that counts for a file at HEAD, with its commit's facts.

    Columns: `file` (path at HEAD), `commit`, `path` and `blob` (the file's name and content
    after that change), `added`, `deleted`, `change_type`, `author` (developer name after
    identities), `author_time`, `is_bot`. With `head`, only its ancestors' changes, children
    first.
    """
    changes = history.file_changes
    if head is not None:
        lineage = head_lineage(history.raw_commits.select("commit", "parents"), head)
        changes = (
            changes.with_row_index("_row")
            .join(lineage, on="commit", how="inner")
            .sort("position", "_row")
            .drop("_row", "position")
        )
    files = follow_renames(
        changes.get_column("path").to_list(),
        changes.get_column("old_path").to_list(),
        changes.get_column("change_type").to_list(),
        head_paths,
    )
    commits = history.commits.select(
        "commit",
        pl.col("author_name").alias("author"),
        "author_time",
        "is_bot",
    )
    return (
        changes.with_columns(file=pl.Series(files, dtype=pl.String))
        .filter(pl.col("file").is_not_null())
        .select("file", "commit", "path", "blob", "added", "deleted", "change_type")
        .join(commits, on="commit", how="left", maintain_order="left")
    )
