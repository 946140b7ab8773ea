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

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from techlead.config import Severity
from techlead.errors import TechleadError
from techlead.incidents.service import STATUSES, check_severity, refresh_search_text
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
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            raw[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(raw), dialect)
    try:
        header = [_column(name) for name in next(reader)]
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise CsvImportError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from None
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


def _apply(incident: Incident, row: _Row, recorded: dt.datetime) -> None:
    """Copy a row into an incident. What was recorded here since the last import is kept: an
    export taken earlier never moves an incident back."""
    incident.external_id = row.external_id
    incident.title = row.title
    incident.severity = row.severity
    incident.service = row.service
    incident.summary = row.summary or incident.summary
    incident.started_at = row.times["started"]  # type: ignore[assignment]
    incident.detected_at = row.times["detected"]  # type: ignore[assignment]
    if incident.status is None or STATUSES.index(row.status) >= STATUSES.index(incident.status):
        incident.status = row.status
    for milestone in _MILESTONES:
        given = row.times[milestone]
        if given is not None or getattr(incident, f"{milestone}_at", None) is None:
            setattr(incident, f"{milestone}_at", given)
    incident.updated_at = recorded


def import_csv(
    store: Store, path: Path, severities: dict[str, Severity], limit: int | None = None
) -> tuple[int, int]:
    """Import every row of a file of at most `limit` bytes (all or nothing); return how many
    were added and updated."""
    _, records = _read(path, limit)
    rows = [_check(path, line, record, severities) for line, record in records]
    seen: dict[str, int] = {}
    for row in rows:
        if row.external_id:
            if row.external_id in seen:
                first = seen[row.external_id]
                raise CsvImportError(
                    f"{path}:{row.line}: id {row.external_id!r} also on line {first}"
                )
            seen[row.external_id] = row.line
    added = updated = 0
    with store.session() as session:
        for row in rows:
            if row.external_id:
                query = select(Incident).where(
                    Incident.repository == store.repository,
                    Incident.external_id == row.external_id,
                )
            else:
                query = select(Incident).where(
                    Incident.repository == store.repository,
                    Incident.title == row.title,
                    Incident.detected_at == row.times["detected"],
                )
            incident = session.execute(query.with_for_update()).scalars().first()
            recorded = now()
            if incident is None:
                incident = Incident(
                    repository=store.repository, created_at=recorded, search_text=""
                )
                session.add(incident)
                added += 1
            else:
                updated += 1
            _apply(incident, row, recorded)
            session.flush()
            if not session.execute(
                select(TimelineEntry.id).where(TimelineEntry.incident_id == incident.id).limit(1)
            ).first():
                session.add(
                    TimelineEntry(
                        incident_id=incident.id,
                        at=incident.detected_at,
                        kind="opened",
                        text=f"Imported from {path.name}: {row.title}",
                        recorded_at=recorded,
                    )
                )
            if row.commander:
                for held in session.execute(
                    select(Role).where(Role.incident_id == incident.id, Role.role == "commander")
                ).scalars():
                    session.delete(held)
                session.flush()
                session.add(
                    Role(
                        incident_id=incident.id,
                        role="commander",
                        name=row.commander,
                        assigned_at=incident.detected_at,
                    )
                )
            session.flush()
            refresh_search_text(session, incident)
    return added, updated
