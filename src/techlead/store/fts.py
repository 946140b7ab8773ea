"""SQLite's full-text index over incidents: an external-content FTS5 table kept in step with
`incidents` by triggers (created by migration 0001; re-created whenever a migration rebuilds
the table, since SQLite drops a table's triggers with it)."""

from __future__ import annotations

SQLITE_TRIGGERS = (
    "CREATE TRIGGER incidents_search_insert AFTER INSERT ON incidents BEGIN "
    "INSERT INTO incident_search(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
    "CREATE TRIGGER incidents_search_delete AFTER DELETE ON incidents BEGIN "
    "INSERT INTO incident_search(incident_search, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); END",
    "CREATE TRIGGER incidents_search_update AFTER UPDATE ON incidents BEGIN "
    "INSERT INTO incident_search(incident_search, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); "
    "INSERT INTO incident_search(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
)
