"""How commands print results: a Rich table, JSON, CSV or Markdown, the same for every listing."""

from __future__ import annotations

import dataclasses
import enum
import io
import json
import sys
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import polars as pl
from pydantic import BaseModel, ConfigDict
from rich.console import RenderableType
from rich.table import Table


class OutputFormat(enum.StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def to_json(value: Any) -> str:
    """Dataclasses, dates and containers as indented, key-stable JSON."""
    return json.dumps(_plain(value), indent=2, ensure_ascii=False)


class Record(BaseModel):
    """One record of a result: its fields are the record's one JSON shape (ADR 0033), which
    the CLI's `--format json`, the dashboard's JSON twins (as their OpenAPI `response_model`)
    and the reports share. A field the result lacks, or a column the record does not name,
    fails loudly rather than changing the shape."""

    model_config = ConfigDict(extra="forbid")


R = TypeVar("R", bound=BaseModel)


def records(frame: pl.DataFrame, model: type[R]) -> list[R]:
    """A result frame's rows as typed records."""
    return [model.model_validate(row) for row in frame.iter_rows(named=True)]


def plain(items: list[R] | R) -> Any:
    """Typed records as plain data (times still `datetime`): what `to_json` and the JSON twins
    write, so every shell writes the same document."""
    if isinstance(items, list):
        return [item.model_dump(by_alias=True) for item in items]
    return items.model_dump(by_alias=True)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        midnight = value.hour == value.minute == value.second == 0
        return value.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


TABLE_ROWS = 50
# Columns that name the row wherever they stand (the first column always does): never left out.
KEY_COLUMNS = frozenset({"id", "name", "path", "coupled", "period", "main_developer", "commit"})


def frame_table(
    frame: pl.DataFrame,
    title: str | None = None,
    caption: str | None = None,
    width: int | None = None,
) -> Table:
    """A frame as a Rich table (its first TABLE_ROWS rows) that fits `width` (default: the
    terminal's) by ADR 0020: numbers right-aligned and whole, keys readable, the rightmost
    other columns left out when they cannot fit, and the caption says what was left out."""
    from techlead import terminal
    from techlead.table_layout import Column, Kind, laid_out, looks_numeric

    shown = frame.head(TABLE_ROWS)
    columns = []
    for index, (name, dtype) in enumerate(shown.schema.items()):
        cells = [_cell(value) for value in shown.get_column(name)]
        right = (
            dtype.is_numeric()
            or dtype.is_temporal()
            or dtype == pl.Boolean
            or (dtype in (pl.String, pl.Null) and looks_numeric(cells))
        )
        kind = (
            Kind.key if index == 0 or name in KEY_COLUMNS else Kind.number if right else Kind.text
        )
        columns.append(Column(name.replace("_", " "), cells, kind, right))
    return laid_out(
        columns,
        width or terminal.stdout.width,
        title,
        caption,
        hidden_rows=frame.height - shown.height,
    )


def frame_markdown(frame: pl.DataFrame) -> str:
    """A frame as a GitHub-flavoured Markdown table."""
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---:" if t.is_numeric() else "---" for t in frame.dtypes) + "|"
    rows = [
        "| "
        + " | ".join(_cell(value).replace("|", "\\|").replace("\n", "<br>") for value in row)
        + " |"
        for row in frame.iter_rows()
    ]
    return "\n".join([header, rule, *rows])


# A spreadsheet runs a cell that starts like a formula: such text is quoted with a leading '
_FORMULA = r"^([=+@\t\r]|-[^0-9.])"


def frame_csv(frame: pl.DataFrame) -> str:
    """A frame as CSV; times with a zone written like the JSON output (+00:00); text that a
    spreadsheet would read as a formula made plain text."""
    buffer = io.StringIO()
    aware = frame.with_columns(
        pl.col(name).dt.strftime("%Y-%m-%dT%H:%M:%S%:z")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    ).with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )
    aware.write_csv(buffer)
    return buffer.getvalue()


def frame_json(frame: pl.DataFrame) -> str:
    return to_json(frame.to_dicts())


def render_frame(
    frame: pl.DataFrame,
    output: OutputFormat,
    title: str | None = None,
    top: int | None = None,
    record: type[BaseModel] | None = None,
) -> None:
    """Print a result frame (its first `top` rows, if given) to stdout in the chosen format;
    as JSON, its rows are `record`s when given."""
    if top is not None:
        frame = frame.head(top)
    if output is OutputFormat.table:
        print_table(frame_table(frame, title))
        return
    if output is OutputFormat.json and record is not None:
        sys.stdout.write(to_json(plain(records(frame, record))) + "\n")
        return
    text = {
        OutputFormat.json: frame_json,
        OutputFormat.csv: frame_csv,
        OutputFormat.markdown: frame_markdown,
    }[output](frame)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def print_table(table: Table) -> None:
    """Print a table to stdout, its title and caption wrapped to the whole width (Rich would
    wrap them to the table's)."""
    from rich.console import Group
    from rich.text import Text

    title, caption = table.title, table.caption
    table.title = table.caption = None
    print_wrapped(
        Group(
            *([Text(title, style="table.title")] if isinstance(title, str) else []),
            table,
            *([Text(caption, style="table.caption")] if isinstance(caption, str) else []),
        )
    )


def print_wrapped(shown: RenderableType) -> None:
    """Print to stdout wrapped to its width; piped, without the spaces that pad line ends."""
    from techlead import terminal

    if terminal.stdout.is_terminal:
        terminal.stdout.print(shown, soft_wrap=False)
        return
    with terminal.stdout.capture() as captured:
        terminal.stdout.print(shown, soft_wrap=False)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def render_problems(problems: list[tuple[str, str]], output: OutputFormat, where: object) -> None:
    """A linter's (file, problem) list, or a one-line all-clear for a table."""
    from rich.text import Text

    frame = pl.DataFrame(problems, schema={"file": pl.String, "problem": pl.String}, orient="row")
    if problems or output is not OutputFormat.table:
        render_frame(frame, output, f"Problems in {where}")
    else:  # the directory may be longer than the width: wrapped like a table's cells
        print_wrapped(Text(f"{where}: no problems"))
