"""Throughput: how many items the team finished each day, from the tracker or from git.

Without a tracker, a repository's own history stands in: each change merged into the main
line (a merge commit on the first-parent chain, or a squash-merged pull request whose subject
ends in "(#123)") is one finished item; a history with neither, or `git_unit = "commits"`,
counts every commit on the main line. Bots' changes are left out.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import polars as pl

from techlead.config import PlanningSettings
from techlead.errors import TechleadError
from techlead.planning.items import DONE

Counts = npt.NDArray[np.int64]
_SQUASHED_PULL_REQUEST = re.compile(r"\(#\d+\)\s*$")


class ThroughputError(TechleadError):
    """Not enough finished work to forecast from."""


@dataclass(frozen=True)
class Completions:
    """Finished items, each with the day it finished (in the team's time zone) and by whom."""

    days: list[dt.date]
    people: list[str | None]
    unit: str
    source: str

    def __post_init__(self) -> None:
        order = sorted(range(len(self.days)), key=lambda i: self.days[i])
        object.__setattr__(self, "days", [self.days[i] for i in order])
        object.__setattr__(self, "people", [self.people[i] for i in order])

    def daily(self, first: dt.date, last: dt.date) -> Counts:
        """Items finished on each day from `first` to `last` (both included; zeros kept)."""
        length = (last - first).days + 1
        if length <= 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.array([(day - first).days for day in self.days], dtype=np.int64)
        offsets = offsets[(offsets >= 0) & (offsets < length)]
        return np.bincount(offsets, minlength=length).astype(np.int64)

    def people_between(self, first: dt.date, last: dt.date) -> set[str]:
        return {
            person
            for day, person in zip(self.days, self.people, strict=True)
            if person and first <= day <= last
        }


def counted(item: dict[str, object], settings: PlanningSettings) -> bool:
    """Whether a stored item is finished work: done, delivered (not won't-do), not a container."""
    resolution = str(item.get("resolution") or "").casefold()
    excluded_types = {name.casefold() for name in settings.excluded_types}
    return (
        item.get("category") == DONE
        and item.get("resolved_at") is not None
        and resolution not in {name.casefold() for name in settings.not_done_resolutions}
        and str(item.get("type") or "").casefold() not in excluded_types
    )


def tracker_completions(items: pl.DataFrame, settings: PlanningSettings) -> Completions:
    """Finished items of the stored backlog (see `counted`)."""
    zone = ZoneInfo(settings.timezone)
    days, people = [], []
    for item in items.iter_rows(named=True):
        if counted(item, settings):
            days.append(item["resolved_at"].astimezone(zone).date())
            people.append(item["assignee"])
    sources = sorted(set(items.get_column("source").to_list())) if items.height else []
    return Completions(days, people, "items", " and ".join(sources) + " backlog")


class Source(enum.StrEnum):
    """Where throughput comes from."""

    auto = "auto"
    tracker = "tracker"
    git = "git"


def finished_work(
    items: pl.DataFrame,
    settings: PlanningSettings,
    git: Callable[[], Completions],
    source: Source = Source.auto,
) -> Completions:
    """The finished work a forecast samples: the imported backlog's (`items`), or the
    history's (`git()`, called only then) for `git`, or for `auto` when nothing finished was
    imported."""
    if source is not Source.git:
        tracked = tracker_completions(items, settings)
        if tracked.days:
            return tracked
        if source is Source.tracker:
            raise ThroughputError(
                "no finished items in the imported backlog",
                hint="import an export with `techlead plan import`, or use --source git",
            )
    return git()


def git_completions(
    commits: pl.DataFrame, head: str | None, settings: PlanningSettings
) -> Completions:
    """Changes merged into the main line, following first parents from `head`."""
    if head is None or commits.is_empty():
        return Completions([], [], "merged changes", "git history")
    rows = {
        row["commit"]: row
        for row in commits.select(
            "commit", "parents", "author_name", "committer_time", "subject", "is_bot"
        ).iter_rows(named=True)
    }
    line = []
    current: str | None = head
    while current is not None and current in rows:
        line.append(rows[current])
        parents = rows[current]["parents"]
        current = parents[0] if parents else None
    merged = [row for row in line if len(row["parents"]) > 1]
    squashed = [
        row
        for row in line
        if len(row["parents"]) <= 1 and _SQUASHED_PULL_REQUEST.search(row["subject"])
    ]
    if settings.git_unit == "merges" or (settings.git_unit == "auto" and (merged or squashed)):
        chosen, unit = merged + squashed, "merged changes"
    else:
        chosen, unit = line, "commits"
    zone = ZoneInfo(settings.timezone)
    days, people = [], []
    for row in chosen:
        author = rows.get(row["parents"][1]) if len(row["parents"]) > 1 else row
        if author is not None and author["is_bot"]:
            continue
        days.append(row["committer_time"].astimezone(zone).date())
        people.append(author["author_name"] if author else row["author_name"])
    return Completions(days, people, unit, "git history")


@dataclass(frozen=True)
class Window:
    """The days of throughput a forecast samples."""

    first: dt.date
    last: dt.date
    counts: Counts

    @property
    def days_with_data(self) -> int:
        return int(np.count_nonzero(self.counts))

    @property
    def mean(self) -> float:
        return float(self.counts.mean()) if self.counts.size else 0.0


def history_window(
    completions: Completions, start: dt.date, days: int, until_option: bool = False
) -> Window:
    """The `days` days before `start` (a forecast never sees the day it starts on)."""
    last = start - dt.timedelta(days=1)
    first = start - dt.timedelta(days=days)
    window = Window(first, last, completions.daily(first, last))
    if window.counts.sum() == 0:
        latest = next((day for day in reversed(completions.days) if day < start), None)
        raise ThroughputError(
            f"no {completions.unit} finished in the {days} days before {start} "
            f"({completions.source})",
            hint=f"the last were finished on {latest}: try "
            + (f"--until {latest}" if until_option else f"--start {latest + dt.timedelta(1)}")
            if latest
            else "import the backlog with `techlead plan import`"
            if completions.source == "git history"
            else "nothing in the backlog was finished before that",
        )
    return window
