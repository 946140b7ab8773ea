"""One file: its hotspot rank, owners, authors and complexity trend — what the file page, its
JSON twin and the reports show."""

from __future__ import annotations

import polars as pl
from pydantic import Field

from techlead.debt.hotspots import Hotspot, ranked_hotspots
from techlead.debt.trend import TrendPoint, complexity_trend
from techlead.output import Record, records
from techlead.project import Project
from techlead.team.ownership import FileOwnership, file_ownership


class RankedHotspot(Hotspot):
    """A hotspot and its place in the ranking."""

    rank: int = Field(description="Its place in the hotspots (1 the worst).")


class FileAuthor(Record):
    """Someone who changed the file."""

    author: str
    revisions: int
    added: int = Field(description="Lines added.")


class FileDetail(Record):
    """One file at HEAD."""

    path: str
    hotspot: RankedHotspot | None = Field(description="Null when it is not a hotspot.")
    ownership: list[FileOwnership] = Field(description="One record, or none for bots' files.")
    authors: list[FileAuthor] = Field(description="Most revisions first.")
    trend: list[TrendPoint] = Field(description="Sampled versions, oldest first.")


def file_detail(ev: Project, path: str) -> FileDetail:
    """The file at HEAD named `path` (UnknownFileError if there is none)."""
    trend = ev.derived(f"trend:{path}", lambda: complexity_trend(ev.files(), path))
    owners = ev.derived("ownership", lambda: file_ownership(ev.files()))
    changes = ev.files().human_changes.filter(pl.col("file") == path)
    authors = (
        changes.group_by("author")
        .agg(revisions=pl.col("commit").n_unique(), added=pl.col("added").sum())
        .sort(["revisions", "author"], descending=[True, False])
    )
    ranked = ranked_hotspots(ev).with_row_index("rank", offset=1)
    hotspot = records(ranked.filter(pl.col("path") == path), RankedHotspot)
    return FileDetail(
        path=path,
        hotspot=hotspot[0] if hotspot else None,
        ownership=records(owners.filter(pl.col("path") == path), FileOwnership),
        authors=records(authors, FileAuthor),
        trend=records(trend, TrendPoint),
    )
