"""Releases, the go/no-go checks run on them, and their sign-offs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from techlead.store.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _of_release(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("release_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f(f"fk_{name}_release_id_releases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_release_id"), name, ["release_id"])


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("repository", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint("repository", "name", name=op.f("uq_releases_repository")),
    )
    _of_release(
        "release_checks",
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("commit", sa.String(64), nullable=True),
        sa.Column("go", sa.Boolean(), nullable=False),
        sa.Column("gates", sa.JSON(), nullable=False),
    )
    _of_release(
        "release_signoffs",
        sa.Column("role", sa.String(50), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("release_signoffs")
    op.drop_table("release_checks")
    op.drop_table("releases")
