"""Linear's CSV export (Settings > Import / Export > Export CSV).

Linear writes times like JavaScript's `Date.toString()` and keeps the moments an issue was
started, completed or canceled in their own columns; those decide the category, the status
name only when none is set.
"""

from __future__ import annotations

import datetime as dt

from techlead.planning.fields import CsvTable, ExportError, optional_time, read_points, read_time
from techlead.planning.items import DONE, IN_PROGRESS, ImportedItem, StatusCategories

SOURCE = "linear"


def is_linear_csv(table: CsvTable) -> bool:
    return all(table.columns(name) for name in ("ID", "Title", "Status", "Created", "Completed"))


def read_linear_csv(
    table: CsvTable, zone: dt.tzinfo, categories: StatusCategories
) -> list[ImportedItem]:
    table.require("ID", "Title", "Status", "Created")
    return [_item(table, line, row, zone, categories) for line, row in table.rows]


def _item(
    table: CsvTable, line: int, row: list[str], zone: dt.tzinfo, categories: StatusCategories
) -> ImportedItem:
    def where(column: str) -> str:
        return f"{table.path}, line {line}, column {column!r}"

    def cell(name: str) -> str | None:
        columns = table.columns(name)
        return (row[columns[0]].strip() or None) if columns else None

    def when(name: str) -> dt.datetime | None:
        return optional_time(cell(name), zone, where(name))

    def required(name: str) -> str:
        value = cell(name)
        if value is None:
            raise ExportError(f"{where(name)}: empty")
        return value

    key, title, status = required("ID"), required("Title"), required("Status")
    created = required("Created")
    started, completed, canceled = when("Started"), when("Completed"), when("Canceled")
    if completed or canceled:
        category = DONE
    elif started:
        category = IN_PROGRESS
    else:
        category = categories.of(status)
    labels = cell("Labels")
    return ImportedItem(
        source=SOURCE,
        key=key,
        title=title,
        status=status,
        category=category,
        created_at=read_time(created, zone, where("Created")),
        resolution="Canceled" if canceled and not completed else None,
        points=read_points(cell("Estimate"), where("Estimate")),
        labels=sorted({part.strip() for part in labels.split(",") if part.strip()})
        if labels
        else [],
        sprints=[name] if (name := cell("Cycle Name") or cell("Cycle Number")) else [],
        parent=cell("Parent issue"),
        assignee=cell("Assignee"),
        description=cell("Description"),
        started_at=started,
        resolved_at=(completed or canceled) if category == DONE else None,
    )
