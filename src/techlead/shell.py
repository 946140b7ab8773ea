"""What the CLI shells share: the command's repository (a `techlead.project.Project`, with its
settings and its record store opened for one command); its history mined with a progress bar;
a listing with a note on the files left out."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from techlead import terminal
from techlead.config import Settings
from techlead.output import OutputFormat, render_frame
from techlead.project import Project

if TYPE_CHECKING:
    import polars as pl
    from pydantic import BaseModel

    from techlead.history.files import CurrentFiles
    from techlead.history.scan import ScanResult
    from techlead.history.selection import Selection
    from techlead.store.database import Store

# The record store (SQLAlchemy, Alembic, psycopg) and the history's tables are imported when a
# command opens them, not when the CLI starts: every other command would pay for them.


def project(ctx: typer.Context, repo: Path) -> Project:
    """The repository `repo` is in, with the settings and record store the command line names."""
    obj: dict[str, Any] = ctx.obj or {}
    return Project(repo, config=obj.get("config"), db=obj.get("db"))


@contextlib.contextmanager
def opened_store(ctx: typer.Context, repo: Path) -> Iterator[tuple[Path, Settings, Store]]:
    """The repository's root, its settings and its record store (closed afterwards)."""
    from techlead.store.database import DEFAULT_FILE, shown

    found = project(ctx, repo)
    root, settings, name = found.root, found.settings, found.name
    store = found.open_store()
    own = store.url == f"sqlite:///{root / DEFAULT_FILE}"
    if store.created and not own:
        terminal.stderr.print(
            f"note: created a new record store at {shown(store.url)}", soft_wrap=True
        )
    if own and not settings.store.repository:
        renamed_from = store.follow_rename()
        if renamed_from:
            terminal.stderr.print(
                f"note: the repository's records were stored as {renamed_from!r}; "
                f"they now go by its new directory name {name!r}",
                soft_wrap=True,
            )
    try:
        yield root, settings, store
    finally:
        store.close()


def mined(root: Path, settings: Settings, quiet: bool) -> ScanResult:
    """Scan the repository at `root` (incrementally, with a progress bar)."""
    return refreshed(Project(root, settings), quiet)


def refreshed(found: Project, quiet: bool) -> ScanResult:
    """Scan `found` (incrementally, with a progress bar)."""
    with terminal.ProgressBar(f"Mining {found.root.name}", quiet, unit="commits") as bar:
        return found.refresh(progress=bar)


def scanned(ctx: typer.Context, repo_path: Path, quiet: bool) -> ScanResult:
    """The repository `repo_path` is in, with its settings, scanned (see `mined`)."""
    return refreshed(project(ctx, repo_path), quiet)


def load_files(ctx: typer.Context, repo_path: Path, quiet: bool) -> CurrentFiles:
    """Scan (incrementally, with a progress bar) and return the files at HEAD and their changes."""
    found = project(ctx, repo_path)
    refreshed(found, quiet)
    return found.files()


def render_selected(
    frame: pl.DataFrame,
    output: OutputFormat,
    title: str,
    selection: Selection,
    top: int | None = None,
    record: type[BaseModel] | None = None,
) -> None:
    """Render `frame` (as `record`s in JSON, when given), saying what the file kinds left out:
    under the table's title, or on stderr for the other formats (their stdout stays one
    document)."""
    note = selection.note
    render_frame(frame, output, f"{title}\n{note}" if note else title, top, record)
    if note and output is not OutputFormat.table:
        terminal.stderr.print(f"note: {note}", soft_wrap=True)
