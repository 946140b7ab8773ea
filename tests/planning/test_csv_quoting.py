"""CSV exports are read with the standard quoting, whoever wrote them, and long fields import."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from techlead.config import PlanningSettings
from techlead.csv_files import MAX_FIELD
from techlead.planning.fields import ExportError
from techlead.planning.importer import ExportFormat, read_export
from techlead.planning.items import ImportedItem

QUOTED = Path(__file__).parent / "quoted"
JIRA_HEADER = ["Issue key", "Summary", "Status", "Created", "Description"]
TITLES = ['Support "dark" mode', 'Support "dark, light" mode', "Plain; with a semicolon"]
DESCRIPTION = 'Says "hello",\nthen ""twice"" and a tab\there'


def jira_rows() -> list[list[str]]:
    return [JIRA_HEADER] + [
        [f"WEB-{number}", title, "Open", "01/May/24 1:00 PM", DESCRIPTION]
        for number, title in enumerate(TITLES, start=1)
    ]


def read(path: Path) -> dict[str, ImportedItem]:
    return {item.key: item for item in read_export(path, ExportFormat.auto, PlanningSettings())}


def written(path: Path, rows: list[list[str]], encoding: str = "utf-8", **dialect: object) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, **dialect).writerows(rows)  # type: ignore[arg-type]
    return path


@pytest.mark.parametrize(
    ("dialect", "encoding"),
    [
        ({}, "utf-8"),  # Python's csv: header unquoted, quotes only where needed, CRLF
        ({"dialect": "excel"}, "utf-8-sig"),  # Excel's "CSV UTF-8": a byte-order mark
        ({"dialect": "excel", "delimiter": ";"}, "utf-8-sig"),  # Excel where ',' is decimal
        ({"dialect": "excel-tab"}, "utf-8"),
        ({"quoting": csv.QUOTE_ALL}, "utf-8"),  # every field quoted, as Linear writes
        ({"lineterminator": "\n"}, "utf-8"),
    ],
)
def test_a_jira_csv_written_by_python_or_excel_keeps_its_quotes(
    tmp_path: Path, dialect: dict[str, object], encoding: str
) -> None:
    items = read(written(tmp_path / "jira.csv", jira_rows(), encoding, **dialect))
    assert [items[f"WEB-{n}"].title for n in (1, 2, 3)] == TITLES
    assert items["WEB-1"].description == DESCRIPTION


def test_a_linear_csv_quoted_throughout_keeps_doubled_quotes(tmp_path: Path) -> None:
    rows = [["ID", "Title", "Status", "Created", "Labels"]] + [
        [f"MOB-{n}", title, "Todo", "Wed May 01 2024 09:00:00 GMT+0200 (CEST)", "UI, Theme"]
        for n, title in enumerate(TITLES, start=1)
    ]
    items = read(written(tmp_path / "linear.csv", rows, quoting=csv.QUOTE_ALL))
    assert [items[f"MOB-{n}"].title for n in (1, 2, 3)] == TITLES
    assert items["MOB-2"].labels == ["Theme", "UI"]


def test_jiras_own_export_reads_quotes_commas_and_line_breaks() -> None:
    items = read(QUOTED / "jira-export.csv")
    dark = items["WEB-1"]
    assert dark.title == 'Support "dark" mode'
    assert 'I want "dark, light" and "system" themes.' in dark.description
    assert 'Settings say "Theme: system"' in dark.description
    assert dark.labels == ["theme", "ui"]
    assert dark.points == 3.0
    export = items["WEB-2"]
    assert export.title == "Export, then import"
    assert export.description == 'Steps: click "Export", pick CSV; then "Import".'
    assert items["WEB-3"].category == "in_progress"


def test_the_first_doubled_quote_may_come_late_in_the_file(tmp_path: Path) -> None:
    """Quoting is not guessed from a sample: a file whose first rows have no quotes at all."""
    rows = [JIRA_HEADER] + [
        [f"A-{n}", f"Plain title {n}", "Open", "01/May/24 1:00 PM", "plain"] for n in range(300)
    ]
    rows.append(["A-300", 'Support "dark, light" mode', "Open", "01/May/24 1:00 PM", "x"])
    items = read(written(tmp_path / "late.csv", rows))
    assert items["A-300"].title == 'Support "dark, light" mode'


def test_a_description_longer_than_128_kib_imports(tmp_path: Path) -> None:
    long = "A long Jira description, with commas. " * 10_000  # 380,000 characters
    rows = jira_rows()
    rows[1][4] = long
    items = read(written(tmp_path / "long.csv", rows))
    assert items["WEB-1"].description == long.strip()


def test_a_field_beyond_the_cap_is_refused_naming_the_line(tmp_path: Path) -> None:
    rows = jira_rows()
    rows[2][4] = "x" * (MAX_FIELD + 1)
    with pytest.raises(ExportError, match=re.escape("line 4: a field longer than 16 MiB")):
        read(written(tmp_path / "huge.csv", rows))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'Issue key,Summary,Status,Created\nA-1,"x,Open,01/May/24 1:00 PM\n',
            "line 2: a quote opened here is never closed",
        ),
        (
            'Issue key,Summary,Status,Created\nA-1,"Support "dark" mode",Open,01/May/24 1:00 PM\n',
            "line 2: text after a closing quote",
        ),
    ],
)
def test_broken_quoting_is_refused_naming_the_line(
    tmp_path: Path, content: str, message: str
) -> None:
    export = tmp_path / "broken.csv"
    export.write_text(content)
    with pytest.raises(ExportError, match=re.escape(message)):
        read(export)
