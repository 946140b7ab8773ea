"""Hotspots: complex code that changes often, where debt costs the most.

score = (revisions / most revisions) x (complexity / highest complexity), both maxima taken over
the analysed files that changed in the window and have a complexity (prose and data have none),
so it runs from 0 to 1; a file needs both frequent change and complexity to rank high.

`ranked_hotspots` is the ranking over a repository's evidence (a `Project`), computed once per
HEAD: what the dashboard, the reports and the analyses built on hotspots (off-boarding,
interview kits) read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import polars as pl
from pydantic import Field

from techlead.config import DebtSettings
from techlead.debt.complexity import measure_files
from techlead.history.exclusions import matching
from techlead.history.files import CurrentFiles
from techlead.history.selection import Selection, select_files
from techlead.output import Record
from techlead.project import Project
from techlead.spans import holds_until
from techlead.spans import since as since_moment

HOTSPOT_COLUMNS = (
    "path",
    "score",
    "revisions",
    "complexity",
    "loc",
    "churn",
    "authors",
    "last_change",
    "method",
)


class Hotspot(Record):
    """One file at HEAD ranked by hotspot score."""

    path: str
    score: float = Field(description="From 0 to 1: change frequency times complexity, scaled.")
    revisions: int = Field(description="Commits that changed it in the window (bots' left out).")
    complexity: int | None = Field(description="Cyclomatic complexity; null for prose and data.")
    loc: int | None = Field(description="Lines of code; null when not measured.")
    churn: int = Field(description="Lines added and deleted in the window.")
    authors: int = Field(description="People who changed it in the window.")
    last_change: datetime | None
    method: str | None = Field(description="How complexity was measured (lizard, indentation).")


def hotspot_window(
    given: str | None, settings: DebtSettings, now: datetime | None = None
) -> datetime:
    """Where the window of change frequency starts: `--since` if given, else `[debt] since`."""
    if given:
        return since_moment(given, "--since", now)
    return since_moment(settings.since, "[debt] since", now)


def window_holds_until(
    files: CurrentFiles, start_at: Callable[[datetime], datetime], now: datetime
) -> datetime | None:
    """Until when the changes inside a window that starts at `start_at(now)` stay the same as
    time passes (its start moving on); None while HEAD does not move: a window from a date, or
    no change at or after its start."""
    start = start_at(now)
    later = files.changes.filter(pl.col("author_time") >= start).get_column("author_time")
    if later.is_empty():
        return None
    earliest = later.min()
    if not isinstance(earliest, datetime):
        return None
    return holds_until(start_at, now, earliest)


def change_frequency(files: CurrentFiles, since: datetime) -> pl.DataFrame:
    """Per file at HEAD: revisions, churn and authors since `since` (bots' commits left out:
    a dependency bump is not the team struggling with a file), and its last change."""
    recent = files.human_changes.filter(pl.col("author_time") >= since)
    window = recent.group_by("file").agg(
        revisions=pl.col("commit").n_unique(),
        churn=(pl.col("added").fill_null(0) + pl.col("deleted").fill_null(0)).sum(),
        authors=pl.col("author").n_unique(),
    )
    last = files.changes.group_by("file").agg(last_change=pl.col("author_time").max())
    return (
        files.files.select(pl.col("path").alias("file"))
        .join(window, on="file", how="left")
        .join(last, on="file", how="left")
        .with_columns(pl.col("revisions", "churn", "authors").fill_null(0))
        .rename({"file": "path"})
    )


def hotspots(
    files: CurrentFiles,
    measures: pl.DataFrame,
    since: datetime,
    path: str | None = None,
    top: int | None = None,
) -> pl.DataFrame:
    """Files at HEAD ranked by hotspot score; `measures` has `path`, `loc`, `complexity`."""
    frame = change_frequency(files, since).join(
        measures.select("path", "loc", "complexity", "method"), on="path", how="left"
    )
    if path is not None:
        frame = frame.filter(pl.Series(matching(frame.get_column("path").to_list(), path)))
    # maxima over the files that can score at all: changed in the window, with a complexity
    candidates = frame.filter(pl.col("complexity").is_not_null() & (pl.col("revisions") > 0))
    most_revisions = max(candidates.get_column("revisions").max() or 0, 1)
    most_complex = max(candidates.get_column("complexity").max() or 0, 1)
    ranked = frame.with_columns(
        score=(
            pl.col("revisions") / most_revisions * pl.col("complexity").fill_null(0) / most_complex
        ).round(4)
    ).sort(["score", "revisions", "path"], descending=[True, True, False])
    ranked = ranked.select(HOTSPOT_COLUMNS)
    return ranked.head(top) if top is not None else ranked


def selected(ev: Project, all_files: bool = False) -> Selection:
    """The files of the configured kinds (code by default), or every file."""
    return ev.derived(
        f"selection:{all_files}", lambda: select_files(ev.files(), all_files=all_files)
    )


def measures(ev: Project) -> pl.DataFrame:
    """Files at HEAD with their complexity (measured once per blob, cached)."""
    files = ev.files()
    return ev.derived(
        "measures", lambda: measure_files(files.history.repo, files.files, files.cache_dir)
    )


def ranked_hotspots(ev: Project, since: str | None = None, all_files: bool = False) -> pl.DataFrame:
    """Files at HEAD of the configured kinds (every file with `all_files`) ranked by hotspot
    score, for the configured or given window."""
    window = since or ev.settings.debt.since
    start = hotspot_window(since, ev.settings.debt)
    chosen = selected(ev, all_files).files
    return ev.derived(
        f"hotspots:{window}:{all_files}", lambda: hotspots(chosen, measures(ev), start)
    )
