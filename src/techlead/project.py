"""One repository as every shell, report and org task reads it: its root, its settings, its
record store, and its evidence kept current as HEAD moves (ADR 0032).

The history is scanned on first use (incrementally, reporting to an optional progress);
afterwards HEAD is looked at no more than every few seconds, and a move re-scans incrementally
and drops what was derived from the old history. The files at HEAD and derived results
(complexity, hotspots, truck factor, ...) are memoised per HEAD.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from techlead import result_cache
from techlead.config import Settings, load_settings, repository_name
from techlead.history.git import head_commit, open_repository

if TYPE_CHECKING:
    from techlead.history.files import CurrentFiles
    from techlead.history.scan import Miner, ScanProgress, ScanResult
    from techlead.store.database import Store

# The history's tables (Polars) and the record store (SQLAlchemy) are imported when they are
# first read: a command that needs neither does not pay for them.

T = TypeVar("T")
RECHECK_SECONDS = 5.0
MAX_DERIVED = 256  # results kept per HEAD, least recently used dropped first


class Project:
    """One repository: where it is, how it is configured, where its records are, what its
    history says and what has been derived from it."""

    def __init__(
        self,
        path: Path,
        settings: Settings | None = None,
        *,
        config: Path | None = None,
        db: str | None = None,
    ) -> None:
        """The repository `path` is in, with `settings` (else those of `config`, else its own
        techlead.toml or pyproject.toml) and its records at `db` (else the configured store)."""
        self.repo = open_repository(path)
        result_cache.opened(self.repo.root)
        self.settings = settings if settings is not None else load_settings(self.root, config)
        self._db = db
        self._lock = threading.RLock()
        self._result: ScanResult | None = None
        self._files: CurrentFiles | None = None
        self._derived: OrderedDict[str, Any] = OrderedDict()
        self._checked = 0.0

    @property
    def root(self) -> Path:
        return self.repo.root

    @property
    def name(self) -> str:
        """What the repository goes by in the record store and on the dashboard."""
        return repository_name(self.root, self.settings)

    @property
    def store_url(self) -> str:
        """Where its records are: `db`, else $TECHLEAD_DATABASE_URL, else the configuration,
        else .techlead/techlead.db."""
        from techlead.store.database import database_url

        return database_url(self.root, self._db, self.settings.store.url)

    def open_store(self) -> Store:
        """Its record store, opened (and migrated) for its records; the caller closes it."""
        from techlead.store.database import open_store

        return open_store(self.store_url, self.name)

    def refresh(
        self,
        progress: ScanProgress | None = None,
        *,
        rebuild: bool = False,
        miner: Miner | None = None,
    ) -> ScanResult:
        """Scan (incrementally; all of it again with `rebuild`, mining with `miner` if given)
        and forget what was derived from an older history."""
        from techlead.history.scan import scan

        with self._lock:
            result = scan(self.root, self.settings, progress=progress, rebuild=rebuild, miner=miner)
            if self._result is None or result.head != self._result.head:
                self._files = None
                self._derived.clear()
            self._result = result
            self._checked = time.monotonic()
            return result

    def result(self) -> ScanResult:
        """The history scanned, re-scanned first when HEAD has moved since it was last seen."""
        with self._lock:
            if self._result is None or (
                time.monotonic() - self._checked > RECHECK_SECONDS
                and head_commit(self.repo) != self._result.head
            ):
                return self.refresh()
            self._checked = max(self._checked, time.monotonic() - RECHECK_SECONDS / 2)
            return self._result

    def files(self) -> CurrentFiles:
        """The files at HEAD and the changes that made them."""
        from techlead.history.files import current_files

        result = self.result()
        with self._lock:
            if self._files is None:
                self._files = current_files(result)
            return self._files

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per HEAD (and per key)."""
        self.result()
        with self._lock:
            if key not in self._derived:
                self._derived[key] = compute()
                # cached results live long: keep full collections from walking them on every
                # request's garbage (a 0.1 s stall on a large repository); refcounting frees
                # them when they are replaced
                gc.freeze()
                while len(self._derived) > MAX_DERIVED:
                    self._derived.popitem(last=False)
            self._derived.move_to_end(key)
            value: T = self._derived[key]
            return value
