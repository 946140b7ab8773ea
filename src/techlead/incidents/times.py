"""Times as people type them ("2026-11-20 14:03 UTC", "2026-11-20T14:03+01:00"), in UTC."""

from __future__ import annotations

import datetime as dt
import re
import warnings

from dateutil import parser as date_parser
from dateutil.parser import UnknownTimezoneWarning
from dateutil.tz import UTC as DATEUTIL_UTC

from techlead.errors import TechleadError
from techlead.spans import read_span

EXAMPLE = "2026-11-20 14:03 UTC"
_FUTURE_TOLERANCE = dt.timedelta(minutes=5)


class TimeError(TechleadError):
    """A time that cannot be read, or that is not possible where it is given."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


_POSIX_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*[+-]\s*\d", re.IGNORECASE)
_DOTTED_DATE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b")
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def parse_time(value: str, what: str) -> dt.datetime:
    """A time in UTC. Without a zone, the time is taken as UTC; zones are offsets (+01:00) or
    UTC/Z, because abbreviations such as CST or IST name several zones. Dates with dots
    (20.11.2026) are day first; others as dateutil reads them (ISO 8601 is unambiguous)."""
    if _POSIX_OFFSET.search(value):
        raise TimeError(
            f"{what} {value!r}: write the offset as +01:00 or -05:00 "
            "(a 'UTC+1' suffix means opposite things to different tools)"
        )
    parsed = _iso(value) or _general(value, what)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        parsed = parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # dateutil keeps offsets such as +99:00
        raise TimeError(
            f"{what} {value!r}: the offset must be less than 24 hours (e.g. +01:00)"
        ) from None
    if parsed > now() + _FUTURE_TOLERANCE:
        raise TimeError(f"{what} {value!r}: is in the future")
    if parsed < EARLIEST:
        raise TimeError(f"{what} {value!r}: before 1970")
    return parsed


def _iso(value: str) -> dt.datetime | None:
    """ISO 8601 (what exports write) without the general parser, which is 20x slower."""
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _general(value: str, what: str) -> dt.datetime:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownTimezoneWarning)
        try:
            return date_parser.parse(
                value,
                tzinfos={"UTC": DATEUTIL_UTC, "Z": DATEUTIL_UTC, "GMT": DATEUTIL_UTC},
                dayfirst=bool(_DOTTED_DATE.match(value)),
            )
        except UnknownTimezoneWarning:
            raise TimeError(
                f"{what} {value!r}: unknown time zone; give an offset such as +01:00, or UTC"
            ) from None
        except (ValueError, OverflowError):
            raise TimeError(f"{what} {value!r}: not a time (e.g. {EXAMPLE!r})") from None


def parse_since(value: str, what: str = "--since") -> dt.datetime:
    """A time, or a span back from now such as 7d, 6w, 3m, 2q or 1y (`techlead.spans`)."""
    span = read_span(value, what)
    return span.before(now(), what) if span is not None else parse_time(value, what)


def optional_time(value: str | None, what: str) -> dt.datetime | None:
    return parse_time(value, what) if value else None


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        reason = "not a date (YYYY-MM-DD)" if "format" in str(exc) else f"not a valid date ({exc})"
        raise TimeError(f"{what} {value!r}: {reason}") from None


def show(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def duration(delta: dt.timedelta | None) -> str:
    """`1h 05m`, `3d 4h`, `12m`, `45s`."""
    if delta is None:
        return "—"
    seconds = round(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"
