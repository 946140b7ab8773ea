"""Change coupling: files that keep changing together, with code-maat's semantics.

A change set is a commit (merges ignored), or with `window_hours` all commits by one author
within that many hours of the set's first commit, or with `by_ticket` all commits naming the
same ticket id. Change sets touching more than `max_changeset` files are ignored. A file's
revisions are the change sets it is in; for a pair, degree = shared revisions / average of the
two files' revisions x 100 (reported truncated to an integer, the average rounded up).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from pydantic import Field

from techlead.history.exclusions import matching
from techlead.history.files import CurrentFiles
from techlead.output import Record


class CoupledPair(Record):
    """Two files that keep changing together."""

    path: str
    coupled: str = Field(description="The file it changes with.")
    degree: int = Field(description="Shared revisions / the pair's average revisions, in %.")
    shared_revisions: int = Field(description="Change sets with both files.")
    average_revisions: int = Field(description="The two files' mean revisions, rounded up.")


@dataclass(frozen=True)
class CouplingOptions:
    """Thresholds, with code-maat's defaults."""

    min_revs: int = 5
    min_shared: int = 5
    min_degree: int = 30
    max_changeset: int = 30
    window_hours: float | None = None
    by_ticket: bool = False


COUPLING_COLUMNS = ("path", "coupled", "degree", "shared_revisions", "average_revisions")


def _by_window(changes: pl.DataFrame, hours: float) -> pl.DataFrame:
    """Number change sets so that one author's commits within `hours` of a set's start share it."""
    commits = (
        changes.select("commit", "author", "author_time")
        .unique("commit")
        .sort(["author", "author_time", "commit"])
    )
    limit = hours * 3600
    sets: list[int] = []
    current = -1
    start = None
    previous_author = None
    for author, moment in commits.select("author", "author_time").iter_rows():
        seconds = moment.timestamp()
        if author != previous_author or start is None or seconds - start > limit:
            current += 1
            start = seconds
            previous_author = author
        sets.append(current)
    numbered = commits.with_columns(changeset=pl.Series(sets, dtype=pl.Int64))
    return changes.join(numbered.select("commit", "changeset"), on="commit")


def _by_ticket(changes: pl.DataFrame, messages: pl.DataFrame, pattern: str) -> pl.DataFrame:
    """Change sets named by ticket ids in commit messages; commits naming none stand alone."""
    finder = re.compile(pattern)
    rows: list[tuple[str, str]] = []
    for commit, subject, body in messages.iter_rows():
        tickets = sorted(set(finder.findall(f"{subject}\n{body}")))
        rows.extend((commit, ticket) for ticket in tickets or [f"commit:{commit}"])
    named = pl.DataFrame(rows, schema={"commit": pl.String, "changeset": pl.String}, orient="row")
    return changes.join(named, on="commit")


def change_sets(
    files: CurrentFiles, options: CouplingOptions, since: datetime | None = None
) -> pl.DataFrame:
    """(`changeset`, `file`) pairs, one per file per change set, over files at HEAD."""
    changes = files.changes.select("file", "commit", "author", "author_time")
    if since is not None:
        changes = changes.filter(pl.col("author_time") >= since)
    if options.window_hours is not None:
        grouped = _by_window(changes, options.window_hours)
    elif options.by_ticket:
        messages = files.history.commits.select("commit", "subject", "body")
        pattern = files.history.settings.debt.ticket_pattern
        grouped = _by_ticket(changes, messages, pattern)
    else:
        grouped = changes.with_columns(changeset=pl.col("commit"))
    pairs = grouped.select(pl.col("changeset").cast(pl.String), "file").unique()
    sizes = pairs.group_by("changeset").agg(size=pl.len())
    small = sizes.filter(pl.col("size") <= options.max_changeset).select("changeset")
    return pairs.join(small, on="changeset")


def coupling(
    files: CurrentFiles,
    options: CouplingOptions | None = None,
    *,
    since: datetime | None = None,
    keep: Collection[str] | None = None,
    path: str | None = None,
) -> pl.DataFrame:
    """Coupled file pairs (each pair once, `path` < `coupled`), strongest first.

    Change sets are formed from the changes of every file at HEAD since `since`, so that a
    commit's size counts all it touched whatever the selection; then only pairs of files in
    `keep` with one of them matching `path` are shown.
    """
    options = options or CouplingOptions()
    sets = change_sets(files, options, since)
    revisions = sets.group_by("file").agg(revisions=pl.len())
    shared = (
        sets.join(sets, on="changeset", suffix="_other")
        .filter(pl.col("file") < pl.col("file_other"))
        .group_by("file", "file_other")
        .agg(shared_revisions=pl.len())
    )
    frame = (
        shared.join(revisions, on="file")
        .join(revisions, left_on="file_other", right_on="file", suffix="_other")
        .with_columns(
            average=(pl.col("revisions") + pl.col("revisions_other")) / 2,
        )
        .with_columns(exact_degree=pl.col("shared_revisions") / pl.col("average") * 100)
        .filter(
            (pl.col("average") >= options.min_revs)
            & (pl.col("shared_revisions") >= options.min_shared)
            & (pl.col("exact_degree") >= options.min_degree)
        )
        .select(
            pl.col("file").alias("path"),
            pl.col("file_other").alias("coupled"),
            pl.col("exact_degree").floor().cast(pl.Int64).alias("degree"),
            "shared_revisions",
            pl.col("average").ceil().cast(pl.Int64).alias("average_revisions"),
        )
    )
    if keep is not None:
        wanted = pl.Series(list(keep), dtype=pl.String).implode()
        frame = frame.filter(pl.col("path").is_in(wanted) & pl.col("coupled").is_in(wanted))
    if path is not None and not frame.is_empty():
        left = matching(frame.get_column("path").to_list(), path)
        right = matching(frame.get_column("coupled").to_list(), path)
        frame = frame.filter(pl.Series([a or b for a, b in zip(left, right, strict=True)]))
    return frame.sort(
        ["degree", "shared_revisions", "path", "coupled"], descending=[True, True, False, False]
    ).select(COUPLING_COLUMNS)
