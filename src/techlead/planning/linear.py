"""Linear's CSV export (Settings > Import / Export > Export CSV).

Linear writes times like JavaScript's `Date.toString()` and keeps the moments an issue was
started, completed or canceled in their own columns; those decide the category, the status
name only when none is set.
"""

from __future__ import annotations

import datetime as dt

from techlead.planning.fields import CsvRow, CsvTable
from techlead.planning.items import DONE, IN_PROGRESS, ImportedItem, StatusCategories

SOURCE = "linear"


def is_linear_csv(table: CsvTable) -> bool:
    return all(table.columns(name) for name in ("ID", "Title", "Status", "Created"))


def read_linear_csv(
    table: CsvTable, zone: dt.tzinfo, categories: StatusCategories
) -> list[ImportedItem]:
    table.require("ID", "Title", "Status", "Created")
    return [_item(row, categories) for row in table.read(zone)]


def _item(row: CsvRow, categories: StatusCategories) -> ImportedItem:
    key, title, status = row.required("ID"), row.required("Title"), row.required("Status")
    created = row.required_time("Created")
    started, completed, canceled = row.time("Started"), row.time("Completed"), row.time("Canceled")
    if completed or canceled:
        category = DONE
    elif started:
        category = IN_PROGRESS
    else:
        category = categories.of(status)
    labels = row.first("Labels") or ""
    cycle = row.first("Cycle Name", "Cycle Number")
    return ImportedItem(
        source=SOURCE,
        key=key,
        title=title,
        status=status,
        category=category,
        created_at=created,
        resolution="Canceled" if canceled and not completed else None,
        points=row.points("Estimate"),
        labels=sorted({part.strip() for part in labels.split(",") if part.strip()}),
        sprints=[cycle] if cycle else [],
        parent=row.first("Parent issue"),
        assignee=row.first("Assignee"),
        description=row.first("Description"),
        started_at=started,
        resolved_at=(completed or canceled) if category == DONE else None,
    )
