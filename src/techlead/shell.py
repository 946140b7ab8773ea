"""What the shells of record-keeping capabilities share: the repository, its settings and its
record store, opened for one command."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from techlead import terminal
from techlead.config import Settings, load_settings, repository_name
from techlead.history.git import open_repository

if TYPE_CHECKING:
    from techlead.store.database import Store

# The record store (SQLAlchemy, Alembic, psycopg) is imported when a command opens it, not
# when the CLI starts: every other command would pay for it.


@contextlib.contextmanager
def opened_store(ctx: typer.Context, repo: Path) -> Iterator[tuple[Path, Settings, Store]]:
    """The repository's root, its settings and its record store (closed afterwards)."""
    from techlead.store.database import DEFAULT_FILE, database_url, open_store, shown

    obj: dict[str, Any] = ctx.obj or {}
    root = open_repository(repo).root
    settings = load_settings(root, obj.get("config"))
    name = repository_name(root, settings)
    store = open_store(database_url(root, obj.get("db"), settings.store.url), name)
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
