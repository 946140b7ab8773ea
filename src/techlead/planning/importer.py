"""`plan import`: read tracker exports and bring the stored backlog up to date.

Every file is read and checked before anything is written, and the whole import is one
transaction. Items are matched on (tracker, key): re-importing an export updates its items.
Items missing from an export are kept (exports are often filtered or paged).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from techlead.config import PlanningSettings
from techlead.inputs.files import is_regular_file
from techlead.planning.fields import ExportError, read_csv, read_json
from techlead.planning.github import is_github_json, read_github_json
from techlead.planning.items import ImportedItem, StatusCategories, Transition
from techlead.planning.jira_csv import is_jira_csv, read_jira_csv
from techlead.planning.jira_json import is_jira_json, read_jira_json
from techlead.planning.linear import is_linear_csv, read_linear_csv
from techlead.store.database import Store
from techlead.store.models import ItemTransition, WorkItem


class ExportFormat(enum.StrEnum):
    auto = "auto"
    jira_csv = "jira-csv"
    jira_json = "jira-json"
    github = "github"
    linear = "linear"


@dataclass(frozen=True)
class ImportSummary:
    files: int
    added: int
    updated: int
    unchanged: int


def read_export(
    path: Path,
    chosen: ExportFormat,
    settings: PlanningSettings,
    zone: dt.tzinfo | None = None,
    limit: int | None = None,
) -> list[ImportedItem]:
    """The items of one export file (of at most `limit` bytes), in the format given or
    recognised from its content."""
    zone = zone or ZoneInfo(settings.timezone)
    categories = StatusCategories(settings)
    if chosen in {ExportFormat.jira_csv, ExportFormat.linear} or (
        chosen is ExportFormat.auto and not _looks_like_json(path)
    ):
        table = read_csv(path, limit)
        if chosen is ExportFormat.jira_csv or (chosen is ExportFormat.auto and is_jira_csv(table)):
            return read_jira_csv(table, zone, categories)
        if chosen is ExportFormat.linear or is_linear_csv(table):
            return read_linear_csv(table, zone, categories)
        raise ExportError(
            f"{path}: not a Jira or Linear CSV export (no 'Issue key' and 'Summary' columns, "
            "no 'ID', 'Title', 'Status' and 'Created' columns)",
            hint="name the format with --format",
        )
    document = read_json(path, limit)
    if chosen is ExportFormat.jira_json or (chosen is ExportFormat.auto and is_jira_json(document)):
        if not is_jira_json(document):
            raise ExportError(f"{path}: not a Jira search result (no `issues` list)")
        return read_jira_json(path, document, zone, categories, settings.jira_points_field)
    if chosen is ExportFormat.github or is_github_json(document):
        return read_github_json(path, document, zone)
    raise ExportError(
        f"{path}: not a Jira search result or a list of GitHub issues",
        hint="name the format with --format",
    )


def _check_times(path: Path, item: ImportedItem) -> None:
    """An item cannot start or finish before it was created."""
    for name, moment in (("started", item.started_at), ("resolved", item.resolved_at)):
        if moment is not None and moment < item.created_at:
            raise ExportError(
                f"{path}: item {item.key} was {name} ({moment:%Y-%m-%d %H:%M}) before it was "
                f"created ({item.created_at:%Y-%m-%d %H:%M} UTC)"
            )


def _looks_like_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if not is_regular_file(path):  # read_csv says what it is; a FIFO is never opened
        return False
    try:
        with path.open("rb") as handle:
            start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise ExportError(f"{path}: cannot read: {exc.strerror}") from None
    return start[:1] in {b"{", b"["}


def import_exports(
    store: Store,
    paths: list[Path],
    chosen: ExportFormat,
    settings: PlanningSettings,
    zone: dt.tzinfo | None = None,
    limit: int | None = None,
) -> ImportSummary:
    """Read every file (each of at most `limit` bytes), then store all their items in one
    transaction."""
    items: dict[tuple[str, str], ImportedItem] = {}
    for path in paths:
        seen: set[str] = set()
        for item in read_export(path, chosen, settings, zone, limit):
            if item.key in seen:
                raise ExportError(f"{path}: item {item.key} appears twice")
            _check_times(path, item)
            seen.add(item.key)
            items[(item.source, item.key)] = item  # a later file (page) wins
    added = updated = unchanged = 0
    now = dt.datetime.now(dt.UTC)
    with store.session() as session:
        stored = _stored(session, store.repository, list(items))
        for identity, item in items.items():
            row = stored.get(identity)
            if row is None:
                session.add(_new_row(item, store.repository, now))
                added += 1
            elif _update(row, item, now):
                updated += 1
            else:
                unchanged += 1
    return ImportSummary(len(paths), added, updated, unchanged)


def _stored(
    session: Session, repository: str, identities: list[tuple[str, str]]
) -> dict[tuple[str, str], WorkItem]:
    found: dict[tuple[str, str], WorkItem] = {}
    by_source: dict[str, list[str]] = {}
    for source, key in identities:
        by_source.setdefault(source, []).append(key)
    for source, keys in by_source.items():
        for start in range(0, len(keys), 500):
            query = select(WorkItem).where(
                WorkItem.repository == repository,
                WorkItem.source == source,
                WorkItem.key.in_(keys[start : start + 500]),
            )
            found.update({(row.source, row.key): row for row in session.scalars(query)})
    return found


_FIELDS = (
    "title",
    "type",
    "status",
    "category",
    "resolution",
    "points",
    "labels",
    "sprints",
    "parent",
    "assignee",
    "description",
    "acceptance",
    "created_at",
    "started_at",
    "resolved_at",
)


def _new_row(item: ImportedItem, repository: str, now: dt.datetime) -> WorkItem:
    row = WorkItem(repository=repository, source=item.source, key=item.key, imported_at=now)
    for name in _FIELDS:
        setattr(row, name, getattr(item, name))
    row.transitions = [_transition(move) for move in item.transitions]
    return row


def _transition(move: Transition) -> ItemTransition:
    return ItemTransition(at=move.at, from_status=move.from_status, to_status=move.to_status)


def _update(row: WorkItem, item: ImportedItem, now: dt.datetime) -> bool:
    """Bring a stored item up to date; what this export does not know (a start from an
    earlier change log) is kept."""
    changed = False
    for name in _FIELDS:
        value = getattr(item, name)
        if name == "started_at" and value is None and not item.transitions:
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if item.transitions:
        moves = [(m.at, m.from_status, m.to_status) for m in item.transitions]
        if moves != [(m.at, m.from_status, m.to_status) for m in row.transitions]:
            row.transitions = [_transition(move) for move in item.transitions]
            changed = True
    if changed:
        row.imported_at = now
    return changed
