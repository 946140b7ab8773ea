"""Every listing command (every command whose --format offers `table`) at 80 columns, piped:
no line wider than 80, the columns that name a row (path, period, main developer, ...) shown
whole or shortened in the middle, never blank (ADR 0020)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import typer

from listing_fixture import DEEP, DEVELOPER, LONG_FILES, MATRIX_TITLE, build_listing_project
from techlead.cli import app, main


def listing_commands() -> list[tuple[str, tuple[str, ...]]]:
    """(command, its --format choices) for every command that can print a table."""
    found = []

    def walk(command: object, path: list[str]) -> None:
        for param in getattr(command, "params", []):
            if "--format" in param.opts:
                choices = getattr(param.type_descriptor.annotation, "__members__", {})
                values = tuple(str(choice.value) for choice in choices.values())
                if "table" in values:
                    found.append((" ".join(path), values))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = listing_commands()

# What each command needs besides the repository (module-level names are the fixture's).
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "adr show": ("1",),
    "debt trend": (LONG_FILES[0],),
    "decide show": (MATRIX_TITLE,),
    "hire debrief": ("1",),
    "incident search": ("settlement",),
    "incident show": ("1",),
    "incident timeline": ("1",),
    "plan backtest": ("--items", "3", "--history-days", "30"),
    "plan forecast how-many": ("--by", f"{date.today() + timedelta(days=30):%Y-%m-%d}"),
    "plan forecast when": ("--items", "10"),
    "risk evaluate": ("--gap", "0", "--period", "30"),
    "team offboard": (DEVELOPER,),
}
# Printed as written, not laid out: exempt from the width, not from running.
DOCUMENTS = {"adr show": "prints the decision record's Markdown as it is in the repository"}
SKIPPED: dict[str, str] = {}  # none: every listing runs on the fixture

BOX = re.compile(r"[┃│]")
# Columns that name the row wherever they stand; the first column always does.
KEYS = {"id", "name", "path", "coupled", "period", "main developer", "commit"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_listing_project(tmp_path_factory.mktemp("org") / "payments-gateway").path


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One local Dask cluster for the org commands (starting one per command takes seconds)."""
    from techlead.org.cluster import cluster

    with cluster(None, 1) as client:
        yield client.scheduler.address  # type: ignore[union-attr]


def argv(command: str, project: Path, scheduler: str, *extra: str) -> list[str]:
    words = command.split()
    if command == "scan":
        return [*words, str(project), "-q", *extra]
    if words[0] == "org":
        return [*words, str(project.parent), "--scheduler", scheduler, "-q", *extra]
    return [*words, *ARGUMENTS.get(command, ()), "-C", str(project), *extra]


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 1), f"techlead {' '.join(args)} exited {code}: {err}"
    return out


def first_table(text: str) -> tuple[list[str], list[list[str]]] | None:
    """The headers of the first table in `text` and, per column, its body lines' cells."""
    lines = text.splitlines()
    try:
        top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    except StopIteration:
        return None
    rule = next(i for i in range(top, len(lines)) if lines[i].startswith("┡"))
    bottom = next(i for i in range(rule, len(lines)) if lines[i].startswith("└"))
    header_lines = [BOX.split(line)[1:-1] for line in lines[top + 1 : rule]]
    headers = [
        " ".join(p.strip() for p in parts if p.strip()) for parts in zip(*header_lines, strict=True)
    ]
    body = [BOX.split(line)[1:-1] for line in lines[rule + 1 : bottom]]
    return headers, [[row[j].strip() for row in body] for j in range(len(headers))]


def as_shown(value: str) -> str:
    """A CSV value as the table prints it (times to the minute, thousands separated)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return f"{int(value):,}" if value.isdigit() else value
    midnight = moment.hour == moment.minute == moment.second == 0
    return moment.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M")


def visible(value: str, column: str) -> bool:
    """Whether `value` is in the column (its lines joined without spaces), whole, wrapped, or
    shortened to head…tail."""
    wanted = "".join(value.split())
    if wanted in column:
        return True
    for cut in (m.start() for m in re.finditer("…", column)):
        head = next((k for k in range(len(wanted), 2, -1) if column[:cut].endswith(wanted[:k])), 0)
        tail = next(
            (
                k
                for k in range(len(wanted) - head, 2, -1)
                if column[cut + 1 :].startswith(wanted[-k:])
            ),
            0,
        )
        if head and tail:
            return True
    return False


def test_every_listing_command_is_found() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"team ownership", "delivery", "debt hotspots", "debt coupling", "plan items"} <= names
    assert "review" not in names  # its --format has no table
    assert len(names) >= 45


@pytest.mark.parametrize(("command", "formats"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_listing_fits_80_columns_piped_with_its_keys_visible(
    command: str,
    formats: tuple[str, ...],
    project: Path,
    scheduler: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if command in SKIPPED:
        pytest.skip(SKIPPED[command])
    monkeypatch.delenv("COLUMNS", raising=False)  # piped and COLUMNS unset: 80
    out = run(capsys, argv(command, project, scheduler))
    if command not in DOCUMENTS:
        wide = [line for line in out.splitlines() if len(line) > 80]
        assert not wide, f"{command}: lines over 80 columns:\n" + "\n".join(wide)
    table = first_table(out)
    if (
        table is None
        or "csv" not in formats
        or sum(line.startswith("┏") for line in out.splitlines()) != 1
    ):
        return  # the CSV is the table's twin only where the command prints one table
    headers, cells = table
    twin = run(capsys, argv(command, project, scheduler, "-f", "csv"))
    rows = list(csv.DictReader(io.StringIO(twin)))
    names = {name.replace("_", " "): name for name in next(csv.reader(io.StringIO(twin)), [])}
    assert headers[0] in names, f"{command}: its first column is headed {headers[0]!r}"
    keys = [h for i, h in enumerate(headers) if h in names and (i == 0 or h in KEYS)]
    for header in keys:
        column = "".join("".join(cell.split()) for cell in cells[headers.index(header)])
        for row in rows[:50]:
            raw = row[names[header]]
            value = as_shown(raw)
            if value:  # an identifier of digits only (a short commit id) is shown as it is
                shown = visible(value, column) or visible(raw, column)
                assert shown, f"{command}: {header} {value!r} not shown"


def test_a_path_too_long_for_its_column_is_shortened_in_the_middle(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    out = run(capsys, ["team", "ownership", "-C", str(project), "-q"])
    assert re.search(r"│ services/\S*…\S*_worker\.py +│", out)
    assert DEEP not in out  # too long for 80 columns whole
    caption = " ".join(out.split())
    assert "left out at 80 columns: " in caption
    assert "--format json|csv|markdown shows them all" in caption


def test_columns_says_how_wide_a_piped_table_is(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = run(capsys, ["debt", "coupling", "-C", str(project), "-q"])
    assert max(map(len, out.splitlines())) > 80
    assert all(len(line) <= 200 for line in out.splitlines())
    assert "left out at 200 columns" not in out  # 200 columns hold them all
    assert "average" in out
