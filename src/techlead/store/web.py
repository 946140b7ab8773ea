"""The record store as a FastAPI dependency."""

from __future__ import annotations

from fastapi import Request

from techlead.store.database import Store


def record_store(request: Request) -> Store:
    """The open store of the server (one engine and connection pool for every request)."""
    store: Store = request.app.state.store
    return store
