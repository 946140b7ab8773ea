"""Ownership per file and per directory, from lines added and revisions by each developer.

fragmentation = 1 - sum(share^2) over the developers' shares of added lines: 0 when one
person wrote everything, approaching 1 when many wrote a little each.

Rows come riskiest first: by the lines only the main developer wrote (ownership x lines
added), so large files one person wrote lead and small, shared ones trail.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from pydantic import Field

from techlead.debt.age import directory_of
from techlead.history.files import CurrentFiles
from techlead.output import Record

OWNERSHIP_COLUMNS = (
    "main_developer",
    "ownership",
    "main_developer_by_revisions",
    "revision_share",
    "contributors",
    "fragmentation",
    "added",
    "revisions",
)

_MAIN = "Who added the most lines."
_OWNERSHIP = "The main developer's share of the lines added."
_BY_REVISIONS = "Who made the most revisions."
_FRAGMENTATION = "1 - sum of squared shares: 0 when one person wrote everything."


class FileOwnership(Record):
    """Who owns one file at HEAD."""

    path: str
    main_developer: str = Field(description=_MAIN)
    ownership: float = Field(description=_OWNERSHIP)
    main_developer_by_revisions: str = Field(description=_BY_REVISIONS)
    revision_share: float
    contributors: int
    fragmentation: float = Field(description=_FRAGMENTATION)
    added: int = Field(description="Lines added by people.")
    revisions: int


class DirectoryOwnership(Record):
    """Who owns one directory (over every file beneath it)."""

    directory: str = Field(description='Its first --depth directories ("." for the top).')
    main_developer: str = Field(description=_MAIN)
    ownership: float = Field(description=_OWNERSHIP)
    main_developer_by_revisions: str = Field(description=_BY_REVISIONS)
    revision_share: float
    contributors: int
    fragmentation: float = Field(description=_FRAGMENTATION)
    added: int = Field(description="Lines added by people.")
    revisions: int


def _ownership(contributions: pl.DataFrame, key: str) -> pl.DataFrame:
    """Per `key`: contributions has `key`, `author`, `added`, `revisions` per (key, author)."""
    totals = contributions.group_by(key).agg(
        total_added=pl.col("added").sum(),
        total_revisions=pl.col("revisions").sum(),
        contributors=pl.col("author").n_unique(),
    )
    shares = contributions.join(totals, on=key).with_columns(
        share=pl.when(pl.col("total_added") > 0)
        .then(pl.col("added") / pl.col("total_added"))
        .otherwise(0.0),
        revision_share=pl.col("revisions") / pl.col("total_revisions"),
    )
    by_lines = (
        shares.sort([key, "added", "revisions", "author"], descending=[False, True, True, False])
        .group_by(key, maintain_order=True)
        .agg(
            main_developer=pl.col("author").first(),
            ownership=pl.col("share").first().round(3),
            fragmentation=(1 - (pl.col("share") ** 2).sum()).round(3),
        )
    )
    by_revisions = (
        shares.sort([key, "revisions", "added", "author"], descending=[False, True, True, False])
        .group_by(key, maintain_order=True)
        .agg(
            main_developer_by_revisions=pl.col("author").first(),
            revision_share=pl.col("revision_share").first().round(3),
        )
    )
    return (
        by_lines.join(by_revisions, on=key)
        .join(totals, on=key)
        .rename({"total_added": "added", "total_revisions": "revisions"})
        .select(key, *OWNERSHIP_COLUMNS)
        .sort(
            [(pl.col("ownership") * pl.col("added")), "ownership", key],
            descending=[True, True, False],
        )
    )


OWNERSHIP_ORDER = "riskiest first: main developer's share x lines added"


def _human_changes(files: CurrentFiles, since: datetime | None) -> pl.DataFrame:
    changes = files.human_changes
    return changes if since is None else changes.filter(pl.col("author_time") >= since)


def _contributions(files: CurrentFiles, since: datetime | None) -> pl.DataFrame:
    return (
        _human_changes(files, since)
        .group_by("file", "author")
        .agg(added=pl.col("added").fill_null(0).sum(), revisions=pl.col("commit").n_unique())
    )


def file_ownership(files: CurrentFiles, since: datetime | None = None) -> pl.DataFrame:
    """Per file at HEAD changed by people (since `since`): main developer by lines and by
    revisions, shares; riskiest first (OWNERSHIP_ORDER)."""
    return _ownership(_contributions(files, since), "file").rename({"file": "path"})


def directory_ownership(
    files: CurrentFiles, depth: int = 1, since: datetime | None = None
) -> pl.DataFrame:
    """The same per directory (its first `depth` levels), over all files beneath it."""
    per_directory = (
        _human_changes(files, since)
        .with_columns(directory=directory_of("file", depth))
        .group_by("directory", "author")
        .agg(added=pl.col("added").fill_null(0).sum(), revisions=pl.col("commit").n_unique())
    )
    return _ownership(per_directory, "directory")
