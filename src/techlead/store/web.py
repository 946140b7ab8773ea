"""The record store as a FastAPI dependency."""

from __future__ import annotations

from fastapi import Request

from techlead.store.database import Store


async def record_store(request: Request) -> Store:
    """The open store of the server (one engine and connection pool for every request)."""
    store: Store = request.app.state.store
    return store


def record_version(store: Store) -> tuple[object, ...]:
    """Changes whenever records change (by this server or any other writer): counts and the
    latest change times. Pages derived from records are cached under it."""
    from sqlalchemy import func, select

    from techlead.store.models import ActionItem, Incident, WorkItem

    with store.session() as session:
        incidents = session.execute(
            select(func.count(Incident.id), func.max(Incident.updated_at))
        ).one()
        actions = session.execute(
            select(func.count(ActionItem.id), func.count(ActionItem.done_at))
        ).one()
        items = session.execute(
            select(func.count(WorkItem.id), func.max(WorkItem.imported_at))
        ).one()
    return (*incidents, *actions, *items)
