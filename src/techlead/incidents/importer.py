"""Importing an incident history from a CSV export.

Columns (header names are case-insensitive; spaces, hyphens and a trailing "_at"/" at" are
ignored, so `Detected At` is `detected`):

| column | required | meaning |
|---|---|---|
| `id` | no | the incident's id in the source system; re-importing updates instead of duplicating |
| `title` | yes | |
| `severity` | yes | one of the configured levels (SEV1…SEV5 by default) |
| `service` | no | |
| `detected` | yes | when the incident was detected |
| `started` | no | when impact began (default: detected) |
| `acknowledged`, `identified`, `mitigated`, `resolved`, `closed` | no | milestone times |
| `status` | no | default: the last milestone reached (investigating when none) |
| `commander` | no | incident commander |
| `summary` | no | |

Times are read like `--at` (without a zone: UTC). Rows without an `id` are matched on title
and detection time. Every row is checked before anything is written, and the import is one
transaction: a bad row names its line and column and nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from techlead.config import Severity
from techlead.csv_files import MalformedCsvError, csv_records
from techlead.errors import TechleadError
from techlead.incidents.service import (
    STATUSES,
    check_severity,
    refresh_search_texts,
    search_text,
)
from techlead.incidents.times import TimeError, now, parse_time
from techlead.inputs.files import read_text
from techlead.store.database import Store
from techlead.store.models import Incident, Role, TimelineEntry

_MILESTONES = ("acknowledged", "identified", "mitigated", "resolved", "closed")
_KNOWN = {
    "id",
    "title",
    "severity",
    "service",
    "status",
    "started",
    "detected",
    "commander",
    "summary",
    *_MILESTONES,
}


_T = TypeVar("_T")


class CsvImportError(TechleadError):
    """A CSV export that cannot be imported."""


@dataclass
class _Row:
    line: int
    external_id: str | None
    title: str
    severity: str
    service: str | None
    status: str
    times: dict[str, dt.datetime | None]
    commander: str | None
    summary: str | None

    @property
    def detected(self) -> dt.datetime:
        moment = self.times["detected"]
        assert moment is not None  # a required column, checked
        return moment


def _column(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return re.sub(r"_at$", "", key)


def _read(
    path: Path, limit: int | None = None
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    raw = read_text(path, limit=limit, error=CsvImportError, nul=True)  # _check names its column
    if not raw.strip():
        raise CsvImportError(f"{path}: empty file")
    try:
        parsed = list(csv_records(raw))
    except MalformedCsvError as exc:
        raise CsvImportError(f"{path}:{exc.line}: malformed CSV: {exc.reason}") from None
    header = [_column(name) for name in parsed[0][1]]
    rows = parsed[1:]
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise CsvImportError(f"{path}: column {twice[0]!r} appears more than once")
    unknown = [name for name in header if name not in _KNOWN]
    if unknown:
        raise CsvImportError(
            f"{path}: unknown column {unknown[0]!r} (known: {', '.join(sorted(_KNOWN))})"
        )
    for needed in ("title", "severity", "detected"):
        if needed not in header:
            raise CsvImportError(f"{path}: missing column {needed!r}")
    records: list[tuple[int, dict[str, str]]] = []
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CsvImportError(
                f"{path}:{line}: {len(row)} fields where the header has {len(header)}"
            )
        records.append((line, {name: cell.strip() for name, cell in zip(header, row, strict=True)}))
    return header, records


def _out_of_order(times: dict[str, dt.datetime | None]) -> tuple[str, str] | None:
    """Fill in implied times; the (column, problem) of the first time out of order, if any."""
    detected = times["detected"]
    assert detected is not None
    started = times["started"] or detected
    times["started"] = started
    if detected < started:
        return "detected", "before started"
    if times["acknowledged"] and times["acknowledged"] < detected:
        return "acknowledged", "before detected"
    order: list[tuple[str, dt.datetime]] = [("started", started), ("detected", detected)]
    for column in ("identified", "mitigated", "resolved", "closed"):
        moment = times[column]
        if moment is None:
            continue
        for earlier, earlier_time in order:
            if moment < earlier_time:
                return column, f"before {earlier}"
        order.append((column, moment))
    if times["resolved"] and not times["mitigated"]:
        times["mitigated"] = times["resolved"]
    if times["closed"] and not times["resolved"]:
        return "closed", "an incident is closed only after it is resolved"
    return None


def _check(path: Path, line: int, record: dict[str, str], severities: dict[str, Severity]) -> _Row:
    def fail(column: str, problem: str) -> CsvImportError:
        return CsvImportError(f"{path}:{line}: column {column!r}: {problem}")

    for needed in ("title", "severity", "detected"):
        if not record.get(needed):
            raise fail(needed, "empty")
    for column, value in record.items():
        if "\x00" in value:
            raise fail(column, "contains a NUL character")
    try:
        severity = check_severity(record["severity"], severities)
    except TechleadError as exc:
        raise fail("severity", exc.message) from None
    times: dict[str, dt.datetime | None] = {}
    for column in ("started", "detected", *_MILESTONES):
        value = record.get(column) or ""
        try:
            times[column] = parse_time(value, "time") if value else None
        except TimeError as exc:
            raise fail(column, exc.message) from None
    problem = _out_of_order(times)
    if problem:
        raise fail(*problem)
    reached = [c for c in ("identified", "mitigated", "resolved", "closed") if times[c]]
    last = reached[-1] if reached else "investigating"
    status = (record.get("status") or "").lower() or last
    if status not in STATUSES:
        raise fail("status", f"{record['status']!r}: use one of {', '.join(STATUSES)}")
    if STATUSES.index(status) < STATUSES.index(last):
        raise fail("status", f"{status}, but a {last} time is given")
    if status in {"mitigated", "resolved", "closed"} and times[status] is None:
        raise fail(status, f"empty, but the status is {status}")
    return _Row(
        line=line,
        external_id=record.get("id") or None,
        title=record["title"],
        severity=severity,
        service=record.get("service") or None,
        status=status,
        times=times,
        commander=record.get("commander") or None,
        summary=record.get("summary") or None,
    )


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: incidents added, incidents changed, incidents already as the file
    has them (left alone: their `updated_at` stays)."""

    added: int
    updated: int
    unchanged: int


def import_csv(
    store: Store, path: Path, severities: dict[str, Severity], limit: int | None = None
) -> ImportSummary:
    """Import every row of a file of at most `limit` bytes (all or nothing), with a few
    statements for all rows."""
    _, records = _read(path, limit)
    rows = [_check(path, line, record, severities) for line, record in records]
    _refuse_repeated(path, rows)
    recorded = now()
    with store.session() as session:
        matched = _matched(session, store.repository, rows)
        fresh = [row for row in rows if _key(row) not in matched]
        changed = _update_matched(session, path.name, rows, matched, recorded)
        _add_new(session, store.repository, path.name, fresh, recorded)
    return ImportSummary(len(fresh), len(changed), len(rows) - len(fresh) - len(changed))


def _key(row: _Row) -> tuple[object, ...]:
    """What a row is matched on: its id, else its title and detection time."""
    if row.external_id:
        return ("id", row.external_id)
    return ("title", row.title, row.detected)


def _refuse_repeated(path: Path, rows: list[_Row]) -> None:
    seen: dict[tuple[object, ...], int] = {}
    for row in rows:
        first = seen.setdefault(_key(row), row.line)
        if first != row.line:
            what = f"id {row.external_id!r}" if row.external_id else "title and detection time"
            raise CsvImportError(f"{path}:{row.line}: {what} also on line {first}")


def _chunks(values: list[_T]) -> Iterator[list[_T]]:
    for start in range(0, len(values), 500):
        yield values[start : start + 500]


def _matched(
    session: Session, repository: str, rows: list[_Row]
) -> dict[tuple[object, ...], Incident]:
    """The stored incidents the rows name, locked (the lowest id of two that match)."""
    found: dict[tuple[object, ...], Incident] = {}
    mine = Incident.repository == repository
    ids = [row.external_id for row in rows if row.external_id]
    for chunk in _chunks(ids):
        query = select(Incident).where(mine, Incident.external_id.in_(chunk))
        for incident in session.scalars(query.with_for_update()):
            found[("id", incident.external_id)] = incident
    titles = sorted({row.title for row in rows if not row.external_id})
    for chunk in _chunks(titles):
        query = select(Incident).where(mine, Incident.title.in_(chunk)).order_by(Incident.id)
        for incident in session.scalars(query.with_for_update()):
            found.setdefault(("title", incident.title, incident.detected_at), incident)
    return found


def _fields(row: _Row, incident: Incident | None) -> dict[str, object]:
    """The columns a row gives an incident. What was recorded here since the last import is
    kept: an export taken earlier never moves an incident back."""
    fields: dict[str, object] = {
        "external_id": row.external_id or (incident.external_id if incident else None),
        "title": row.title,
        "severity": row.severity,
        "service": row.service,
        "summary": row.summary or (incident.summary if incident else None),
        "started_at": row.times["started"],
        "detected_at": row.times["detected"],
    }
    held = incident.status if incident else None
    ahead = held is not None and STATUSES.index(held) > STATUSES.index(row.status)
    fields["status"] = held if ahead else row.status
    for milestone in _MILESTONES:
        given = row.times[milestone]
        kept = getattr(incident, f"{milestone}_at") if incident else None
        fields[f"{milestone}_at"] = given if given is not None else kept
    return fields


def _opened_text(name: str, title: str) -> str:
    return f"Imported from {name}: {title}"


def _opened(
    incident_id: int, at: dt.datetime, title: str, name: str, recorded: dt.datetime
) -> dict[str, object]:
    """The timeline entry an imported incident starts with."""
    return {
        "incident_id": incident_id,
        "at": at,
        "kind": "opened",
        "text": _opened_text(name, title),
        "recorded_at": recorded,
    }


def _commander(incident_id: int, name: str, at: dt.datetime) -> dict[str, object]:
    return {"incident_id": incident_id, "role": "commander", "name": name, "assigned_at": at}


def _add_new(
    session: Session, repository: str, name: str, rows: list[_Row], recorded: dt.datetime
) -> None:
    """Insert the new incidents, each with its "opened" entry and commander, in bulk."""
    if not rows:
        return
    values = []
    for row in rows:
        text = search_text(row.service, row.summary, [_opened_text(name, row.title)], [])
        values.append(
            _fields(row, None)
            | {"repository": repository, "search_text": text}
            | {"created_at": recorded, "updated_at": recorded}
        )
    # Rows come back in any order (SQLite does not promise the order of RETURNING, and asking
    # SQLAlchemy to sort them makes it insert one row per statement): they are told apart by
    # what they were matched on, which is unique among them.
    statement = insert(Incident).returning(
        Incident.id, Incident.external_id, Incident.title, Incident.detected_at
    )
    keys: dict[tuple[object, ...], int] = {
        ("id", external) if external else ("title", title, detected): identifier
        for identifier, external, title, detected in session.execute(statement, values)
    }
    ids = [keys[_key(row)] for row in rows]
    session.execute(
        insert(TimelineEntry),
        [_opened(i, r.detected, r.title, name, recorded) for i, r in zip(ids, rows, strict=True)],
    )
    roles = [
        _commander(i, r.commander, r.detected)
        for i, r in zip(ids, rows, strict=True)
        if r.commander
    ]
    if roles:
        session.execute(insert(Role), roles)


def _update_matched(
    session: Session,
    name: str,
    rows: list[_Row],
    matched: dict[tuple[object, ...], Incident],
    recorded: dt.datetime,
) -> list[Incident]:
    """Bring the stored incidents up to the rows; the ones that changed."""
    pairs = [(row, matched[_key(row)]) for row in rows if _key(row) in matched]
    ids = [incident.id for _, incident in pairs]
    commanders: dict[int, list[tuple[str, dt.datetime]]] = {}
    with_entries: set[int] = set()
    for chunk in _chunks(ids):
        held = select(Role).where(Role.incident_id.in_(chunk), Role.role == "commander")
        for role in session.scalars(held):
            commanders.setdefault(role.incident_id, []).append((role.name, role.assigned_at))
        entries = select(TimelineEntry.incident_id).where(TimelineEntry.incident_id.in_(chunk))
        with_entries.update(session.scalars(entries.distinct()))
    changed, entries_added, roles_added, replaced = [], [], [], []
    for row, incident in pairs:
        moved = False
        for column, value in _fields(row, incident).items():
            if getattr(incident, column) != value:
                setattr(incident, column, value)
                moved = True
        if incident.id not in with_entries:
            entries_added.append(
                _opened(incident.id, incident.detected_at, row.title, name, recorded)
            )
            moved = True
        wanted = [(row.commander, incident.detected_at)] if row.commander else None
        if wanted is not None and commanders.get(incident.id) != wanted:
            replaced.append(incident.id)
            roles_added.append(_commander(incident.id, *wanted[0]))
            moved = True
        if moved:
            incident.updated_at = recorded
            changed.append(incident)
    for chunk in _chunks(replaced):
        session.execute(delete(Role).where(Role.incident_id.in_(chunk), Role.role == "commander"))
    if entries_added:
        session.execute(insert(TimelineEntry), entries_added)
    if roles_added:
        session.execute(insert(Role), roles_added)
    refresh_search_texts(session, changed)
    return changed
