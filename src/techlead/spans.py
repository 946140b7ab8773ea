"""Spans of time back from now, read the same way by every command: `90d`, `6w`, `3m`, `2q`, `1y`.

A day is 24 hours and a week 7 days. Months, quarters (3 months) and years (12 months) are
calendar ones, as in `git log --since="3 months ago"`: `3m` on 31 May is 28 (or 29) February at
the same time of day, `1y` on 29 February is 28 February a year before, so `12m`, `4q` and `1y`
name the same moment. Times are in UTC. A number followed by letters is read as a span, so that
a unit there is none of (`2h`, `6mo`) is an error rather than some other reading of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta

from techlead.errors import TechleadError

_MONTHS = {"m": 1, "q": 3, "y": 12}
_SPAN = re.compile(r"\s*(\d+)\s*(d|days?|w|weeks?|m|months?|q|quarters?|y|years?)\s*")
_SPAN_LIKE = re.compile(r"\s*\d+(?:[.,]\d+)?\s*[a-z]+\s*")
# where a time may be given instead, 3pm is a time of day and 20th a day of the month
_NOT_SPANS = re.compile(r"\s*\d+\s*(?:am|pm|st|nd|rd|th)\s*")
EXAMPLES = "90d, 6w, 3m, 2q, 1y"


class SpanError(TechleadError):
    """A span of time (or a date where one may be given instead) that cannot be read."""


@dataclass(frozen=True)
class Span:
    """A whole number of days, weeks, months, quarters or years (`unit`: d, w, m, q, y)."""

    amount: int
    unit: str

    def delta(self) -> relativedelta:
        if self.unit == "d":
            return relativedelta(days=self.amount)
        if self.unit == "w":
            return relativedelta(weeks=self.amount)
        return relativedelta(months=self.amount * _MONTHS[self.unit])

    def before(self, moment: datetime, what: str = "--since") -> datetime:
        """The moment this span before `moment` (calendar months, quarters and years)."""
        try:
            return moment - self.delta()
        except (ValueError, OverflowError):  # before the year 1
            raise SpanError(f"{what} {str(self)!r}: reaches back before the year 1") from None

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def _bad(value: str, what: str) -> SpanError:
    return SpanError(
        f"{what} {value!r}: not a span (a whole number and d, w, m, q or y: {EXAMPLES})"
    )


def read_span(value: str, what: str = "--since") -> Span | None:
    """The span `value` writes; None when it is not written as one (a date, say); an error when
    it is written as one but is not (`2h`, `1.5m`, `6mo`)."""
    lowered = value.lower()
    found = _SPAN.fullmatch(lowered)
    if found:
        return Span(int(found.group(1)), found.group(2)[0])
    if _SPAN_LIKE.fullmatch(lowered) and not _NOT_SPANS.fullmatch(lowered):
        raise _bad(value, what)
    return None


def parse_span(value: str, what: str) -> Span:
    """A span and nothing else (`report --period`)."""
    found = read_span(value, what)
    if found is None:
        raise _bad(value, what)
    return found


def since(value: str, what: str = "--since", now: datetime | None = None) -> datetime:
    """The moment a `--since` value names, in UTC: a span back from `now` (default: now) or an
    ISO date or time (a time without a zone is UTC)."""
    found = read_span(value, what)
    if found is not None:
        return found.before(now or datetime.now(UTC), what)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise SpanError(
            f"{what} {value!r}: not a date or a span",
            hint=f"use a date like 2024-06-01 or a span like {EXAMPLES}",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def holds_until(
    start_at: Callable[[datetime], datetime], now: datetime, boundary: datetime
) -> datetime | None:
    """The last whole second, from `now` on, at which the window `start_at(moment)` still
    starts at or before `boundary` (as time passes the window's start moves on, and a change
    at `boundary` drops out of it after that). None when the start does not move with time
    (a date was given) or is already past `boundary`."""
    if start_at(now + timedelta(days=1)) == start_at(now) or start_at(now) > boundary:
        return None
    low, step = now, timedelta(seconds=1)
    while start_at(low + step) <= boundary:  # calendar months move unevenly: find a bound
        low, step = low + step, step * 2
    high = low + step  # start_at(low) <= boundary < start_at(high)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if start_at(middle) <= boundary:
            low = middle
        else:
            high = middle
    return low
