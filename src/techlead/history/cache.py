"""The columnar cache of mined history: Parquet parts plus a manifest written last.

The manifest is the commit point: parts are written to temporary names and renamed into place,
then the manifest is replaced atomically. A crash leaves either the old manifest (and some
orphaned parts, removed next time) or the new one, never a half-written cache.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from techlead.atomic_files import atomic_write
from techlead.errors import CacheError
from techlead.history import schema

# 3: co-authors read from the whole body; 4: names and messages of repositories with an
# i18n.commitEncoding read as UTF-8 (they were mined in that encoding before)
FORMAT_VERSION = 4
MANIFEST = "manifest.json"
_MAX_PARTS = 8


class Manifest(BaseModel):
    """What the cache holds: which tips it was mined from and which part files hold the rows."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: int = FORMAT_VERSION
    all_refs: bool
    tips: list[str]
    identity_source: str
    parts: list[str] = Field(default_factory=list)

    def fingerprint(self) -> str:
        """Changes whenever the cached history does."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


class CorruptCacheError(Exception):
    """The cache cannot be used as it is and must be rebuilt."""


@dataclass
class CachedHistory:
    manifest: Manifest
    commits: pl.DataFrame
    file_changes: pl.DataFrame


class HistoryCache:
    """One repository's cache directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise scans of the same repository across processes."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = (self.directory / "lock").open("a")
        except OSError as exc:
            raise CacheError(f"{self.directory}: cannot create the cache: {exc.strerror}") from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _part_paths(self, part: str) -> tuple[Path, Path]:
        return (
            self.directory / f"commits-{part}.parquet",
            self.directory / f"file_changes-{part}.parquet",
        )

    def read_manifest(self) -> Manifest | None:
        """The manifest, None when there is no cache; CorruptCacheError when unusable."""
        path = self.directory / MANIFEST
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorruptCacheError(f"unreadable manifest: {exc}") from exc
        if isinstance(raw, dict) and raw.get("format") != FORMAT_VERSION:
            raise CorruptCacheError(f"cache format {raw.get('format')}, expected {FORMAT_VERSION}")
        try:
            manifest = Manifest.model_validate(raw)
        except ValidationError as exc:
            raise CorruptCacheError(f"invalid manifest ({exc.error_count()} errors)") from exc
        return manifest

    def load(self) -> CachedHistory | None:
        """Everything cached, or None when there is no cache; CorruptCacheError when unusable."""
        manifest = self.read_manifest()
        if manifest is None:
            return None
        commit_files = [str(self._part_paths(part)[0]) for part in manifest.parts]
        change_files = [str(self._part_paths(part)[1]) for part in manifest.parts]
        try:
            commits = _read_parts(commit_files, schema.COMMITS)
            changes = _read_parts(change_files, schema.FILE_CHANGES)
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise CorruptCacheError(f"unreadable part: {str(exc).splitlines()[0][:80]}") from exc
        return CachedHistory(manifest, commits, changes)

    def has_parts(self, manifest: Manifest) -> bool:
        """Whether every part is there with the right columns (read from Parquet footers only)."""
        try:
            for part in manifest.parts:
                commits, changes = self._part_paths(part)
                if pl.read_parquet_schema(commits) != dict(schema.COMMITS.items()):
                    return False
                if pl.read_parquet_schema(changes) != dict(schema.FILE_CHANGES.items()):
                    return False
        except (OSError, pl.exceptions.PolarsError):
            return False
        return True

    def save_tags(self, tags: pl.DataFrame) -> None:
        try:
            atomic_write(self.directory / "tags.parquet", tags.write_parquet)
        except OSError as exc:
            raise CacheError(f"{self.directory}: cannot write the cache: {exc.strerror}") from exc

    def read_tags(self) -> pl.DataFrame:
        path = self.directory / "tags.parquet"
        try:
            return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=schema.TAGS)
        except (OSError, pl.exceptions.PolarsError):
            return pl.DataFrame(schema=schema.TAGS)

    def save(
        self,
        manifest: Manifest,
        new_commits: pl.DataFrame,
        new_changes: pl.DataFrame,
        tags: pl.DataFrame,
        *,
        replace_all: tuple[pl.DataFrame, pl.DataFrame] | None = None,
    ) -> None:
        """Add a part of newly mined rows (or replace every part), then commit the manifest."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if replace_all is None and len(manifest.parts) >= _MAX_PARTS:
                cached = self.load()
                assert cached is not None
                replace_all = (cached.commits, cached.file_changes)
            if replace_all is not None:
                new_commits = pl.concat([new_commits, replace_all[0]])
                new_changes = pl.concat([new_changes, replace_all[1]])
                manifest.parts = []
            if new_commits.height or not manifest.parts:
                part = secrets.token_hex(6)
                commits_path, changes_path = self._part_paths(part)
                atomic_write(commits_path, new_commits.write_parquet)
                atomic_write(changes_path, new_changes.write_parquet)
                manifest.parts = [part, *manifest.parts]
            atomic_write(self.directory / "tags.parquet", tags.write_parquet)
            atomic_write(self.directory / MANIFEST, _manifest_writer(manifest))
        except OSError as exc:
            raise CacheError(f"{self.directory}: cannot write the cache: {exc.strerror}") from exc
        self._remove_orphans(manifest)

    def _remove_orphans(self, manifest: Manifest) -> None:
        keep = {path.name for part in manifest.parts for path in self._part_paths(part)}
        for path in self.directory.glob("*.parquet"):
            if path.name not in keep and path.name != "tags.parquet":
                with contextlib.suppress(OSError):
                    path.unlink()
        for path in self.directory.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                path.unlink()


def _manifest_writer(manifest: Manifest) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(manifest.model_dump_json(indent=1), encoding="utf-8")

    return write


def _read_parts(files: list[str], expected: pl.Schema) -> pl.DataFrame:
    if not files:
        return pl.DataFrame(schema=expected)
    frame = pl.concat([pl.read_parquet(file) for file in files])
    if frame.schema != expected:
        raise CorruptCacheError("cached columns differ from this version's")
    return frame
