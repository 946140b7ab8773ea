"""The evidence of one repository, kept current as HEAD moves: what the dashboard and the
reports read.

It is scanned on first use (the dashboard: when the server starts); afterwards HEAD is looked
at no more than every few seconds, and a move re-scans incrementally and drops what was derived
from the old history. Derived results (complexity, hotspots, truck factor, ...) are memoised
per HEAD.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from techlead.config import Settings
from techlead.history.files import CurrentFiles, current_files
from techlead.history.git import head_commit, open_repository
from techlead.history.scan import ScanProgress, ScanResult, scan

T = TypeVar("T")
RECHECK_SECONDS = 5.0
MAX_DERIVED = 256  # results kept per HEAD, least recently used dropped first


class Evidence:
    """One repository's mined history and what has been derived from it."""

    def __init__(self, path: Path, settings: Settings) -> None:
        self.repo = open_repository(path)
        self.settings = settings
        self._lock = threading.RLock()
        self._result: ScanResult | None = None
        self._files: CurrentFiles | None = None
        self._derived: OrderedDict[str, Any] = OrderedDict()
        self._checked = 0.0

    def refresh(self, progress: ScanProgress | None = None) -> ScanResult:
        """Scan (incrementally) and forget what was derived from an older history."""
        with self._lock:
            result = scan(self.repo.root, self.settings, progress=progress)
            if self._result is None or result.head != self._result.head:
                self._files = None
                self._derived.clear()
            self._result = result
            self._checked = time.monotonic()
            return result

    def result(self) -> ScanResult:
        with self._lock:
            if self._result is None or (
                time.monotonic() - self._checked > RECHECK_SECONDS
                and head_commit(self.repo) != self._result.head
            ):
                return self.refresh()
            self._checked = max(self._checked, time.monotonic() - RECHECK_SECONDS / 2)
            return self._result

    def files(self) -> CurrentFiles:
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
