"""The repository at a glance: its history in numbers and the first thing to look at per
capability — what the dashboard's overview page, its JSON twin and the stakeholder report
show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from pydantic import Field

from techlead.debt.hotspots import Hotspot, ranked_hotspots
from techlead.decisions.log import DecisionRow, decision_log, stale_decisions
from techlead.history.summary import ScanSummary, summarize
from techlead.incidents.detail import IncidentRow, open_incident_rows
from techlead.output import Record, plain, records
from techlead.planning.outlook import OutlookForecast, next_forecast
from techlead.project import Project
from techlead.store.changes import record_version
from techlead.store.database import Store
from techlead.team.truck_factor import overall_truck_factor

STALE_PROPOSAL_DAYS = 30


class OverviewTruckFactor(Record):
    """The repository's truck factor, as the overview shows it."""

    truck_factor: int = Field(description="How many would have to leave to orphan half the files.")
    would_have_to_leave: list[str] = Field(description="Who they are, the top author first.")
    files: int = Field(description="Files at HEAD it was measured on.")


class NextForecast(OutlookForecast):
    """When the open backlog (or the next 10 items) will be done."""

    unit: str = Field(description="What is counted: items or commits.")
    source: str = Field(description="The imported backlog, or git history.")


class StaleDecision(DecisionRow):
    """A decision past its review date, or proposed and undecided for too long."""

    why: str = Field(description="review overdue, or undecided")


class Overview(Record):
    """The repository at a glance: the overview page, its JSON twin and the stakeholder report."""

    summary: ScanSummary = Field(description="The history in numbers, as `techlead scan` has it.")
    hotspots: list[Hotspot] = Field(description="The five biggest hotspots.")
    truck_factor: OverviewTruckFactor
    open_incidents: list[IncidentRow] = Field(description="Unresolved incidents, newest first.")
    forecast: NextForecast | None = Field(description="Null without recent throughput.")
    stale_decisions: list[StaleDecision]


def overview(ev: Project, store: Store) -> dict[str, Any]:
    """Everything the overview shows, as plain data (cached until history or records change)."""
    result: dict[str, Any] = plain(overview_record(ev, store))
    return result


def overview_record(ev: Project, store: Store) -> Overview:
    """Everything the overview shows (cached until history or records change)."""
    key = f"overview:{record_version(store)}:{dt.date.today()}"
    result: Overview = ev.derived(key, lambda: _overview(ev, store))
    return result


def _overview(ev: Project, store: Store) -> Overview:
    summary = repository_summary(ev)
    truck = overall_truck_factor(ev)
    log = decision_log(ev.repo.root, ev.settings)
    forecast = next_forecast(ev, store)
    return Overview(
        summary=summary,
        hotspots=records(ranked_hotspots(ev).head(5), Hotspot),
        truck_factor=OverviewTruckFactor(
            truck_factor=truck.truck_factor, would_have_to_leave=truck.removed, files=truck.files
        ),
        open_incidents=[IncidentRow.model_validate(row) for row in open_incident_rows(store)],
        forecast=None if forecast is None else NextForecast.model_validate(forecast),
        stale_decisions=[
            StaleDecision.model_validate(row)
            for row in stale_decisions(log, dt.date.today(), STALE_PROPOSAL_DAYS)
        ],
    )


def repository_summary(ev: Project) -> ScanSummary:
    """The history in numbers, without where the server keeps the repository and its cache."""

    def shown() -> ScanSummary:
        summary = summarize(ev.result())
        return dataclasses.replace(summary, repo=ev.repo.root.name, cache_dir="")

    return ev.derived("summary", shown)
