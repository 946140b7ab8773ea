"""Delivery as the dashboard shows it: the DORA keys and every deployment, in one document
(what `techlead delivery` and `techlead delivery deployments` show)."""

from __future__ import annotations

from pydantic import Field

from techlead.delivery.deployments import find_deployments
from techlead.delivery.metrics import ship
from techlead.delivery.report import (
    DeliveryKeysRecord,
    DeploymentRecord,
    delivery_keys,
    deployment_listing,
    keys_record,
)
from techlead.incidents.service import linked_commits
from techlead.project import Project
from techlead.store.changes import record_version
from techlead.store.database import Store


class DeliveryOverview(DeliveryKeysRecord):
    """The DORA keys and every deployment, newest first."""

    periods_note: str = Field(description="Which periods are shown.")
    deployment_list: list[DeploymentRecord]


def delivery_overview(ev: Project, store: Store, unit: str, every: bool) -> DeliveryOverview:
    """The keys per `unit` (every period with `every`) from the release tags, and every
    deployment; a DeploymentError when there are none (cached until history or records
    change)."""
    key = f"delivery:{unit}:{every}:{record_version(store)}"
    result: DeliveryOverview = ev.derived(key, lambda: _delivery_overview(ev, store, unit, every))
    return result


def _delivery_overview(ev: Project, store: Store, unit: str, every: bool) -> DeliveryOverview:
    history = ev.result().history
    rules = ev.settings.delivery
    found = find_deployments(history, None, None, None)
    shipped = ship(
        history.repo,
        found.deployments,
        linked_commits(store),
        rules.hotfix_pattern,
        rules.revert_window_days,
    )
    result = delivery_keys(found, shipped, unit, rules.min_deployments, every)
    return DeliveryOverview(
        **keys_record(result).model_dump(),
        periods_note=result.periods_note,
        deployment_list=deployment_listing(found, shipped).deployments,
    )
