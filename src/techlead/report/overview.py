"""The repository at a glance: its history in numbers and the first thing to look at per
capability — what the dashboard's overview page, its JSON twin and the stakeholder report
show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from techlead.debt.hotspots import ranked_hotspots
from techlead.decisions.log import decision_log, stale_decisions
from techlead.history.summary import ScanSummary, summarize
from techlead.incidents.detail import open_incident_rows
from techlead.planning.outlook import next_forecast
from techlead.project import Project
from techlead.store.changes import record_version
from techlead.store.database import Store
from techlead.team.truck_factor import overall_truck_factor

STALE_PROPOSAL_DAYS = 30


def overview(ev: Project, store: Store) -> dict[str, Any]:
    """Everything the overview shows, as plain data (cached until history or records change)."""
    key = f"overview:{record_version(store)}:{dt.date.today()}"
    result: dict[str, Any] = ev.derived(key, lambda: _overview(ev, store))
    return result


def _overview(ev: Project, store: Store) -> dict[str, Any]:
    summary = repository_summary(ev)
    truck = overall_truck_factor(ev)
    records = decision_log(ev.repo.root, ev.settings)
    return {
        "summary": summary,
        "hotspots": ranked_hotspots(ev).head(5).to_dicts(),
        "truck_factor": {
            "truck_factor": truck.truck_factor,
            "would_have_to_leave": truck.removed,
            "files": truck.files,
        },
        "open_incidents": open_incident_rows(store),
        "forecast": next_forecast(ev, store),
        "stale_decisions": stale_decisions(records, dt.date.today(), STALE_PROPOSAL_DAYS),
    }


def repository_summary(ev: Project) -> ScanSummary:
    """The history in numbers, without where the server keeps the repository and its cache."""

    def shown() -> ScanSummary:
        summary = summarize(ev.result())
        return dataclasses.replace(summary, repo=ev.repo.root.name, cache_dir="")

    return ev.derived("summary", shown)
