"""Jira's CSV export ("Export > CSV (all fields)").

Jira repeats a column once per value (`Sprint`, `Labels`, `Comment`, ...): every copy is read
and merged. Times are written without a zone, in the exporting user's time zone, in the
instance's format (by default `11/May/24 3:26 PM`).
"""

from __future__ import annotations

import datetime as dt

from techlead.planning.fields import CsvTable, ExportError, optional_time, read_points, read_time
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
    return [_item(table, line, row, zone, categories) for line, row in table.rows]


def _item(
    table: CsvTable, line: int, row: list[str], zone: dt.tzinfo, categories: StatusCategories
) -> ImportedItem:
    def where(column: str) -> str:
        return f"{table.path}, line {line}, column {column!r}"

    def first(*names: str) -> str | None:
        for name in names:
            for index in table.columns(name):
                if row[index].strip():
                    return row[index].strip()
        return None

    def every(name: str) -> list[str]:
        return [row[index].strip() for index in table.columns(name) if row[index].strip()]

    def required(name: str) -> str:
        value = first(name)
        if value is None:
            raise ExportError(f"{where(name)}: empty")
        return value

    key, title, status = required("Issue key"), required("Summary"), required("Status")
    created = required("Created")
    stated = first("Status Category")
    if stated is not None and stated.casefold() not in _CATEGORY_NAMES:
        raise ExportError(
            f"{where('Status Category')}: {stated!r} is not To Do, In Progress or Done"
        )
    category = _CATEGORY_NAMES[stated.casefold()] if stated else categories.of(status)
    changed = optional_time(
        first("Status Category Changed"), zone, where("Status Category Changed")
    )
    resolved = optional_time(first("Resolved"), zone, where("Resolved"))
    points_column = next((name for name in POINT_COLUMNS if first(name) is not None), None)
    return ImportedItem(
        source=SOURCE,
        key=key,
        title=title,
        status=status,
        category=category,
        created_at=read_time(created, zone, where("Created")),
        type=first("Issue Type"),
        resolution=first("Resolution"),
        points=read_points(first(points_column), where(points_column)) if points_column else None,
        labels=sorted({label for cell in every("Labels") for label in cell.split()}),
        sprints=every("Sprint"),
        parent=first("Parent", "Parent id", "Custom field (Epic Link)"),
        assignee=first("Assignee"),
        description=first("Description"),
        acceptance=first("Custom field (Acceptance Criteria)", "Acceptance Criteria"),
        started_at=changed if category == IN_PROGRESS else None,
        resolved_at=(resolved or changed) if category == DONE else None,
    )
