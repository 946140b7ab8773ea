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
import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from techlead.errors import TechleadError
from techlead.extras import missing_extra

ENVIRONMENT_VARIABLE = "TECHLEAD_DATABASE_URL"
DEFAULT_FILE = Path(".techlead") / "techlead.db"
_MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x7EC41EAD  # PostgreSQL advisory lock held while migrating
_READING = "techlead_reading"  # execution option of read-only transactions


class StoreError(TechleadError):
    """The record store cannot be opened, migrated or written."""


def database_url(root: Path, given: str | None, configured: str | None) -> str:
    """`--db`, else $TECHLEAD_DATABASE_URL, else the configuration, else the repository's file.

    A relative SQLite path (plain, or in a `sqlite:///` URL) is relative to the current
    directory when given with --db, and to the repository otherwise.
    """
    if given:
        return _absolute_sqlite(given, Path.cwd())
    chosen = os.environ.get(ENVIRONMENT_VARIABLE) or configured
    if not chosen:
        return f"sqlite:///{root / DEFAULT_FILE}"
    return _absolute_sqlite(chosen, root)


def _absolute_sqlite(url: str, base: Path) -> str:
    if "://" not in url:  # a plain path to an SQLite file
        path = Path(url).expanduser()
        return f"sqlite:///{path if path.is_absolute() else base / path}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rest = url[len("sqlite:///") :]
        if rest and rest != ":memory:" and not rest.startswith("?"):
            return f"sqlite:///{base / Path(rest).expanduser()}"
    return url


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
    """An open record store, read and written for one repository (`repository`, its name):
    several repositories may share a database, and every record names its repository."""

    def __init__(self, url: str, repository: str = "") -> None:
        self.url = url
        self.repository = repository
        try:
            parsed = make_url(_driver_url(url))
        except ArgumentError:
            raise StoreError(
                f"--db {url!r}: not a database URL (sqlite:///PATH or postgresql://...)"
            ) from None
        self.dialect = parsed.get_backend_name()
        self.created = False
        if self.dialect not in {"sqlite", "postgresql"}:
            raise StoreError(f"{shown(url)}: only SQLite and PostgreSQL are supported")
        if self.dialect == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise StoreError(
                    f"{url}: an in-memory database would lose every record; give a file"
                )
            database = Path(parsed.database)
            self.created = not database.exists()
            if database.parent.name == ".techlead":  # the default place: made when needed
                try:
                    database.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"{database.parent}: cannot create: {exc.strerror}") from None
                _ignore_in_git(database.parent)
            elif not database.parent.is_dir():
                raise StoreError(f"{database.parent}: no such directory for the database")
        try:
            self.engine = self._engine(parsed.render_as_string(hide_password=False))
        except ModuleNotFoundError as exc:
            needed = missing_extra(exc)  # psycopg, without the postgres extra
            if needed is not None:
                raise needed from None
            raise StoreError(f"{shown(url)}: driver {exc.name} is not installed") from None

    def scoped(self, repository: str) -> Store:
        """The same database (and connection pool) for another repository's records."""
        other = copy.copy(self)
        other.repository = repository
        return other

    def _engine(self, url: str, foreign_keys: bool = True) -> Engine:
        if self.dialect == "postgresql":
            return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        engine = create_engine(url, connect_args={"timeout": 30})
        enforce = "ON" if foreign_keys else "OFF"

        @event.listens_for(engine, "connect")
        def _configure(connection: Any, _record: Any) -> None:
            connection.isolation_level = None  # transactions are begun below, not by the driver
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute(f"PRAGMA foreign_keys={enforce}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # deleted records (purged candidates above all) are overwritten, not left in free pages
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # writers queue on the lock up front; readers only need a consistent snapshot
            reading = connection.get_execution_options().get(_READING, False)
            connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

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
            reason = _reason(exc)
            hint = (
                "another techlead command is writing (an import?); try again when it is done"
                if "locked" in reason
                else None
            )
            raise StoreError(f"{shown(self.url)}: {reason}", hint=hint) from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only transaction (a snapshot; on SQLite it takes no write lock)."""
        try:
            with self.engine.connect() as opened:
                connection = opened.execution_options(**{_READING: True})
                with connection.begin():
                    yield connection
        except DBAPIError as exc:
            if not isinstance(exc.orig, _OPERATIONAL):
                raise
            raise StoreError(f"{shown(self.url)}: {_reason(exc)}") from None

    def follow_rename(self) -> str | None:
        """In a repository's own store, records kept under one other name (the directory was
        renamed) and none under this one are renamed along, in every table that names a
        repository (`models.repository_tables`); the old name, if it happened."""
        from sqlalchemy import select, union, update

        from techlead.store.models import repository_tables

        tables = repository_tables()
        names = union(*(select(table.c.repository) for table in tables))
        with self.reading() as connection:  # every command asks: no write lock for it
            found = [str(name) for name in connection.execute(names).scalars()]
        if len(found) != 1 or found[0] == self.repository:
            return None
        with self.session() as session:
            for table in tables:
                session.execute(
                    update(table)
                    .where(table.c.repository == found[0])
                    .values(repository=self.repository)
                )
        return found[0]

    @contextlib.contextmanager
    def migrating(self) -> Iterator[Session]:
        """One transaction for migrations, holding the migration lock. On SQLite it runs on its
        own connection with foreign keys off, as SQLite requires for rebuilding a table (with
        them on, dropping the old table would cascade to its children); the keys are checked
        before it commits."""
        if self.dialect == "postgresql":
            with self.session() as session:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
                yield session
            return
        engine = self._engine(self.engine.url.render_as_string(hide_password=False), False)
        try:
            with Session(engine) as session, session.begin():
                yield session
                broken = session.execute(text("PRAGMA foreign_key_check")).first()
                if broken is not None:
                    raise StoreError(
                        f"{shown(self.url)}: migration broke a reference in {broken[0]}"
                    )
        finally:
            engine.dispose()

    def checkpoint(self) -> None:
        """Move SQLite's write-ahead log into the database file and empty it, so data just
        deleted (and overwritten: secure_delete) lingers in no side file."""
        if self.dialect == "sqlite":
            raw = self.engine.raw_connection()  # outside any transaction, as SQLite requires
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()

    def close(self) -> None:
        self.engine.dispose()


def _operational_errors() -> tuple[type[Exception], ...]:
    """Driver errors that are about the database being reachable and usable, not our SQL."""
    import sqlite3

    try:
        import psycopg
    except ModuleNotFoundError:  # without the postgres extra only SQLite can be opened
        return (sqlite3.DatabaseError,)

    # sqlite3.DatabaseError includes integrity and lock errors
    return (sqlite3.DatabaseError, psycopg.OperationalError, psycopg.IntegrityError)


_OPERATIONAL = _operational_errors()


def _reason(exc: DBAPIError) -> str:
    original = str(exc.orig).strip().splitlines()
    return original[0] if original else exc.__class__.__name__


def _ignore_in_git(directory: Path) -> None:
    """The default `.techlead/` directory never shows up as untracked files."""
    if directory.name == ".techlead":
        ignore = directory / ".gitignore"
        if not os.path.lexists(ignore):  # a committed symlink there is not written through
            with contextlib.suppress(OSError):
                ignore.write_text("*\n", encoding="utf-8")


def open_store(url: str, repository: str) -> Store:
    """Open the store at `url` for `repository`'s records and bring its schema up to date."""
    from techlead.store.migrate import upgrade

    store = Store(url, repository)
    try:
        upgrade(store)
    except DBAPIError as exc:
        store.close()
        raise StoreError(f"{shown(url)}: {_reason(exc)}") from None
    except BaseException:
        store.close()
        raise
    return store
