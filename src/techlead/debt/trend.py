"""How one file's size and complexity moved over its history (sampled revisions)."""

from __future__ import annotations

import polars as pl

from techlead.debt.complexity import measure_files
from techlead.errors import NotFoundError
from techlead.history.files import CurrentFiles


class UnknownFileError(NotFoundError):
    """The path named is not a file at HEAD."""


def sample_evenly(count: int, samples: int) -> list[int]:
    """Up to `samples` indexes spread over range(count), always the first and the last."""
    if count <= samples:
        return list(range(count))
    if samples <= 1:
        return [count - 1]
    step = (count - 1) / (samples - 1)
    return sorted({round(i * step) for i in range(samples)})


def complexity_trend(files: CurrentFiles, path: str, samples: int = 12) -> pl.DataFrame:
    """Sampled revisions of `path` (oldest first): date, commit, path then, loc, complexity."""
    if path not in set(files.files.get_column("path").to_list()):
        raise UnknownFileError(
            f"{path}: not a file at HEAD", hint="give the path relative to the repository root"
        )
    revisions = (
        files.changes.filter((pl.col("file") == path) & pl.col("blob").is_not_null())
        .select("commit", "author_time", "path", "blob")
        .reverse()
    )
    picked = revisions[sample_evenly(revisions.height, samples)]
    measured = measure_files(files.history.repo, picked, files.cache_dir)
    return measured.select("author_time", "commit", "path", "loc", "complexity").rename(
        {"author_time": "date"}
    )
