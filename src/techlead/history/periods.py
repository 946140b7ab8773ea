"""`--since` values: an ISO date, or a span back from now such as `90d`, `6w`, `12m`, `2y`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from techlead.errors import TechleadError

_SPAN = re.compile(r"^\s*(\d+)\s*(d|day|days|w|week|weeks|m|month|months|y|year|years)\s*$")
_DAYS = {"d": 1, "w": 7, "m": 30.436875, "y": 365.2425}


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
