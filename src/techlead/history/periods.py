"""The calendar periods a history is listed by (newest first). Spans back from now
(`--since 12m`) are read by `techlead.spans`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

T = TypeVar("T")


RECENT_PERIODS = 12  # what a listing of periods shows without --all


def calendar_periods(first: date, last: date, unit: str) -> list[tuple[str, date, date]]:
    """Calendar periods covering [first, last], oldest first: week (from Monday), month or
    quarter, each (label, start, end) with `end` the next period's start."""
    found = []
    if unit == "week":
        start = first - timedelta(days=first.weekday())
        while start <= last:
            end = start + timedelta(days=7)
            found.append((f"{start:%G-W%V}", start, end))
            start = end
        return found
    step = 3 if unit == "quarter" else 1
    year, month = first.year, (first.month - 1) // step * step + 1
    while date(year, month, 1) <= last:
        start = date(year, month, 1)
        month += step
        if month > 12:
            year, month = year + 1, month - 12
        end = date(year, month, 1)
        label = (
            f"{start:%Y}-Q{(start.month - 1) // 3 + 1}" if unit == "quarter" else f"{start:%Y-%m}"
        )
        found.append((label, start, end))
    return found


def newest_first(oldest_first: list[T], every: bool) -> list[T]:
    """Periods to list: newest first, the last RECENT_PERIODS of them unless `every`."""
    newest = list(reversed(oldest_first))
    return newest if every else newest[:RECENT_PERIODS]


def shown_note(shown: int, total: int, unit: str) -> str:
    """What a listing of `shown` of `total` periods says about it."""
    if shown >= total:
        return f"{total} {unit}s, newest first"
    return f"the newest {shown} of {total} {unit}s (--all shows every one)"
