"""The decision log as rows: the records in the configured directory, and those that need the
lead (past their review date, or proposed and undecided for too long)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from techlead.config import Settings
from techlead.decisions.records import Decision
from techlead.decisions.store import decision_directory, load_decisions


def decision_log(root: Path, settings: Settings) -> list[Decision]:
    """The repository's decision records; none when their directory does not exist."""
    directory = decision_directory(root, settings.decisions.directory)
    return load_decisions(directory) if directory.is_dir() else []


def decision_row(record: Decision) -> dict[str, Any]:
    """One record as a row of the log."""
    return {
        "number": record.number,
        "title": record.title,
        "status": record.status,
        "status_text": record.status_text,
        "date": record.date,
        "review_by": record.review_by,
        "file": record.path.name,
    }


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
