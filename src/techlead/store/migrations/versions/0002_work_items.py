"""Backlog items imported from trackers, and their status transitions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from techlead.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("type", sa.String(100), nullable=True),
        sa.Column("status", sa.String(100), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("resolution", sa.String(100), nullable=True),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("sprints", sa.JSON(), nullable=False),
        sa.Column("parent", sa.String(200), nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("acceptance", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_items")),
        sa.UniqueConstraint("source", "key", name=op.f("uq_work_items_source")),
    )
    op.create_index(op.f("ix_work_items_category"), "work_items", ["category"])
    op.create_table(
        "work_item_transitions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("from_status", sa.String(100), nullable=True),
        sa.Column("to_status", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["work_items.id"],
            name=op.f("fk_work_item_transitions_item_id_work_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_item_transitions")),
    )
    op.create_index("ix_work_item_transitions_item_at", "work_item_transitions", ["item_id", "at"])


def downgrade() -> None:
    op.drop_table("work_item_transitions")
    op.drop_table("work_items")
