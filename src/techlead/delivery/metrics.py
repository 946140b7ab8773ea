"""The DORA keys of a series of deployments.

Definitions (per period, by the deployment's time):

* deployment frequency: deployments per week;
* change lead time: for each commit a deployment shipped for the first time (reachable from
  it, not from any earlier deployment, whichever branch carried it; merges left out),
  deployment time - the commit's author time; median and 85th percentile;
* change failure rate: failed deployments / deployments. A deployment failed when the log
  says so, when an incident links a commit it shipped, when a commit shipped later and
  committed within the revert window reverts one of its commits ("This reverts commit …"),
  or when the next deployment is a hotfix;
* failed deployment recovery time: from a failed deployment to the next deployment that
  did not fail; median;
* deployment rework rate: unplanned deployments (hotfixes, or shipping a revert) /
  deployments.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from techlead.delivery.deployments import Deployment
from techlead.history.git import Repository, run_git
from techlead.plurals import counted

_REVERT = re.compile(r"This reverts commit ([0-9a-f]{7,40})")
HOUR = 3600.0
DAY = 86400.0
# id, author time, committer time, message; records end with \x1e
_LOG_FORMAT = "--format=%H%x1f%at%x1f%ct%x1f%B%x1e"


@dataclass
class Shipped:
    deployment: Deployment
    commits: list[str]
    lead_hours: list[float]
    failed: bool = False
    why: list[str] = field(default_factory=list)
    rework: bool = False
    recovery_hours: float | None = None


@dataclass(frozen=True)
class _Commit:
    author_time: float
    committer_time: float
    message: str


def _new_commits(repo: Repository, tip: str, earlier: list[str]) -> dict[str, _Commit]:
    """The non-merge commits reachable from `tip` and from none of `earlier`, newest first."""
    revisions = "\n".join([tip, *(f"^{c}" for c in earlier)]) + "\n"
    out = run_git(
        repo.root, ["log", "--no-merges", _LOG_FORMAT, "--stdin"], stdin=revisions.encode()
    ).stdout.decode("utf-8", "replace")
    found = {}
    for record in out.split("\x1e"):
        parts = record.strip("\n").split("\x1f", 3)
        if len(parts) == 4:
            found[parts[0]] = _Commit(float(parts[1]), float(parts[2]), parts[3])
    return found


def ship(
    repo: Repository,
    deployments: list[Deployment],
    incident_commits: set[str],
    hotfix_pattern: str,
    revert_window_days: float,
) -> list[Shipped]:
    """What each deployment shipped for the first time, and which failed (oldest first)."""
    shipped: list[Shipped] = []
    owner: dict[str, int] = {}
    facts: dict[str, _Commit] = {}
    tips: list[str] = []
    for index, deployment in enumerate(deployments):
        mine = _new_commits(repo, deployment.commit, tips) if deployment.commit not in tips else {}
        for commit in mine:
            owner[commit] = index
        facts.update(mine)
        at = deployment.at.timestamp()
        # the first deployment is the baseline: it ships the whole history before it
        lead = [] if index == 0 else [max(at - c.author_time, 0.0) / HOUR for c in mine.values()]
        shipped.append(Shipped(deployment, list(mine), lead))
        tips.append(deployment.commit)
    _failures(shipped, owner, facts, incident_commits, hotfix_pattern, revert_window_days)
    _recoveries(shipped)
    return shipped


def _failures(
    shipped: list[Shipped],
    owner: dict[str, int],
    facts: dict[str, _Commit],
    incident_commits: set[str],
    hotfix_pattern: str,
    window_days: float,
) -> None:
    for index, item in enumerate(shipped):
        if not item.deployment.succeeded:
            item.failed = True
            item.why.append(f"deploy log status {item.deployment.status or 'failed'}")
        if fnmatch.fnmatchcase(item.deployment.name, hotfix_pattern):
            item.rework = True
            if index > 0:
                shipped[index - 1].failed = True
                shipped[index - 1].why.append(f"hotfix {item.deployment.name} after it")
        for commit in item.commits:
            for reverted in _REVERT.findall(facts[commit].message):
                target = reverted if reverted in owner else _prefixed(owner, reverted)
                # reverted before it shipped: nothing failed in production
                if target is None or owner[target] >= index:
                    continue
                item.rework = True
                failed = shipped[owner[target]]
                days = (facts[commit].committer_time - failed.deployment.at.timestamp()) / DAY
                if days <= window_days:
                    failed.failed = True
                    failed.why.append(
                        f"{commit[:10]} reverts {target[:10]} {_days(days)} after it shipped "
                        f"(within {window_days:g} days)"
                    )
        for commit in item.commits:
            if any(commit.startswith(linked) for linked in incident_commits):
                item.failed = True
                item.why.append(f"an incident links {commit[:10]}")
                break


def _days(days: float) -> str:
    if days < 1:
        return f"{max(days * 24, 0):.0f} h"
    return counted(round(days), "day")


def _prefixed(commits: dict[str, int], prefix: str) -> str | None:
    """The commit an abbreviated id names (git writes full ids in reverts; people may not)."""
    return next((c for c in commits if c.startswith(prefix)), None)


def _recoveries(shipped: list[Shipped]) -> None:
    for index, item in enumerate(shipped):
        if item.failed:
            later = next((s for s in shipped[index + 1 :] if not s.failed), None)
            if later is not None:
                spent = later.deployment.at - item.deployment.at
                item.recovery_hours = spent.total_seconds() / HOUR


@dataclass(frozen=True)
class Keys:
    period: str
    deployments: int
    per_week: float
    lead_time_median_hours: float | None
    lead_time_p85_hours: float | None
    change_failure_rate: float | None
    recovery_median_hours: float | None
    rework_rate: float | None


def keys(shipped: list[Shipped], period: str, start: dt.date, end: dt.date) -> Keys:
    """The keys of the deployments in [start, end) (calendar days: frequency is per week of
    the whole period)."""
    days = max((end - start).days, 1)
    mine = [s for s in shipped if start <= s.deployment.at.date() < end]
    leads = [h for s in mine for h in s.lead_hours]
    recoveries = [s.recovery_hours for s in mine if s.recovery_hours is not None]
    count = len(mine)
    return Keys(
        period,
        count,
        count / days * 7,
        statistics.median(leads) if leads else None,
        float(np.percentile(leads, 85, method="inverted_cdf")) if leads else None,
        sum(s.failed for s in mine) / count if count else None,
        statistics.median(recoveries) if recoveries else None,
        sum(s.rework for s in mine) / count if count else None,
    )


def classify(overall: Keys) -> dict[str, str]:
    """Each key against the DORA 2024 clusters (elite, high, medium, low)."""

    def frequency(per_week: float) -> str:
        if per_week >= 7:
            return "elite (on demand, daily or more)"
        if per_week >= 1:
            return "high (daily to weekly)"
        if per_week >= 12 / 52:
            return "medium (weekly to monthly)"
        return "low (monthly or less)"

    def lead(hours: float | None) -> str:
        if hours is None:
            return "-"
        if hours < 24:
            return "elite (under a day)"
        if hours < 24 * 7:
            return "high (a day to a week)"
        if hours < 24 * 30:
            return "medium (a week to a month)"
        return "low (over a month)"

    def failures(rate: float | None) -> str:
        if rate is None:
            return "-"
        levels = {
            "elite (about 5%)": 0.05,
            "medium (about 10%)": 0.10,
            "high (about 20%)": 0.20,
            "low (about 40%)": 0.40,
        }
        return min(levels, key=lambda name: abs(levels[name] - rate))

    def recovery(hours: float | None) -> str:
        if hours is None:
            return "-"
        if hours < 1:
            return "elite (under an hour)"
        if hours < 24:
            return "high or medium (under a day)"
        return "low (a day or more)"

    return {
        "deployment frequency": frequency(overall.per_week),
        "change lead time": lead(overall.lead_time_median_hours),
        "change failure rate": failures(overall.change_failure_rate),
        "failed deployment recovery time": recovery(overall.recovery_median_hours),
    }


KEYS_SCHEMA = {
    "period": pl.String,
    "deployments": pl.Int64,
    "per_week": pl.Float64,
    "lead_time_median_h": pl.Float64,
    "lead_time_p85_h": pl.Float64,
    "change_failure_rate": pl.Float64,
    "recovery_median_h": pl.Float64,
    "rework_rate": pl.Float64,
}


def as_row(k: Keys) -> dict[str, Any]:
    """The keys as a table row (hours and rates rounded)."""
    return {
        "period": k.period,
        "deployments": k.deployments,
        "per_week": round(k.per_week, 2),
        "lead_time_median_h": _round(k.lead_time_median_hours),
        "lead_time_p85_h": _round(k.lead_time_p85_hours),
        "change_failure_rate": _round(k.change_failure_rate, 3),
        "recovery_median_h": _round(k.recovery_median_hours),
        "rework_rate": _round(k.rework_rate, 3),
    }


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)
