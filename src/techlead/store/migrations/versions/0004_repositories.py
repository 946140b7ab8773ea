"""Several repositories in one record store: incidents and backlog items carry the name of
their repository, and users are granted the repositories they may see.

Records already stored belong to the repository whose command runs this migration (until now
a store held one repository's records); existing non-admin users are granted it, as they saw
it before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from techlead.store.fts import SQLITE_TRIGGERS

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    name = str(context.config.attributes.get("repository") or "")
    with op.batch_alter_table("incidents") as table:
        table.add_column(
            sa.Column("repository", sa.String(100), nullable=False, server_default=name)
        )
        table.drop_constraint(op.f("uq_incidents_external_id"), type_="unique")
        table.create_unique_constraint(
            op.f("uq_incidents_repository"), ["repository", "external_id"]
        )
        # what changed lately in a repository (the dashboard asks on every page)
        table.create_index("ix_incidents_repository_updated", ["repository", "updated_at"])
    with op.batch_alter_table("work_items") as table:
        table.add_column(
            sa.Column("repository", sa.String(100), nullable=False, server_default=name)
        )
        table.drop_constraint(op.f("uq_work_items_source"), type_="unique")
        table.create_unique_constraint(
            op.f("uq_work_items_repository"), ["repository", "source", "key"]
        )
    # the default only fills the rows already there: new rows always name their repository
    for table_name in ("incidents", "work_items"):
        with op.batch_alter_table(table_name) as table:
            table.alter_column("repository", server_default=None)
    _search_triggers()
    op.create_index(op.f("ix_action_items_incident_id"), "action_items", ["incident_id"])
    op.create_table(
        "repository_grants",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("repository", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_repository_grants_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "repository", name=op.f("pk_repository_grants")),
    )
    if name:
        op.execute(
            sa.text(
                "INSERT INTO repository_grants (user_id, repository) "
                "SELECT id, :name FROM users WHERE role <> 'admin'"
            ).bindparams(name=name)
        )


def downgrade() -> None:
    op.drop_table("repository_grants")
    op.drop_index(op.f("ix_action_items_incident_id"), "action_items")
    with op.batch_alter_table("work_items") as table:
        table.drop_constraint(op.f("uq_work_items_repository"), type_="unique")
        table.create_unique_constraint(op.f("uq_work_items_source"), ["source", "key"])
        table.drop_column("repository")
    with op.batch_alter_table("incidents") as table:
        table.drop_index("ix_incidents_repository_updated")
        table.drop_constraint(op.f("uq_incidents_repository"), type_="unique")
        table.create_unique_constraint(op.f("uq_incidents_external_id"), ["external_id"])
        table.drop_column("repository")
    _search_triggers()


def _search_triggers() -> None:
    """On SQLite, rebuilding `incidents` dropped the triggers that keep its search index."""
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS incidents_search_{name}")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
