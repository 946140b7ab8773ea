"""The delivery result the CLI, the dashboard and `org delivery` render: the keys per period
(newest first), the whole, its DORA levels (or why there are none), and every deployment."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from techlead.delivery.deployments import Deployments
from techlead.delivery.metrics import Keys, Shipped, as_row, classify, keys
from techlead.history.periods import calendar_periods, newest_first, shown_note


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


def as_dict(result: DeliveryKeys) -> dict[str, Any]:
    """Everything the table shows, for JSON (the CLI's and the dashboard's twin)."""
    release = result.source.release
    return {
        "source": result.source.source,
        "tag_pattern": release.pattern if release else None,
        "tag_pattern_detected": release.detected if release else None,
        "prereleases_left_out": release.prereleases_left_out if release else None,
        "deployments": result.overall.deployments,
        "period": result.unit,
        "periods_shown": len(result.periods),
        "periods_total": result.periods_total,
        "rows": keys_rows(result),
        "levels": result.levels,
        "not_rated": result.not_rated,
    }


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
