"""The terminal: Rich consoles for results (stdout) and for progress and errors (stderr)."""

from __future__ import annotations

import os
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleDimensions

from techlead.errors import TechleadError

if TYPE_CHECKING:
    from rich.progress import TaskID

# What a result is laid out for when stdout is not a terminal and COLUMNS does not say.
PIPED_WIDTH = 80


class ResultConsole(Console):
    """stdout. On a terminal, its width; piped or redirected, COLUMNS or else PIPED_WIDTH,
    whatever terminal stdin or stderr happen to be (Rich would measure those): the same
    command gives the same output in a pipe, a file, CI and tests (ADR 0020)."""

    @property
    def size(self) -> ConsoleDimensions:
        measured = super().size
        if self.is_terminal:
            return measured
        columns = self._environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH
        return ConsoleDimensions(width, measured.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size


stdout = ResultConsole(highlight=False, soft_wrap=True, markup=False, emoji=False)
stderr = Console(stderr=True, highlight=False, markup=False, emoji=False)


_shown: list[bool] = []  # whether this command has shown progress (the result cache asks)


def progress_was_shown() -> bool:
    """Whether progress was drawn or written since `forget_progress`: an answer whose run
    showed progress is not kept, as replaying it would show that progress again."""
    return bool(_shown)


def forget_progress() -> None:
    _shown.clear()


INTERVAL_VARIABLE = "TECHLEAD_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 5.0


class ProgressBar:
    """Progress of long work on stderr: a Rich bar on a terminal, plain timed lines otherwise.

    When stderr is not a terminal (a CI log, a pipe) a line such as
    `Mining shop: 4,200/18,235 commits (23%) 12s` is written every `interval` seconds
    (default $TECHLEAD_PROGRESS_INTERVAL, else 5) and once at the end; work done within the
    first interval writes nothing, and nothing is written when quiet.
    """

    def __init__(
        self,
        description: str,
        quiet: bool = False,
        *,
        unit: str = "done",
        interval: float | None = None,
    ) -> None:
        self.enabled = not quiet and stderr.is_terminal
        self._description = description
        self._lock = threading.Lock()
        self._lines = None if quiet or self.enabled else PlainProgress(description, unit, interval)
        # rich.progress is only imported when a bar will be drawn: start-up time matters here
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=stderr,
            transient=True,
            disable=not self.enabled,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressBar:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._progress.__exit__(kind, error, trace)
        if self._lines is not None:
            self._lines.stop(finished=kind is None)

    def start(self, total: int) -> None:
        with self._lock:
            self._task = self._progress.add_task(self._description, total=total)
        if self.enabled and total > 0:
            _shown[:] = [True]
        if self._lines is not None:
            self._lines.start(total)

    def advance(self, count: int) -> None:
        with self._lock:
            if self._task is not None:
                self._progress.advance(self._task, count)
        if self._lines is not None:
            self._lines.advance(count)


def progress_interval() -> float:
    """Seconds between plain progress lines: $TECHLEAD_PROGRESS_INTERVAL, else 5."""
    given = os.environ.get(INTERVAL_VARIABLE, "").strip()
    if not given:
        return DEFAULT_INTERVAL
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise TechleadError(f"{INTERVAL_VARIABLE}={given!r}: not a positive number of seconds")
    return seconds


class PlainProgress:
    """Progress as plain lines on stderr, one every `interval` seconds and one at the end of
    work that has shown any."""

    def __init__(self, description: str, unit: str, interval: float | None = None) -> None:
        self._description = description
        self._unit = unit
        self._interval = progress_interval() if interval is None else interval
        self._began = time.monotonic()
        self._total = 0
        self._done = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None
        self._written: tuple[int, int] | None = None  # the counts of the last line written

    def start(self, total: int) -> None:
        with self._lock:
            self._total += total
        if self._ticker is None and total > 0:
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()

    def advance(self, count: int) -> None:
        with self._lock:
            self._done += count

    def stop(self, finished: bool) -> None:
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join()
            if finished:
                self._write(end=True)

    def _tick(self) -> None:
        while not self._stopped.wait(self._interval):
            self._write()

    def _write(self, end: bool = False) -> None:
        with self._lock:
            counts = self._done, self._total
        if end and self._written in (None, counts):
            return  # work shorter than the interval stays silent; a tick said the end already
        self._written = counts
        done, total = counts
        share = f" ({100 * done // total}%)" if total else ""
        _shown[:] = [True]
        stream = stderr.file
        stream.write(
            f"{self._description}: {done:,}/{total:,} {self._unit}{share} "
            f"{_elapsed(time.monotonic() - self._began)}\n"
        )
        stream.flush()


def _elapsed(seconds: float) -> str:
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"
