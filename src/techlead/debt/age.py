"""Code age: months since each file (and directory) last changed, beside its complexity."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from pydantic import Field

from techlead.history.files import CurrentFiles
from techlead.output import Record

_DAYS_PER_MONTH = 30.436875

_STALE = "Untouched for a year, with complexity in the top quarter."


class FileAge(Record):
    """How long ago one file at HEAD last changed."""

    path: str
    last_change: datetime | None
    loc: int | None
    complexity: int | None
    age_months: float | None = Field(description="Months since its last change.")
    stale_and_complex: bool = Field(description=_STALE)


class DirectoryAge(Record):
    """How long ago anything in one directory last changed."""

    directory: str = Field(description='Its first --depth directories ("." for the top).')
    files: int
    last_change: datetime | None
    age_months: float | None = Field(description="Months since any file in it changed.")
    mean_age_months: float | None
    complexity: int = Field(description="Its files' complexity, summed.")
    stale_and_complex: int = Field(description="Its files untouched for a year and complex.")


def directory_of(column: str, depth: int) -> pl.Expr:
    """The first `depth` directories of a path ("." for files at the top)."""
    parts = pl.col(column).str.split("/")
    return (
        pl.when(parts.list.len() > 1)
        .then(parts.list.slice(0, pl.min_horizontal(parts.list.len() - 1, depth)).list.join("/"))
        .otherwise(pl.lit("."))
    )


def file_age(files: CurrentFiles, measures: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Per file at HEAD: last change, months since, complexity; oldest first.

    `stale_and_complex` marks files untouched for a year whose complexity is in the top quarter.
    """
    last = files.changes.group_by("file").agg(last_change=pl.col("author_time").max())
    frame = (
        files.files.select(pl.col("path"))
        .join(last.rename({"file": "path"}), on="path", how="left")
        .join(measures.select("path", "loc", "complexity"), on="path", how="left")
        .with_columns(
            age_months=((pl.lit(now) - pl.col("last_change")).dt.total_seconds() / 86400)
            .truediv(_DAYS_PER_MONTH)
            .round(1)
        )
    )
    threshold = frame.get_column("complexity").quantile(0.75) or 0
    return frame.with_columns(
        stale_and_complex=(pl.col("age_months") >= 12)
        & (pl.col("complexity").fill_null(0) >= threshold)
        & (pl.col("complexity").fill_null(0) > 0)
    ).sort(["age_months", "path"], descending=[True, False], nulls_last=True)


def directory_age(file_ages: pl.DataFrame, depth: int = 1) -> pl.DataFrame:
    """Per directory: files, months since any file in it changed, mean file age, complexity."""
    return (
        file_ages.with_columns(directory=directory_of("path", depth))
        .group_by("directory")
        .agg(
            files=pl.len(),
            last_change=pl.col("last_change").max(),
            age_months=pl.col("age_months").min(),
            mean_age_months=pl.col("age_months").mean().round(1),
            complexity=pl.col("complexity").sum(),
            stale_and_complex=pl.col("stale_and_complex").sum(),
        )
        .sort(["age_months", "directory"], descending=[True, False], nulls_last=True)
    )
