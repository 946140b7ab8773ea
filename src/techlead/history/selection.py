"""The files an analysis looks at: the configured kinds (code by default) and a `--path`."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

import polars as pl

from techlead.config import FileSettings
from techlead.history.exclusions import matching
from techlead.history.files import CurrentFiles
from techlead.history.kinds import classify, left_out_note


@dataclass(frozen=True)
class Selection:
    """Files at HEAD (and their changes) narrowed to some kinds and a path pattern."""

    files: CurrentFiles
    left_out: Counter[str]
    kinds: tuple[str, ...] | None  # None: every kind

    @property
    def note(self) -> str | None:
        """What the kinds left out, for a caption; None when nothing was."""
        return left_out_note(self.left_out, self.kinds) if self.kinds else None

    @property
    def paths(self) -> set[str]:
        return set(self.files.files.get_column("path").to_list())


def file_kinds(files: CurrentFiles, settings: FileSettings) -> pl.DataFrame:
    """`path` and `kind` of every file at HEAD."""
    paths = files.files.get_column("path").to_list()
    kinds = classify(paths, settings.kind_patterns)
    return pl.DataFrame(
        {"path": paths, "kind": kinds}, schema={"path": pl.String, "kind": pl.String}
    )


def select_files(
    files: CurrentFiles,
    settings: FileSettings | None = None,
    *,
    all_files: bool = False,
    path: str | None = None,
) -> Selection:
    """The files of the configured kinds (every file with `all_files`) matching `path`."""
    settings = settings or files.history.settings.files
    paths = files.files.get_column("path").to_list()
    keep = matching(paths, path) if path is not None else [True] * len(paths)
    left_out: Counter[str] = Counter()
    kinds: tuple[str, ...] | None = None
    if not all_files:
        kinds = tuple(settings.kinds)
        wanted = set(kinds)
        for index, kind in enumerate(file_kinds(files, settings).get_column("kind").to_list()):
            if keep[index] and kind not in wanted:
                keep[index] = False
                left_out[kind] += 1
    kept = files.files.filter(pl.Series(keep, dtype=pl.Boolean))
    changes = files.changes.filter(pl.col("file").is_in(kept.get_column("path").implode()))
    narrowed = dataclasses.replace(files, files=kept, changes=changes)
    return Selection(narrowed, left_out, kinds)
