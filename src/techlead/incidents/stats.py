"""Incident metrics over a period.

Definitions (each over the incidents detected in the period that reached the milestone):

* MTTD, mean time to detect: detected - started (impact began).
* MTTA, mean time to acknowledge: acknowledged - detected.
* MTTM, mean time to mitigate: mitigated - detected (impact stopped, perhaps by a workaround).
* MTTR, mean time to resolve: resolved - detected (the cause fixed or the service restored for
  good).
* Post-mortem completion: major incidents that are resolved or closed and have a written
  post-mortem (its file is there and no section is still the template's prompt), over all
  major incidents that are resolved or closed.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techlead.config import Severity
from techlead.incidents.service import (
    OPEN_STATUSES,
    list_actions,
    list_incidents,
    postmortem_written,
)
from techlead.store.database import Store
from techlead.store.models import Incident


@dataclass(frozen=True)
class Interval:
    name: str
    definition: str
    count: int
    mean: dt.timedelta | None
    median: dt.timedelta | None


@dataclass(frozen=True)
class Stats:
    incidents: int
    open: int
    by_severity: dict[str, int]
    by_service: dict[str, int]
    intervals: list[Interval]
    major_done: int
    major_with_postmortem: int
    open_actions: int
    overdue_actions: int

    @property
    def postmortem_rate(self) -> float | None:
        return self.major_with_postmortem / self.major_done if self.major_done else None


_INTERVALS = (
    ("MTTD", "detected - started, where a start was recorded", "started_at", "detected_at"),
    ("MTTA", "acknowledged - detected", "detected_at", "acknowledged_at"),
    ("MTTM", "mitigated - detected", "detected_at", "mitigated_at"),
    ("MTTR", "resolved - detected", "detected_at", "resolved_at"),
)


def _interval(
    incidents: list[Incident], name: str, definition: str, start: str, end: str
) -> Interval:
    spans = [
        getattr(i, end) - getattr(i, start)
        for i in incidents
        if getattr(i, end) is not None and getattr(i, start) is not None
    ]
    if name == "MTTD":  # only incidents whose impact was recorded as starting before detection
        spans = [span for span in spans if span > dt.timedelta(0)]
    seconds = [span.total_seconds() for span in spans]
    return Interval(
        name,
        definition,
        len(spans),
        dt.timedelta(seconds=round(statistics.fmean(seconds))) if seconds else None,
        dt.timedelta(seconds=round(statistics.median(seconds))) if seconds else None,
    )


def incident_stats(
    store: Store,
    root: Path,
    severities: dict[str, Severity],
    since: dt.datetime | None,
    today: dt.date,
) -> Stats:
    incidents = [view.incident for view in list_incidents(store, since=since)]
    major = {name for name, level in severities.items() if level.major}
    done = [i for i in incidents if i.severity in major and i.status in {"resolved", "closed"}]
    with_postmortem = [i for i in done if postmortem_written(i, root)]
    chosen = {i.id for i in incidents}
    open_actions = [a for a in list_actions(store, open_only=True) if a.incident_id in chosen]
    return Stats(
        incidents=len(incidents),
        open=sum(i.status in OPEN_STATUSES for i in incidents),
        by_severity=dict(sorted(Counter(i.severity for i in incidents).items())),
        by_service=dict(Counter(i.service or "(none)" for i in incidents).most_common()),
        intervals=[_interval(incidents, *spec) for spec in _INTERVALS],
        major_done=len(done),
        major_with_postmortem=len(with_postmortem),
        open_actions=len(open_actions),
        overdue_actions=sum(1 for a in open_actions if a.due is not None and a.due < today),
    )


def _seconds(span: dt.timedelta | None) -> float | None:
    return span.total_seconds() if span is not None else None


def stats_document(stats: Stats) -> dict[str, Any]:
    """The statistics as plain data, one shape for `incident stats -f json` and the dashboard's
    JSON twin: every interval with its mean and its median, each labelled."""
    return {
        "incidents": stats.incidents,
        "open": stats.open,
        "by_severity": stats.by_severity,
        "by_service": stats.by_service,
        "intervals": [
            {
                "name": iv.name,
                "definition": iv.definition,
                "count": iv.count,
                "mean_seconds": _seconds(iv.mean),
                "median_seconds": _seconds(iv.median),
            }
            for iv in stats.intervals
        ],
        "postmortem_completion": stats.postmortem_rate,
        "major_resolved": stats.major_done,
        "major_with_postmortem": stats.major_with_postmortem,
        "open_action_items": stats.open_actions,
        "overdue_action_items": stats.overdue_actions,
    }
