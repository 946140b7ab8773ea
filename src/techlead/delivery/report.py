"""The delivery result the CLI, the dashboard and `org delivery` render: the keys per period
(newest first), the whole, its DORA levels (or why there are none), and every deployment."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field

from techlead.delivery.deployments import Deployments
from techlead.delivery.metrics import Keys, Shipped, as_row, classify, keys
from techlead.history.periods import calendar_periods, newest_first, shown_note
from techlead.output import Record


class KeysRow(Record):
    """The DORA keys over one period (or `all` of them)."""

    period: str = Field(description='"all", or a week, month or quarter (2026-W48, 2026-11, ...).')
    deployments: int
    per_week: float = Field(description="Deployment frequency.")
    lead_time_median_h: float | None = Field(description="Commit to deployment, median hours.")
    lead_time_p85_h: float | None
    change_failure_rate: float | None = Field(description="Failed deployments' share.")
    recovery_median_h: float | None = Field(description="Failure to recovery, median hours.")
    rework_rate: float | None = Field(description="Unplanned deployments' share (hotfixes).")


class DeliveryKeysRecord(Record):
    """The DORA keys: the whole, then each period shown, newest first."""

    source: str = Field(description="Where the deployments come from (tags or a deploy log).")
    tag_pattern: str | None
    tag_pattern_detected: bool | None
    prereleases_left_out: int | None
    deployments: int
    period: str = Field(description="week, month or quarter")
    periods_shown: int
    periods_total: int
    rows: list[KeysRow]
    levels: dict[str, str] = Field(description="The DORA 2024 level of each key, when rated.")
    not_rated: str | None = Field(description="Why there are no levels.")


class DeploymentRecord(Record):
    """One deployment: what it shipped for the first time, and why it counts as failed."""

    deployment: str = Field(description="Its tag (or commit).")
    commit: str
    deployed_at: datetime
    environment: str | None
    commits: int = Field(description="Commits it shipped for the first time.")
    lead_time_median_h: float | None
    failed: bool
    why: str | None = Field(description="Why it counts as failed.")
    rework: bool = Field(description="Whether it was unplanned (a hotfix).")
    recovery_h: float | None


class DeploymentListing(Record):
    """Every deployment, newest first."""

    source: str
    failed: int
    deployments: list[DeploymentRecord]


@dataclass(frozen=True)
class DeliveryKeys:
    source: Deployments
    unit: str  # week, month or quarter
    overall: Keys  # every deployment, whatever the unit
    periods: list[Keys]  # newest first: the ones shown
    periods_total: int
    levels: dict[str, str]  # DORA 2024 level per key; empty when not rated
    not_rated: str | None  # why there are no levels
    shipped: list[Shipped]  # oldest first

    @property
    def periods_note(self) -> str:
        return shown_note(len(self.periods), self.periods_total, self.unit)


def delivery_keys(
    source: Deployments,
    shipped: list[Shipped],
    unit: str,
    min_deployments: int,
    every: bool = False,
) -> DeliveryKeys:
    """The keys per `unit` (the newest RECENT_PERIODS unless `every`) and overall. The whole
    spans the calendar months from the first deployment to the last, so it does not change
    with `unit`; it gets DORA levels only from `min_deployments` deployments on."""
    first, last = source.deployments[0].at.date(), source.deployments[-1].at.date()
    spans = calendar_periods(first, last, unit)
    months = calendar_periods(first, last, "month")
    overall = keys(shipped, "all", months[0][1], months[-1][2])
    if overall.deployments >= min_deployments:
        levels, why = classify(overall), None
    else:
        levels = {}
        why = (
            f"no DORA level: {overall.deployments} deployments, fewer than the "
            f"{min_deployments} a level needs ([delivery] min_deployments)"
        )
    shown = newest_first(spans, every)
    return DeliveryKeys(
        source,
        unit,
        overall,
        [keys(shipped, label, start, end) for label, start, end in shown],
        len(spans),
        levels,
        why,
        shipped,
    )


def keys_rows(result: DeliveryKeys) -> list[dict[str, Any]]:
    """The whole first, then the periods shown, newest first."""
    return [as_row(k) for k in [result.overall, *result.periods]]


def keys_record(result: DeliveryKeys) -> DeliveryKeysRecord:
    """Everything the table shows, for JSON (the CLI's and the dashboard's twin)."""
    release = result.source.release
    return DeliveryKeysRecord(
        source=result.source.source,
        tag_pattern=release.pattern if release else None,
        tag_pattern_detected=release.detected if release else None,
        prereleases_left_out=release.prereleases_left_out if release else None,
        deployments=result.overall.deployments,
        period=result.unit,
        periods_shown=len(result.periods),
        periods_total=result.periods_total,
        rows=[KeysRow.model_validate(row) for row in keys_rows(result)],
        levels=result.levels,
        not_rated=result.not_rated,
    )


def deployment_rows(shipped: list[Shipped]) -> list[dict[str, Any]]:
    """Every deployment, newest first: what it shipped and why it counts as failed."""
    rows = []
    for item in shipped:
        d = item.deployment
        rows.append(
            {
                "deployment": d.commit[:10] if d.name == d.commit else d.name,
                "commit": d.commit[:10],
                "deployed_at": d.at,
                "environment": d.environment,
                "commits": len(item.commits),
                "lead_time_median_h": (
                    round(statistics.median(item.lead_hours), 1) if item.lead_hours else None
                ),
                "failed": item.failed,
                "why": "; ".join(item.why) or None,
                "rework": item.rework,
                "recovery_h": None
                if item.recovery_hours is None
                else round(item.recovery_hours, 1),
            }
        )
    return list(reversed(rows))


def deployment_listing(source: Deployments, shipped: list[Shipped]) -> DeploymentListing:
    """Every deployment, newest first, and how many failed."""
    return DeploymentListing(
        source=source.source,
        failed=sum(item.failed for item in shipped),
        deployments=[DeploymentRecord.model_validate(row) for row in deployment_rows(shipped)],
    )
