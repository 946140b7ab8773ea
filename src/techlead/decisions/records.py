"""Reading decision records as teams already write them: MADR (front matter) and Nygard (adr-tools).

A record is `NNNN-title-in-kebab-case.md`. Its relations to other records are, in a Nygard
record, lines like `Supersedes [2. Use X](0002-use-x.md)` in its Status section, and in a MADR
record, a status `superseded by ADR-0005` and a `links:` front-matter list such as
`["Supersedes ADR-0002", "Amends ADR-0001"]`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techlead.errors import TechleadError
from techlead.inputs.files import read_text
from techlead.inputs.formats import parse_yaml

FILE_NAME = re.compile(r"^(\d{4})-([a-z0-9][a-z0-9-]*)\.md$")
STANDARD_STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
_NYGARD_LINK = re.compile(
    r"^(?P<label>[A-Z][A-Za-z -]*?) \[(?P<number>\d+)\.[^\]]*\]\((?P<file>[^)]+)\)\s*$"
)
_MADR_LINK = re.compile(r"^(?P<label>.+?) ADR-(?P<number>\d+)\s*$")
_MADR_SUPERSEDED = re.compile(r"^superseded by (?:\[?ADR-)?(?P<number>\d+)", re.IGNORECASE)


class RecordError(TechleadError):
    """A decision record cannot be read as it is."""


@dataclass(frozen=True)
class Link:
    """A relation from one record to another, as its label reads from the first: "Amends" N."""

    label: str
    target: int


@dataclass
class Decision:
    """One architecture decision record."""

    number: int
    title: str
    path: Path
    style: str  # "madr" or "nygard"
    status: str  # normalised: its first word, lower case ("superseded by X" -> "superseded")
    status_text: str
    date: str | None = None
    review_by: dt.date | None = None
    links: list[Link] = field(default_factory=list)
    front: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    @property
    def slug(self) -> str:
        return self.path.stem[5:]


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """Front matter (parsed), body, and the number of lines the front matter took."""
    if not text.startswith("---\n"):
        return {}, text, 0
    end = text.find("\n---", 4)
    if end < 0:
        raise RecordError(f"{path}: front matter opened with --- is never closed")
    front = parse_yaml(text[4:end], path, "front matter", 2, RecordError) or {}
    if not isinstance(front, dict):
        raise RecordError(f"{path}: front matter must be a mapping of fields")
    body_start = text.find("\n", end + 1)
    body = text[body_start + 1 :] if body_start >= 0 else ""
    return front, body, text[: body_start + 1].count("\n")


def sections(body: str) -> dict[str, list[str]]:
    """Lines under each `##` heading (outside code fences), keyed by heading text in lower case."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            current = found.setdefault(line[3:].strip().lower(), [])
            continue
        if not fenced and line.startswith("# "):
            current = None
            continue
        if current is not None:
            current.append(line)
    return found


def _title(body: str, path: Path) -> str:
    for line in body.splitlines():
        if line.startswith("# "):
            return re.sub(r"^\d+\.\s+", "", line[2:].strip())
    raise RecordError(f"{path}: no title (a first-level '# ' heading)")


def _review_by(front: dict[str, Any], path: Path) -> dt.date | None:
    value = front.get("review-by")
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RecordError(f"{path}: review-by {value!r} is not a date (YYYY-MM-DD)") from None


def parse_record(path: Path) -> Decision:
    """Read one record file."""
    match = FILE_NAME.match(path.name)
    if match is None:
        raise RecordError(f"{path}: not named NNNN-title-in-kebab-case.md")
    text = read_text(path, within=path.parent, error=RecordError)
    front, body, _ = split_front_matter(text, path)
    number = int(match.group(1))
    title = _title(body, path)
    if "status" in front:
        return _madr(number, title, path, front, text)
    return _nygard(number, title, path, front, body, text)


def _madr(number: int, title: str, path: Path, front: dict[str, Any], text: str) -> Decision:
    status_text = str(front.get("status") or "").strip()
    if not status_text:
        raise RecordError(f"{path}: front matter field 'status' is empty")
    links: list[Link] = []
    superseded = _MADR_SUPERSEDED.match(status_text)
    if superseded:
        links.append(Link("Superseded by", int(superseded.group("number"))))
    raw_links = front.get("links") or []
    if not isinstance(raw_links, list):
        raise RecordError(f"{path}: front matter field 'links' must be a list")
    for item in raw_links:
        found = _MADR_LINK.match(str(item))
        if found is None:
            raise RecordError(f"{path}: link {item!r} is not like 'Amends ADR-0002'")
        links.append(Link(found.group("label"), int(found.group("number"))))
    return Decision(
        number=number,
        title=title,
        path=path,
        style="madr",
        status=status_text.split()[0].lower(),
        status_text=status_text,
        date=str(front["date"]) if front.get("date") else None,
        review_by=_review_by(front, path),
        links=links,
        front=front,
        text=text,
    )


def _nygard(
    number: int, title: str, path: Path, front: dict[str, Any], body: str, text: str
) -> Decision:
    status_lines = [line.strip() for line in sections(body).get("status", []) if line.strip()]
    links: list[Link] = []
    words: list[str] = []
    for line in status_lines:
        found = _NYGARD_LINK.match(line)
        if found:
            links.append(Link(found.group("label"), int(found.group("number"))))
        else:
            words.append(line)
    status_text = words[0] if words else ""
    if not status_text:
        superseded = [link for link in links if link.label.lower() == "superseded by"]
        status_text = "Superseded" if superseded else ""
    if not status_text:
        raise RecordError(f"{path}: no status (a '## Status' section with one)")
    found_date = re.search(r"^Date:\s*(\S+)", body, re.MULTILINE)
    return Decision(
        number=number,
        title=title,
        path=path,
        style="nygard",
        status=status_text.split()[0].lower(),
        status_text=status_text,
        date=found_date.group(1) if found_date else None,
        links=links,
        front=front,
        text=text,
    )
