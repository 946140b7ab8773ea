"""The evidence most analyses start from: files at HEAD and the changes that made them.

The result is derived from the cached history, HEAD and the identity and file settings, and is
itself cached under a key of all of those, so that commands after the first read it back
instead of attributing every change again.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from techlead.atomic_files import atomic_write
from techlead.history.exclusions import keep_included
from techlead.history.lineage import changes_by_file, files_at_head
from techlead.history.scan import History, ScanResult

_FORMAT = "2"


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


def _key(result: ScanResult) -> str:
    settings = result.history.settings
    parts = [
        _FORMAT,
        result.fingerprint,
        result.head or "",
        settings.identities.model_dump_json(),
        # the built-in bot patterns mark `is_bot` too; the kinds only narrow what is shown
        "\n".join(settings.identities.bot_patterns()),
        settings.files.model_dump_json(include={"exclude", "use_default_excludes"}),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _read(directory: Path, key: str) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    try:
        if (directory / "key").read_text(encoding="utf-8") != key:
            return None
        return pl.read_parquet(directory / "files.parquet"), pl.read_parquet(
            directory / "changes.parquet"
        )
    except (OSError, pl.exceptions.PolarsError):
        return None


def _write(directory: Path, key: str, files: pl.DataFrame, changes: pl.DataFrame) -> None:
    # a failure to cache derived data only costs time next run
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "key").unlink(missing_ok=True)
        atomic_write(directory / "files.parquet", files.write_parquet)
        atomic_write(directory / "changes.parquet", changes.write_parquet)
        atomic_write(directory / "key", lambda path: path.write_text(key, encoding="utf-8"))


def current_files(result: ScanResult) -> CurrentFiles:
    """Files at HEAD and their changes, renames followed, configured exclusions left out."""
    history = result.history
    cache_root = result.cache_dir.parent
    directory = cache_root / "current"
    key = _key(result)
    cached = _read(directory, key)
    if cached is None:
        patterns = history.settings.files.patterns()
        files = keep_included(files_at_head(history.repo, result.head), patterns)
        changes = changes_by_file(history, files.get_column("path").to_list(), result.head)
        _write(directory, key, files, changes)
    else:
        files, changes = cached
    return CurrentFiles(history, result.head, files, changes, cache_root)
