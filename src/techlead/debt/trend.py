"""How one file's size and complexity moved over its history (sampled revisions).

The history is the file's as HEAD's branch saw it: HEAD's first-parent line, oldest first,
ending at HEAD. A commit made on a branch counts where its merge brought it in (the merge
commit, with the file as the merge left it), so a branch commit authored before a later
main-line commit but merged after it does not end the trend with an older version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl
from pydantic import Field

from techlead.debt.complexity import measure_files
from techlead.errors import NotFoundError
from techlead.history.files import CurrentFiles
from techlead.history.git import run_git
from techlead.output import Record


class UnknownFileError(NotFoundError):
    """The path named is not a file at HEAD."""


class TrendPoint(Record):
    """One sampled version of a file."""

    date: datetime | None = Field(description="When the version reached HEAD's line.")
    commit: str
    path: str = Field(description="The file's path at that commit.")
    loc: int | None
    complexity: int | None


@dataclass(frozen=True)
class _Point:
    commit: str  # a commit of HEAD's first-parent line
    path: str
    blob: str | None  # None: to be read from git (the file as a merge left it)


def sample_evenly(count: int, samples: int) -> list[int]:
    """Up to `samples` indexes spread over range(count), always the first and the last."""
    if count <= samples:
        return list(range(count))
    if samples <= 1:
        return [count - 1]
    step = (count - 1) / (samples - 1)
    return sorted({round(i * step) for i in range(samples)})


def first_parent_landings(
    parents: dict[str, list[str]], head: str
) -> tuple[list[str], dict[str, int]]:
    """HEAD's first-parent line (oldest first) and, for every commit HEAD reaches, the index
    on that line of the commit that brought it in (itself, or the merge of its branch)."""
    line: list[str] = []
    current: str | None = head
    while current is not None and current in parents:
        line.append(current)
        current = parents[current][0] if parents[current] else None
    line.reverse()
    landed: dict[str, int] = {}
    for index, commit in enumerate(line):
        landed[commit] = index
        pending = list(parents[commit][1:])
        while pending:
            other = pending.pop()
            if other in landed or other not in parents:
                continue  # already on the line, or beyond a shallow clone's edge
            landed[other] = index
            pending.extend(parents[other])
    return line, landed


def _points(files: CurrentFiles, path: str) -> list[_Point]:
    history = files.history
    parents = dict(history.commits.select("commit", "parents").iter_rows())
    line, landed = first_parent_landings(parents, files.head or "")
    newest: dict[int, tuple[str, str, str]] = {}  # landing -> newest change (commit, path, blob)
    revisions = files.changes.filter((pl.col("file") == path) & pl.col("blob").is_not_null())
    for commit, name, blob in revisions.select("commit", "path", "blob").iter_rows():
        index = landed.get(commit)
        if index is not None and index not in newest:  # changes are listed newest first
            newest[index] = (commit, name, blob)
    points = []
    for index in sorted(newest):
        commit, name, blob = newest[index]
        on_line = commit == line[index]
        points.append(_Point(line[index], name, blob if on_line else None))
    return points


def _read_blobs(files: CurrentFiles, points: list[_Point]) -> list[_Point]:
    """Blobs for the points merges made (one `git cat-file` for all), unchanged ones dropped."""
    wanted = [p for p in points if p.blob is None]
    found: dict[tuple[str, str], str] = {}
    if wanted:
        query = "".join(f"{p.commit}:{p.path}\n" for p in wanted).encode()
        output = run_git(
            files.history.repo.root,
            ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
            stdin=query,
        ).stdout.decode("utf-8", "replace")
        for point, answer in zip(wanted, output.splitlines(), strict=False):
            name, _, kind = answer.partition(" ")
            if kind == "blob":
                found[(point.commit, point.path)] = name
    kept: list[_Point] = []
    for point in points:
        blob = point.blob or found.get((point.commit, point.path))
        if blob is not None and (not kept or kept[-1].blob != blob):
            kept.append(_Point(point.commit, point.path, blob))
    return kept


def complexity_trend(files: CurrentFiles, path: str, samples: int = 12) -> pl.DataFrame:
    """Sampled versions of `path` along HEAD's first-parent line (oldest first, the last one
    HEAD's): date (the version reached the line), commit, path then, loc, complexity."""
    at_head = files.files.filter(pl.col("path") == path)
    if at_head.height == 0 or files.head is None:
        raise UnknownFileError(
            f"{path}: not a file at HEAD", hint="give the path relative to the repository root"
        )
    points = _read_blobs(files, _points(files, path))
    head_blob = at_head.item(0, "blob")
    if not points or points[-1].blob != head_blob:  # an evil merge, or history not mined
        points.append(_Point(files.head, path, head_blob))
    picked = pl.DataFrame(
        [(p.commit, p.path, p.blob) for p in points],
        schema={"commit": pl.String, "path": pl.String, "blob": pl.String},
        orient="row",
    )[sample_evenly(len(points), samples)]
    dates = files.history.commits.select("commit", pl.col("committer_time").alias("date"))
    measured = measure_files(files.history.repo, picked, files.cache_dir)
    return measured.join(dates, on="commit", how="left", maintain_order="left").select(
        "date", "commit", "path", "loc", "complexity"
    )
