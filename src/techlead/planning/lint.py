"""Story lint: open backlog items that are not ready to be worked on, or have stalled.

Sizes and ages are judged against the team's own history: the cycle time of finished items
(from when work started, else from creation, to done) sets the percentile (85th by default)
beyond which work in progress is aging, and a size whose finished items usually took longer
than that percentile is too big to plan with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from techlead.config import PlanningSettings
from techlead.planning.criteria import acceptance_criteria, is_given_when_then, vague_criteria
from techlead.planning.items import DONE, IN_PROGRESS
from techlead.planning.throughput import counted

MIN_HISTORY = 10  # finished items needed before sizes and ages are judged by history
MIN_PER_SIZE = 3


@dataclass(frozen=True)
class Finding:
    key: str
    title: str
    rule: str
    message: str


@dataclass(frozen=True)
class LintResult:
    findings: list[Finding]
    checked: int
    cycle_time_percentile: float | None  # days; None when the history is too short
    notes: list[str]


def cycle_days(items: pl.DataFrame, settings: PlanningSettings) -> pl.DataFrame:
    """Finished items with their cycle time in days."""
    done = (
        items.filter(
            pl.Series(
                [counted(row, settings) for row in items.iter_rows(named=True)], dtype=pl.Boolean
            )
        )
        if items.height
        else items
    )
    return done.with_columns(
        cycle_days=(
            pl.col("resolved_at") - pl.coalesce("started_at", "created_at")
        ).dt.total_seconds()
        / 86400
    ).filter(pl.col("cycle_days") >= 0)


def open_items(items: pl.DataFrame, settings: PlanningSettings) -> pl.DataFrame:
    """Items not yet done, containers and sub-tasks (`excluded_types`) left out."""
    excluded = [name.casefold() for name in settings.excluded_types]
    return items.filter(
        (pl.col("category") != DONE)
        & ~pl.col("type").fill_null("").str.to_lowercase().is_in(excluded)
    )


def lint_backlog(items: pl.DataFrame, settings: PlanningSettings, now: dt.datetime) -> LintResult:
    unfinished = open_items(items, settings)
    finished = cycle_days(items, settings)
    notes: list[str] = []
    limit: float | None = None
    too_big: tuple[float, float] | None = None
    if finished.height >= MIN_HISTORY:
        limit = float(
            np.percentile(finished.get_column("cycle_days").to_numpy(), settings.percentile)
        )
        too_big = _oversized_size(finished, limit)
    else:
        notes.append(
            f"{finished.height} finished items with a cycle time (fewer than {MIN_HISTORY}): "
            "aging and size are not judged by history"
        )
    findings: list[Finding] = []
    for item in unfinished.iter_rows(named=True):
        findings += _criteria_findings(item, settings)
        findings += _size_findings(item, settings, too_big, limit)
        findings += _aging_findings(item, settings, limit, now)
    return LintResult(findings, unfinished.height, limit, notes)


def _finding(item: dict[str, Any], rule: str, message: str) -> Finding:
    return Finding(str(item["key"]), str(item["title"]), rule, message)


def _criteria_findings(item: dict[str, Any], settings: PlanningSettings) -> list[Finding]:
    criteria = acceptance_criteria(item["description"], item["acceptance"])
    if not criteria:
        return [_finding(item, "no-acceptance-criteria", "no acceptance criteria")]
    found = [
        _finding(
            item,
            "untestable-criterion",
            f"{vague.criterion!r} is not testable ({', '.join(vague.words)}): say how it is "
            "measured",
        )
        for vague in vague_criteria(criteria, settings.vague_words)
    ]
    if settings.require_given_when_then and not is_given_when_then(criteria):
        found.append(
            _finding(item, "no-given-when-then", "acceptance criteria are not Given/When/Then")
        )
    return found


def _aging_findings(
    item: dict[str, Any], settings: PlanningSettings, limit: float | None, now: dt.datetime
) -> list[Finding]:
    if limit is None or item["category"] != IN_PROGRESS:
        return []
    age = (now - (item["started_at"] or item["created_at"])).total_seconds() / 86400
    if age <= limit:
        return []
    took = f"longer than {settings.percentile:g}% of finished items took ({limit:.1f} days)"
    return [_finding(item, "aging", f"in progress for {age:.0f} days, {took}")]


def _size_findings(
    item: dict[str, Any],
    settings: PlanningSettings,
    too_big: tuple[float, float] | None,
    limit: float | None,
) -> list[Finding]:
    points = item["points"]
    if points is None:
        return []
    if settings.max_points is not None and points > settings.max_points:
        message = f"{points:g} points, more than the limit of {settings.max_points:g}: split it"
        return [_finding(item, "oversized", message)]
    if too_big is not None and limit is not None and points >= too_big[0]:
        size, median = too_big
        message = (
            f"{points:g} points: finished items of {size:g}+ points took a median of "
            f"{median:.1f} days, longer than {settings.percentile:g}% of all finished items "
            f"({limit:.1f} days): split it"
        )
        return [_finding(item, "oversized", message)]
    return []


def _oversized_size(finished: pl.DataFrame, limit: float) -> tuple[float, float] | None:
    """The smallest size whose finished items (this size or bigger) took a median beyond limit."""
    sized = finished.filter(pl.col("points").is_not_null())
    for size in sorted(set(sized.get_column("points").to_list())):
        bigger = sized.filter(pl.col("points") >= size)
        if sized.filter(pl.col("points") == size).height < MIN_PER_SIZE:
            continue
        median = float(np.median(bigger.get_column("cycle_days").to_numpy()))
        if median > limit:
            return size, median
    return None
