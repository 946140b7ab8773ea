"""Machine-readable output shared by every listing command."""

from __future__ import annotations

import dataclasses
import enum
import json
from datetime import date, datetime
from typing import Any


class OutputFormat(enum.StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def to_json(value: Any) -> str:
    """Dataclasses, dates and containers as indented, key-stable JSON."""
    return json.dumps(_plain(value), indent=2, ensure_ascii=False)
