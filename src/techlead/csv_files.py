"""Reading the CSV files other tools export (trackers, pagers, deploy logs, spreadsheets).

Only the delimiter is sniffed, from a sample of the file (comma, semicolon or tab). The quoting
is always the standard one — a field holding the delimiter, a quote or a line break is quoted,
and a quote inside it is written twice (`"Support ""dark"" mode"`) — because that is how Jira,
Linear, Excel and Python's csv all write it; a dialect guessed from a sample without a doubled
quote would read `""` as two quotes. The reader is strict: a quote left open, or text after a
closing quote, is an error naming the line, never a silently different table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

# A field may be as long as a long Jira description (Python's default limit is 128 KiB); more
# than this is no export's text. How large a whole file may be is for its reader to say.
MAX_FIELD = 16 * 1024 * 1024
_SAMPLE = 4096  # csv.Sniffer is quadratic in its sample: 4 KiB takes it under a second
DELIMITERS = ",;\t"


class MalformedCsvError(ValueError):
    """CSV text that cannot be read; `line` is where, `reason` says what is wrong."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class _Standard(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


def dialect_of(text: str) -> type[csv.Dialect]:
    """The standard quoting with the delimiter sniffed from the start of `text`."""
    try:
        sniffed = csv.Sniffer().sniff(text[:_SAMPLE], delimiters=DELIMITERS)
    except csv.Error:
        return _Standard  # one column, or nothing to tell: comma separated

    class Sniffed(_Standard):
        delimiter = sniffed.delimiter
        skipinitialspace = sniffed.skipinitialspace

    return Sniffed


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of every record of `text`, blank lines included as []; raises
    MalformedCsvError naming the line of a quote left open, text after a closing quote or a field
    longer than MAX_FIELD."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD))
    reader = csv.reader(io.StringIO(text, newline=""), dialect_of(text))
    line = 1
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            raise MalformedCsvError(*_explained(str(exc), line, reader.line_num)) from None
        if record is None:
            return
        if any(len(field) > MAX_FIELD for field in record):
            raise MalformedCsvError(line, f"a field longer than {MAX_FIELD // 1024 // 1024} MiB")
        yield line, record
        line = reader.line_num + 1


def _explained(problem: str, first: int, last: int) -> tuple[int, str]:
    if "end of data" in problem:
        return first, "a quote opened here is never closed"
    if "expected after" in problem:
        return last, 'text after a closing quote (a quote inside a quoted field is written "")'
    if "field limit" in problem:
        return first, f"a field longer than {MAX_FIELD // 1024 // 1024} MiB"
    return last, problem
