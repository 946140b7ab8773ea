"""The stored backlog as a Polars frame: what story lint, throughput and listings read."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from techlead.store.database import Store
from techlead.store.models import WorkItem

_TIME = pl.Datetime("us", "UTC")
SCHEMA = pl.Schema(
    {
        "source": pl.String(),
        "key": pl.String(),
        "title": pl.String(),
        "type": pl.String(),
        "status": pl.String(),
        "category": pl.String(),
        "resolution": pl.String(),
        "points": pl.Float64(),
        "assignee": pl.String(),
        "parent": pl.String(),
        "labels": pl.List(pl.String()),
        "sprints": pl.List(pl.String()),
        "description": pl.String(),
        "acceptance": pl.String(),
        "created_at": _TIME,
        "started_at": _TIME,
        "resolved_at": _TIME,
    }
)


def stored_items(store: Store) -> pl.DataFrame:
    """Every imported item, ordered by tracker and key."""
    columns = [getattr(WorkItem, name) for name in SCHEMA.names()]
    with store.session() as session:
        rows = [
            tuple(row)
            for row in session.execute(
                select(*columns)
                .where(WorkItem.repository == store.repository)
                .order_by(WorkItem.source, WorkItem.id)
            )
        ]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row") if rows else SCHEMA.to_frame()


def mentioned_as(key: str) -> str:
    """How a commit message names an imported item: Jira/Linear keys as they are, GitHub
    issues (`owner/repo#12`) as `#12`."""
    return "#" + key.rsplit("#", 1)[1] if "#" in key else key


def keys_labelled(items: pl.DataFrame, labels: list[str]) -> set[str]:
    """Items carrying any of `labels` (case-insensitive), as commit messages name them."""
    wanted = {label.lower() for label in labels}
    if not wanted or items.height == 0:
        return set()
    return {
        mentioned_as(key)
        for key, item_labels in items.select("key", "labels").iter_rows()
        if any(str(label).lower() in wanted for label in item_labels or [])
    }
