"""The decision log as rows: the records in the configured directory, and those that need the
lead (past their review date, or proposed and undecided for too long)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from techlead.config import Settings
from techlead.decisions.frozen import checked_rules, shown
from techlead.decisions.records import Decision
from techlead.decisions.rules import rules_of
from techlead.decisions.store import decision_directory, load_decisions
from techlead.decisions.views import relations
from techlead.errors import TechleadError
from techlead.output import Record, plain
from techlead.project import Project


class DecisionRow(Record):
    """One decision record as a row of the log."""

    number: int
    title: str
    status: str = Field(description="proposed, accepted, deprecated, superseded, rejected, ...")
    status_text: str = Field(description='The status as written ("Superseded by ADR-3").')
    date: str | None
    review_by: dt.date | None = Field(description="When it is due for review.")
    file: str = Field(description="Its file in the decision directory.")


class DecisionLink(Record):
    label: str = Field(description='How it relates ("Amends", "Superseded by", ...).')
    target: str


class DecisionDetail(DecisionRow):
    """One decision record: its row, its links and the rules it makes enforceable."""

    links: list[DecisionLink]
    rules: list[dict[str, Any]] = Field(description="Its rules: `id`, then the rule's fields.")


class DecisionWithText(DecisionDetail):
    """One decision record and its Markdown (the dashboard's JSON twin)."""

    text: str


class DecisionRelation(Record):
    model_config = ConfigDict(populate_by_name=True)

    from_: int = Field(alias="from")
    to: int
    label: str


class RuleViolation(Record):
    """Code that breaks a rule of an accepted decision (and is not frozen in the baseline)."""

    adr: int
    rule: str
    file: str
    line: int | None
    message: str


class RuleCheck(Record):
    """The rules of the accepted decisions, checked against the working tree."""

    rules: int
    violations: list[RuleViolation]
    frozen: int = Field(description="Violations frozen in [decisions] baseline.")
    baseline: str | None
    error: str | None = Field(description="A record, rule or baseline that cannot be read.")


class DecisionLogOverview(Record):
    """The decision log, how its records relate and the rule check."""

    decisions: list[DecisionRow]
    relations: list[DecisionRelation]
    check: RuleCheck


def decision_log(root: Path, settings: Settings) -> list[Decision]:
    """The repository's decision records; none when their directory does not exist."""
    directory = decision_directory(root, settings.decisions.directory)
    return load_decisions(directory) if directory.is_dir() else []


def decision_record(record: Decision) -> DecisionRow:
    """One record as a row of the log."""
    return DecisionRow(
        number=record.number,
        title=record.title,
        status=record.status,
        status_text=record.status_text,
        date=record.date,
        review_by=record.review_by,
        file=record.path.name,
    )


def decision_row(record: Decision) -> dict[str, Any]:
    """One record as a row of the log, as plain data."""
    row: dict[str, Any] = plain(decision_record(record))
    return row


def decision_detail(record: Decision) -> DecisionDetail:
    """One record with its links and rules (RecordError when a rule cannot be read)."""
    return DecisionDetail(
        **decision_record(record).model_dump(),
        links=[DecisionLink(label=link.label, target=link.target) for link in record.links],
        rules=[
            {"id": bound.rule_id, **bound.rule.model_dump(exclude_none=True)}
            for bound in rules_of(record)
        ],
    )


def rule_check(ev: Project) -> RuleCheck:
    """The accepted decisions' rules checked against the working tree (once per HEAD)."""

    def run() -> RuleCheck:
        try:
            result = checked_rules(ev.repo, ev.settings)
        except TechleadError as error:  # a record, rule or baseline that cannot be read
            return RuleCheck(rules=0, violations=[], frozen=0, baseline=None, error=error.message)
        return RuleCheck(
            rules=len(result.rules),
            violations=[
                RuleViolation(
                    adr=v.adr.number,
                    rule=v.rule.rule_id,
                    file=v.file,
                    line=v.line,
                    message=v.message,
                )
                for v in result.new
            ],
            frozen=len(result.frozen),
            baseline=shown(result.baseline, ev.repo.root) if result.baseline else None,
            error=None,
        )

    found: RuleCheck = ev.derived("rule_check", run)
    return found


def decision_log_overview(ev: Project) -> DecisionLogOverview:
    """The repository's decision log, how the records relate and the rule check."""
    records = decision_log(ev.repo.root, ev.settings)
    return DecisionLogOverview(
        decisions=[decision_record(record) for record in records],
        relations=[
            DecisionRelation(from_=a, to=b, label=label) for a, b, label in relations(records)
        ],
        check=rule_check(ev),
    )


def stale_decisions(records: list[Decision], today: dt.date, days: int) -> list[dict[str, Any]]:
    """Records past their review date, or proposed and undecided for longer than `days`."""
    stale = []
    for record in records:
        proposed_on = _date(record.date)
        overdue = record.review_by is not None and record.review_by < today
        waiting = record.status == "proposed" and proposed_on and (today - proposed_on).days > days
        if overdue or waiting:
            stale.append(
                {**decision_row(record), "why": "review overdue" if overdue else "undecided"}
            )
    return stale


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
