"""Bringing a store's schema to this version's head revision, or refusing a newer one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from techlead.store.database import Store, StoreError, shown

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(store: Store) -> None:
    """Migrate to the head revision (once, even with several processes starting together)."""
    config = _config()
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    current = current_revision(store)
    if current == head:
        return
    if current is not None and current not in {
        script.revision for script in scripts.walk_revisions()
    }:
        raise StoreError(
            f"{shown(store.url)}: written by a newer techlead (schema revision {current}); "
            f"this version knows up to {head}",
            hint="upgrade techlead, or use another database with --db",
        )
    with store.migrating() as session:
        connection = session.connection()
        if MigrationContext.configure(connection).get_current_revision() == head:
            return  # another process migrated while this one waited for the lock
        config.attributes["connection"] = connection
        config.attributes["repository"] = store.repository  # owns records stored before 0004
        command.upgrade(config, "head")
