"""A backlog item as every tracker export is read into, before it is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from techlead.config import PlanningSettings

TODO, IN_PROGRESS, DONE = "todo", "in_progress", "done"
CATEGORIES = (TODO, IN_PROGRESS, DONE)

# Status names whose category an export does not state (Jira change logs, Linear, GitHub).
_TODO_NAMES = {
    "to do",
    "todo",
    "backlog",
    "open",
    "new",
    "triage",
    "selected for development",
    "ready",
    "ready for development",
    "reopened",
    "unstarted",
}
_DONE_NAMES = {
    "done",
    "closed",
    "resolved",
    "completed",
    "complete",
    "released",
    "shipped",
    "canceled",
    "cancelled",
    "won't do",
    "duplicate",
}


@dataclass
class Transition:
    """A status change from a tracker's change log."""

    at: dt.datetime
    from_status: str | None
    to_status: str


@dataclass
class ImportedItem:
    """One backlog item read from an export; times are timezone-aware."""

    source: str
    key: str
    title: str
    status: str
    category: str
    created_at: dt.datetime
    type: str | None = None
    resolution: str | None = None
    points: float | None = None
    labels: list[str] = field(default_factory=list)
    sprints: list[str] = field(default_factory=list)
    parent: str | None = None
    assignee: str | None = None
    description: str | None = None
    acceptance: str | None = None
    started_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    transitions: list[Transition] = field(default_factory=list)


class StatusCategories:
    """Which category (todo, in_progress, done) a status name belongs to.

    Configured names win, then what the export itself says about a status, then common names;
    any other status counts as in progress.
    """

    def __init__(self, settings: PlanningSettings) -> None:
        self._names: dict[str, str] = dict.fromkeys(_TODO_NAMES, TODO)
        self._names.update(dict.fromkeys(_DONE_NAMES, DONE))
        self._configured = {
            name.casefold(): category
            for names, category in (
                (settings.todo_statuses, TODO),
                (settings.in_progress_statuses, IN_PROGRESS),
                (settings.done_statuses, DONE),
            )
            for name in names
        }
        self._names.update(self._configured)

    @classmethod
    def with_known(cls, base: StatusCategories, known: dict[str, str]) -> StatusCategories:
        """`base` with what an export states about some statuses (configured names still win)."""
        merged = cls.__new__(cls)
        merged._names = dict(base._names)
        merged._configured = base._configured
        merged._names.update({name.casefold(): category for name, category in known.items()})
        merged._names.update(base._configured)
        return merged

    def of(self, status: str) -> str:
        return self._names.get(status.strip().casefold(), IN_PROGRESS)


def started_from_transitions(
    transitions: list[Transition], categories: StatusCategories
) -> dt.datetime | None:
    """When work began: the first move into an in-progress (or done) status."""
    for move in sorted(transitions, key=lambda each: each.at):
        if categories.of(move.to_status) != TODO:
            return move.at
    return None


def done_from_transitions(
    transitions: list[Transition], categories: StatusCategories
) -> dt.datetime | None:
    """When the item last reached a done status (it may have been reopened before)."""
    done = [move.at for move in transitions if categories.of(move.to_status) == DONE]
    return max(done) if done else None
