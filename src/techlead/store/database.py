"""The record store: one SQL database per repository (SQLite) or per team (PostgreSQL).

Every write is one transaction. On SQLite the transaction starts with `BEGIN IMMEDIATE`, so
concurrent writers queue on the database lock (with a 30 s busy timeout) instead of failing
or overwriting each other; readers are not blocked (WAL journal). On PostgreSQL, operations
that read a record before changing it lock its row (`SELECT ... FOR UPDATE`).

The schema is created and upgraded by Alembic migrations on first use; a database whose
schema revision this version does not know (written by a newer techlead) is refused.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from techlead.errors import TechleadError

ENVIRONMENT_VARIABLE = "TECHLEAD_DATABASE_URL"
DEFAULT_FILE = Path(".techlead") / "techlead.db"
_MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x7EC41EAD  # PostgreSQL advisory lock held while migrating


class StoreError(TechleadError):
    """The record store cannot be opened, migrated or written."""


def database_url(root: Path, given: str | None, configured: str | None) -> str:
    """`--db`, else $TECHLEAD_DATABASE_URL, else the configuration, else the repository's file."""
    chosen = given or os.environ.get(ENVIRONMENT_VARIABLE) or configured
    if not chosen:
        return f"sqlite:///{root / DEFAULT_FILE}"
    if "://" not in chosen:  # a plain path to an SQLite file
        path = Path(chosen)
        return f"sqlite:///{path if path.is_absolute() else root / path}"
    return chosen


def _driver_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class Store:
    """An open record store."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parsed = make_url(_driver_url(url))
        except ArgumentError:
            raise StoreError(
                f"--db {url!r}: not a database URL (sqlite:///PATH or postgresql://...)"
            ) from None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in {"sqlite", "postgresql"}:
            raise StoreError(f"{shown(url)}: only SQLite and PostgreSQL are supported")
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:":
            database = Path(parsed.database)
            try:
                database.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{database.parent}: cannot create: {exc.strerror}") from None
            _ignore_in_git(database.parent)
        try:
            self.engine = self._engine(parsed.render_as_string(hide_password=False))
        except ModuleNotFoundError as exc:
            raise StoreError(f"{shown(url)}: driver {exc.name} is not installed") from None

    def _engine(self, url: str) -> Engine:
        if self.dialect == "postgresql":
            return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _configure(connection: Any, _record: Any) -> None:
            connection.isolation_level = None  # transactions are begun below, not by the driver
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            if not isinstance(exc.orig, _OPERATIONAL):
                raise
            raise StoreError(f"{shown(self.url)}: {_reason(exc)}") from None

    def lock_for_migration(self, session: Session) -> None:
        if self.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})

    def close(self) -> None:
        self.engine.dispose()


def _operational_errors() -> tuple[type[Exception], ...]:
    """Driver errors that are about the database being reachable and usable, not our SQL."""
    import sqlite3

    kinds: list[type[Exception]] = [sqlite3.DatabaseError]  # includes integrity and lock errors
    try:
        import psycopg

        kinds.extend([psycopg.OperationalError, psycopg.IntegrityError])
    except ModuleNotFoundError:
        pass
    return tuple(kinds)


_OPERATIONAL = _operational_errors()


def _reason(exc: DBAPIError) -> str:
    original = str(exc.orig).strip().splitlines()
    return original[0] if original else exc.__class__.__name__


def _ignore_in_git(directory: Path) -> None:
    """The default `.techlead/` directory never shows up as untracked files."""
    if directory.name == ".techlead":
        ignore = directory / ".gitignore"
        if not ignore.exists():
            with contextlib.suppress(OSError):
                ignore.write_text("*\n", encoding="utf-8")


def open_store(url: str) -> Store:
    """Open the store at `url` and bring its schema up to date."""
    from techlead.store.migrate import upgrade

    store = Store(url)
    try:
        upgrade(store)
    except DBAPIError as exc:
        store.close()
        raise StoreError(f"{shown(url)}: {_reason(exc)}") from None
    except BaseException:
        store.close()
        raise
    return store
