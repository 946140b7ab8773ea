"""Times as people type them ("2026-11-20 14:03 UTC", "2026-11-20T14:03+01:00"), in UTC."""

from __future__ import annotations

import datetime as dt

from dateutil import parser as date_parser
from dateutil.tz import UTC as DATEUTIL_UTC

from techlead.errors import TechleadError

EXAMPLE = "2026-11-20 14:03 UTC"
_FUTURE_TOLERANCE = dt.timedelta(minutes=5)


class TimeError(TechleadError):
    """A time that cannot be read, or that is not possible where it is given."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def parse_time(value: str, what: str) -> dt.datetime:
    """A time in UTC; without a zone, the time is taken as UTC."""
    try:
        parsed = date_parser.parse(value, tzinfos={"UTC": DATEUTIL_UTC, "Z": DATEUTIL_UTC})
    except (ValueError, OverflowError):
        raise TimeError(f"{what} {value!r}: not a time (e.g. {EXAMPLE!r})") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    parsed = parsed.astimezone(dt.UTC)
    if parsed > now() + _FUTURE_TOLERANCE:
        raise TimeError(f"{what} {value!r}: is in the future")
    return parsed


def optional_time(value: str | None, what: str) -> dt.datetime | None:
    return parse_time(value, what) if value else None


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TimeError(f"{what} {value!r}: not a date (YYYY-MM-DD)") from None


def show(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def duration(delta: dt.timedelta | None) -> str:
    """`1h 05m`, `3d 4h`, `12m`, `45s`."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"
