"""The terminal: Rich consoles for results (stdout) and for progress and errors (stderr)."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleDimensions

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


class ProgressBar:
    """A Rich progress bar on stderr, silent when quiet or when stderr is not a terminal."""

    def __init__(self, description: str, quiet: bool = False) -> None:
        self.enabled = not quiet and stderr.is_terminal
        self._description = description
        self._lock = threading.Lock()
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

    def start(self, total: int) -> None:
        with self._lock:
            self._task = self._progress.add_task(self._description, total=total)

    def advance(self, count: int) -> None:
        with self._lock:
            if self._task is not None:
                self._progress.advance(self._task, count)
