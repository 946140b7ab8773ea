"""The record store as a FastAPI dependency."""

from __future__ import annotations

from fastapi import Request

from techlead.pages import RepositoryName
from techlead.store.database import Store


async def record_store(request: Request, name: RepositoryName) -> Store:
    """The record store of the request's repository (its records only; stores on the same
    database share one engine and connection pool)."""
    store: Store = request.app.state.stores[name]
    return store


def record_version(store: Store) -> tuple[object, ...]:
    """Changes whenever records change (by this server or any other writer): counts and the
    latest change times. Pages derived from records are cached under it."""
    from sqlalchemy import func, select

    from techlead.store.models import ActionItem, Incident, WorkItem

    with store.session() as session:
        incidents = session.execute(
            select(func.count(Incident.id), func.max(Incident.updated_at)).where(
                Incident.repository == store.repository
            )
        ).one()
        actions = session.execute(
            select(func.count(ActionItem.id), func.count(ActionItem.done_at))
            .join(Incident)
            .where(Incident.repository == store.repository)
        ).one()
        items = session.execute(
            select(func.count(WorkItem.id), func.max(WorkItem.imported_at)).where(
                WorkItem.repository == store.repository
            )
        ).one()
    return (*incidents, *actions, *items)
