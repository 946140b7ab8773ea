"""The evidence most analyses start from: files at HEAD and the changes that made them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from techlead.history.exclusions import keep_included
from techlead.history.lineage import changes_by_file, files_at_head
from techlead.history.scan import History, ScanResult


@dataclass(frozen=True)
class CurrentFiles:
    """Files at HEAD (exclusions applied) and every non-merge change attributed to them."""

    history: History
    head: str | None
    files: pl.DataFrame
    changes: pl.DataFrame
    cache_dir: Path

    @property
    def human_changes(self) -> pl.DataFrame:
        """Changes made by people (bots left out)."""
        return self.changes.filter(~pl.col("is_bot"))


def current_files(result: ScanResult) -> CurrentFiles:
    """Files at HEAD and their changes, renames followed, configured exclusions left out."""
    history = result.history
    settings = history.settings
    files = keep_included(files_at_head(history.repo, result.head), settings.files.patterns())
    changes = changes_by_file(history, files.get_column("path").to_list())
    return CurrentFiles(history, result.head, files, changes, result.cache_dir.parent)
