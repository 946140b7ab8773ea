"""Spans of time: `--since` values (an ISO date, or a span back from now such as `90d`, `6w`,
`12m`, `2y`) and the calendar periods a history is listed by (newest first)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from techlead.errors import TechleadError

_SPAN = re.compile(r"^\s*(\d+)\s*(d|day|days|w|week|weeks|m|month|months|y|year|years)\s*$")
_DAYS = {"d": 1, "w": 7, "m": 30.436875, "y": 365.2425}
T = TypeVar("T")


class BadOptionError(TechleadError):
    """A command-line value cannot be understood."""


def since(value: str, now: datetime | None = None) -> datetime:
    """The moment `value` names, in UTC."""
    now = now or datetime.now(UTC)
    match = _SPAN.match(value.lower())
    if match:
        return now - timedelta(days=int(match.group(1)) * _DAYS[match.group(2)[0]])
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadOptionError(
            f"--since {value!r}: not a date or a span",
            hint="use a date like 2024-06-01 or a span like 90d, 6w, 12m, 2y",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def months_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 86400 / _DAYS["m"]


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
