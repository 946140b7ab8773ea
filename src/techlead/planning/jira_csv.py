"""Jira's CSV export ("Export > CSV (all fields)").

Jira repeats a column once per value (`Sprint`, `Labels`, `Comment`, ...): every copy is read
and merged. Times are written without a zone, in the exporting user's time zone, in the
instance's format (by default `11/May/24 3:26 PM`).
"""

from __future__ import annotations

import datetime as dt

from techlead.planning.fields import CsvRow, CsvTable, ExportError
from techlead.planning.items import DONE, IN_PROGRESS, TODO, ImportedItem, StatusCategories

SOURCE = "jira"
POINT_COLUMNS = ("Custom field (Story Points)", "Custom field (Story point estimate)")
_CATEGORY_NAMES = {"to do": TODO, "in progress": IN_PROGRESS, "done": DONE}


def is_jira_csv(table: CsvTable) -> bool:
    return bool(table.columns("Issue key")) and bool(table.columns("Summary"))


def read_jira_csv(
    table: CsvTable, zone: dt.tzinfo, categories: StatusCategories
) -> list[ImportedItem]:
    table.require("Issue key", "Summary", "Status", "Created")
    return [_item(row, categories) for row in table.read(zone)]


def _item(row: CsvRow, categories: StatusCategories) -> ImportedItem:
    key, title, status = row.required("Issue key"), row.required("Summary"), row.required("Status")
    created = row.required_time("Created")
    stated = row.first("Status Category")
    if stated is not None and stated.casefold() not in _CATEGORY_NAMES:
        raise ExportError(
            f"{row.where('Status Category')}: {stated!r} is not To Do, In Progress or Done"
        )
    category = _CATEGORY_NAMES[stated.casefold()] if stated else categories.of(status)
    changed = row.time("Status Category Changed")
    resolved = row.time("Resolved")
    points_column = next((name for name in POINT_COLUMNS if row.first(name) is not None), None)
    return ImportedItem(
        source=SOURCE,
        key=key,
        title=title,
        status=status,
        category=category,
        created_at=created,
        type=row.first("Issue Type"),
        resolution=row.first("Resolution"),
        points=row.points(points_column) if points_column else None,
        labels=sorted({label for cell in row.every("Labels") for label in cell.split()}),
        sprints=row.every("Sprint"),
        parent=row.first("Parent", "Parent id", "Custom field (Epic Link)"),
        assignee=row.first("Assignee"),
        description=row.first("Description"),
        acceptance=row.first("Custom field (Acceptance Criteria)", "Acceptance Criteria"),
        started_at=changed if category == IN_PROGRESS else None,
        resolved_at=(resolved or changed) if category == DONE else None,
    )
