"""When a repository's records last changed: the key that results derived from records are
cached under."""

from __future__ import annotations

from sqlalchemy import text

from techlead.store.database import Store

_VERSION = """
SELECT
  (SELECT count(id) FROM incidents WHERE repository = :r),
  (SELECT max(updated_at) FROM incidents WHERE repository = :r),
  (SELECT count(a.id) FROM action_items a JOIN incidents i ON i.id = a.incident_id
   WHERE i.repository = :r),
  (SELECT count(a.done_at) FROM action_items a JOIN incidents i ON i.id = a.incident_id
   WHERE i.repository = :r),
  (SELECT count(id) FROM work_items WHERE repository = :r),
  (SELECT max(imported_at) FROM work_items WHERE repository = :r)
"""


def record_version(store: Store) -> tuple[object, ...]:
    """Changes whenever the repository's records change (by this server or any other writer):
    counts and the latest change times, read in one indexed statement (plain SQL: it runs on
    every page built from records). Pages derived from records are cached under it."""
    with store.reading() as connection:
        return tuple(connection.execute(text(_VERSION), {"r": store.repository}).one())
