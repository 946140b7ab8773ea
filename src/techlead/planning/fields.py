"""Reading tracker exports: CSV and JSON files, times in the trackers' formats, points."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser

from techlead.csv_files import MalformedCsvError, csv_records
from techlead.errors import TechleadError
from techlead.inputs.files import decode, read_bytes
from techlead.inputs.formats import parse_json


class ExportError(TechleadError):
    """A tracker export that cannot be imported; names the file, row and field."""


# Linear writes JavaScript's Date.toString(): "Wed May 13 2026 11:21:41 GMT+0000 (GMT+00:00)".
_JAVASCRIPT = re.compile(
    r"^[A-Za-z]{3} ([A-Za-z]{3} \d{1,2} \d{4} \d{1,2}:\d{2}:\d{2}) GMT([+-]\d{4})(?: \(.*\))?$"
)
# dateutil reads "GMT+3" the POSIX way (three hours *behind*); trackers mean ahead.
_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*(?=[+-]\d)")


def read_time(value: str, zone: dt.tzinfo, where: str) -> dt.datetime:
    """A point in time from an export; without an offset it is read in `zone`."""
    text = value.strip()
    parsed = _fast(text)
    if parsed is not None:
        return _checked(parsed, zone, value, where)
    javascript = _JAVASCRIPT.match(text)
    try:
        if javascript:
            parsed = dt.datetime.strptime(
                f"{javascript.group(1)} {javascript.group(2)}", "%b %d %Y %H:%M:%S %z"
            )
        else:
            # Jira's "11/May/24 03:26 PM" and numeric dates are day first, as Jira writes them.
            _check_day_first(text, value, where)
            parsed = dateparser.parse(_GMT_OFFSET.sub("", text), dayfirst=_day_first(text))
    except (ValueError, OverflowError):
        raise ExportError(f"{where}: {value!r} is not a date and time") from None
    return _checked(parsed, zone, value, where)


def _fast(text: str) -> dt.datetime | None:
    """ISO 8601 and Jira's default format without the general parser (10x faster)."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, "%d/%b/%y %I:%M %p")
    except ValueError:
        return None


def _checked(parsed: dt.datetime, zone: dt.tzinfo, value: str, where: str) -> dt.datetime:
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        parsed.utcoffset()
    except (ValueError, OverflowError):  # dateutil keeps offsets such as +99:00
        raise ExportError(
            f"{where}: {value!r} has an offset of 24 hours or more (e.g. +01:00)"
        ) from None
    if parsed.year < 1970:
        raise ExportError(f"{where}: {value!r} is before 1970")
    if parsed.astimezone(dt.UTC) > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        raise ExportError(f"{where}: {value!r} is in the future")
    return parsed.astimezone(dt.UTC)


def _day_first(text: str) -> bool:
    return not re.match(r"^\d{4}[-/.]", text)


# numeric dates like 05/11/24: read day first; one that cannot be is an error, not a guess
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")


def _check_day_first(text: str, value: str, where: str) -> None:
    numeric = _NUMERIC_DATE.match(text)
    if numeric and int(numeric.group(2)) > 12:
        raise ExportError(
            f"{where}: {value!r} is month first; numeric dates are read day first "
            "(DD/MM/YY, Jira's default)",
            hint="export with month names (11/May/24) or ISO dates (2024-05-11)",
        )


def optional_time(value: str | None, zone: dt.tzinfo, where: str) -> dt.datetime | None:
    return read_time(value, zone, where) if value and value.strip() else None


MAX_POINTS = 10_000


def read_points(value: object, where: str) -> float | None:
    """Story points: a non-negative number, or nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ExportError(f"{where}: {value!r} is not a number of points")
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d+(?:[.,]\d{1,2})?|\d*\.\d+", text):  # 2.5 or 2,5; not 1,000
            raise ExportError(f"{where}: {value!r} is not a number of points")
        points: object = float(text.replace(",", "."))
    else:
        points = value
    if not isinstance(points, int | float) or math.isnan(points) or points < 0:
        raise ExportError(f"{where}: {value!r} is not a number of points")
    if points > MAX_POINTS:
        raise ExportError(f"{where}: {value!r} points is more than {MAX_POINTS:,}")
    return float(points)


def text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def _decoded(path: Path, limit: int | None = None) -> str:
    """The export's text: a regular file of at most `limit` bytes, UTF-8 (NULs dropped)."""
    raw = read_bytes(path, limit=limit, error=ExportError)
    return decode(raw.replace(b"\x00", b""), path, ExportError, newlines=False)


@dataclass
class CsvTable:
    """A CSV export: its header (repeated names kept) and rows with their first line number."""

    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def columns(self, name: str) -> list[int]:
        """Every column with this header name (case-insensitive): Jira repeats some."""
        wanted = name.casefold()
        return [index for index, column in enumerate(self.header) if column.casefold() == wanted]

    def require(self, *names: str) -> None:
        missing = [name for name in names if not self.columns(name)]
        if missing:
            raise ExportError(f"{self.path}: no {', '.join(repr(m) for m in missing)} column")

    def read(self, zone: dt.tzinfo) -> list[CsvRow]:
        return [CsvRow(self, line, cells, zone) for line, cells in self.rows]


@dataclass
class CsvRow:
    """One row of a CSV export, read by column name."""

    table: CsvTable
    line: int
    cells: list[str]
    zone: dt.tzinfo

    def where(self, column: str) -> str:
        return f"{self.table.path}, line {self.line}, column {column!r}"

    def first(self, *names: str) -> str | None:
        """The first of these columns with a value; a column repeated with two different
        values is an error (only list-like columns such as Sprint are read repeated)."""
        for name in names:
            values = set(self.every(name))
            if len(values) > 1:
                raise ExportError(
                    f"{self.where(name)}: repeated with different values {sorted(values)}"
                )
            if values:
                return values.pop()
        return None

    def every(self, name: str) -> list[str]:
        """The non-empty values of every copy of a repeated column."""
        values = (self.cells[index].strip() for index in self.table.columns(name))
        return [value for value in values if value]

    def required(self, name: str) -> str:
        value = self.first(name)
        if value is None:
            raise ExportError(f"{self.where(name)}: empty")
        return value

    def time(self, name: str) -> dt.datetime | None:
        return optional_time(self.first(name), self.zone, self.where(name))

    def required_time(self, name: str) -> dt.datetime:
        return read_time(self.required(name), self.zone, self.where(name))

    def points(self, name: str) -> float | None:
        return read_points(self.first(name), self.where(name))


def read_csv(path: Path, limit: int | None = None) -> CsvTable:
    """Rows of a CSV export: comma, semicolon or tab separated, quoted the standard way."""
    text = _decoded(path, limit)
    if not text.strip():
        raise ExportError(f"{path}: the file is empty")
    records = csv_records(text)
    rows: list[tuple[int, list[str]]] = []
    try:
        header: list[str] = []
        while not any(header):
            header = [name.strip() for name in next(records, (0, ["no header"]))[1]]
        for line, row in records:
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    spans = any("\n" in cell for cell in row)
                    raise ExportError(
                        f"{path}, line {line}: {len(row)} fields where the header has "
                        f"{len(header)}",
                        hint="a quote left open runs on over the following lines"
                        if spans
                        else None,
                    )
                rows.append((line, row))
    except MalformedCsvError as exc:
        raise ExportError(f"{path}, line {exc.line}: {exc.reason}") from None
    return CsvTable(path, header, rows)


def read_json(path: Path, limit: int | None = None) -> Any:
    return parse_json(_decoded(path, limit), path, "JSON", ExportError)
