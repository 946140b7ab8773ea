"""Runbooks: Markdown files with front matter (`service`, `alerts`, `owner`, `last-reviewed`)."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from techlead.atomic_files import atomic_write
from techlead.config import Settings
from techlead.decisions.records import RecordError, split_front_matter
from techlead.decisions.store import shortened
from techlead.errors import TechleadError
from techlead.inputs.files import decode, folder, read_bytes, read_text

REQUIRED = ("service", "owner", "last-reviewed")
KNOWN = frozenset({*REQUIRED, "alerts", "title", "tags"})


class RunbookError(TechleadError):
    """A runbook that cannot be read, found or written."""


@dataclass(frozen=True)
class Runbook:
    name: str  # the file's stem
    path: Path
    title: str
    service: str | None
    owner: str | None
    alerts: list[str] = field(default_factory=list)
    last_reviewed: dt.date | None = None
    problems: list[str] = field(default_factory=list)

    def stale(self, today: dt.date, review_days: int) -> bool:
        return self.last_reviewed is None or (today - self.last_reviewed).days > review_days


def _title(body: str, fallback: str) -> str:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def _reviewed(value: Any, problems: list[str]) -> dt.date | None:
    """The `last-reviewed` date, noting in `problems` what is wrong with it."""
    if value is None:
        return None
    day: dt.date
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            problems.append(f"last-reviewed {value!r} is not a date (YYYY-MM-DD)")
            return None
    if day > dt.date.today():
        problems.append(f"last-reviewed {day.isoformat()} is in the future")
    return day


def _text(front: dict[str, Any], name: str, problems: list[str]) -> str | None:
    """A front-matter field that must be one value (a name), not a list or a mapping."""
    value = front.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, list | dict):
        kind = "a list" if isinstance(value, list) else "a mapping"
        problems.append(f"front matter field {name!r} must be one value, not {kind}")
        return None
    return str(value)


def read_runbook(path: Path) -> Runbook:
    """A runbook, with the problems lint reports. One that cannot be read (a symlink out of the
    runbook folder, a directory, not UTF-8 text) has that as its problem and nothing else: a
    bad runbook does not stop the others from being listed, or an incident from opening."""
    try:
        text = decode(read_bytes(path, within=path.parent, error=RunbookError), path, RunbookError)
    except RunbookError as exc:
        problem = exc.message.removeprefix(f"{path}: ")
        return Runbook(path.stem, path, path.stem, None, None, problems=[problem])
    problems: list[str] = []
    try:
        front, body, _ = split_front_matter(text, path)
    except RecordError as exc:
        front, body = {}, text
        problems.append(exc.message.removeprefix(f"{path}: "))
    if not text.startswith("---\n"):
        problems.append("no front matter (service, owner, last-reviewed, alerts)")
    for name in REQUIRED:
        if front and not front.get(name):
            problems.append(f"front matter field {name!r} is missing")
    problems.extend(f"unknown front matter field {name!r}" for name in front if name not in KNOWN)
    alerts: Any = front.get("alerts") or []
    if not isinstance(alerts, list) or any(isinstance(a, list | dict) for a in alerts):
        problems.append("front matter field 'alerts' must be a list of alert names")
        alerts = []
    service, owner = _text(front, "service", problems), _text(front, "owner", problems)
    reviewed = _reviewed(front.get("last-reviewed"), problems)
    if not re.search(r"^#\s", body, re.MULTILINE):
        problems.append("no title (a first-level '# ' heading)")
    return Runbook(
        name=path.stem,
        path=path,
        title=_text(front, "title", problems) or _title(body, path.stem),
        service=service,
        owner=owner,
        alerts=[str(alert) for alert in alerts],
        last_reviewed=reviewed,
        problems=problems,
    )


def runbook_text(book: Runbook) -> str:
    """The runbook's file as text (for show); what lint calls unreadable is an error here."""
    return read_text(book.path, within=book.path.parent, error=RunbookError)


def runbook_directory(root: Path, settings: Settings) -> Path:
    """`[runbooks] directory`: inside the repository, or an absolute path as configured."""
    return folder(root, settings.runbooks.directory, "[runbooks] directory", RunbookError)


def load_runbooks(directory: Path) -> list[Runbook]:
    if not directory.is_dir():
        return []
    return [
        read_runbook(path)
        for path in sorted(directory.glob("*.md"))
        if path.name.lower() != "readme.md"
    ]


def find_runbook(directory: Path, name: str) -> Runbook:
    try:
        slug: str | None = runbook_slug(name)
    except TechleadError:
        slug = None
    for book in load_runbooks(directory):
        if name in {book.name, book.path.name} or slug == book.name:
            return book
    raise RunbookError(
        f"runbook {name!r}: none in {directory}", hint="list them with: techlead runbook list"
    )


def for_service(directory: Path, service: str) -> list[Runbook]:
    return [book for book in load_runbooks(directory) if book.service == service]


TEMPLATE = """---
{front}---

# {title}

## Overview

_What this service does, who depends on it, and what "healthy" looks like (dashboards, SLOs)._

## Alerts

_For each alert above: what it means and how urgent it is._

## Diagnosis

1. _First thing to check, with the exact command or dashboard._

## Mitigation

1. _Steps that stop the impact (roll back, fail over, scale, disable a feature flag)._

## Escalation

_Who to page next, and when._

## References

_Architecture notes, decision records, past incidents._
"""


def runbook_slug(title: str) -> str:
    """A file name for a title: kebab case, letters of any script kept, shortened to fit."""
    slug = re.sub(r"[^\w]+|_", "-", title.lower()).strip("-")
    if not slug:
        raise RunbookError(f"{title!r}: a title needs letters or digits")
    return shortened(slug)


def write_runbook(
    directory: Path, title: str, service: str, owner: str, alerts: list[str], today: dt.date
) -> Path:
    path = directory / f"{runbook_slug(title)}.md"
    if os.path.lexists(path):
        raise RunbookError(f"{path}: already exists")
    directory.mkdir(parents=True, exist_ok=True)
    front = {"service": service, "owner": owner, "alerts": alerts, "last-reviewed": today}
    dumped = yaml.safe_dump(
        front, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1 << 20
    )
    content = TEMPLATE.format(front=dumped, title=title)
    atomic_write(path, lambda temporary: temporary.write_text(content, encoding="utf-8"))
    return path


def mark_reviewed(book: Runbook, today: dt.date) -> None:
    """Set `last-reviewed` to today, changing only that line of the front matter; a runbook
    whose front matter is missing or broken is refused, not rewritten."""
    text = runbook_text(book)
    if not text.startswith("---\n"):
        raise RunbookError(f"{book.path}: no front matter to record the review in")
    try:
        split_front_matter(text, book.path)
    except RecordError as exc:
        raise RunbookError(
            exc.message, hint="fix the front matter, then record the review"
        ) from None
    end = text.find("\n---", 4) + 1
    front, rest = text[:end], text[end:]
    line = f"last-reviewed: {today.isoformat()}"
    updated, count = re.subn(r"^last-reviewed:.*$", line, front, count=1, flags=re.MULTILINE)
    if not count:
        updated = f"---\n{line}\n{front[4:]}"
    content = updated + rest
    atomic_write(book.path, lambda temporary: temporary.write_text(content, encoding="utf-8"))
