"""How a table fits its width (ADR 0020): the width piped, the columns left out, keys shortened."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import polars as pl
import pytest
from rich.console import Console

from techlead import terminal
from techlead.output import frame_table
from techlead.table_layout import KEY_MIN, Column, Kind, fit, shortened


def test_piped_width_is_80_whatever_terminal_stdin_is(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    # Rich measures stdin's or stderr's terminal when stdout is a pipe: `techlead ... | cat`
    monkeypatch.setattr(os, "get_terminal_size", lambda fd=0: os.terminal_size((200, 50)))
    assert Console().width == 200
    assert terminal.stdout.width == 80
    monkeypatch.setenv("COLUMNS", "120")
    assert terminal.stdout.width == 120


def rendered(table: object, width: int) -> list[str]:
    console = Console(width=width, file=open(os.devnull, "w"))  # noqa: SIM115
    with console.capture() as captured:
        console.print(table)
    return captured.get().splitlines()


def test_rightmost_columns_other_than_keys_give_way_first() -> None:
    columns = [
        Column("path", ["src/a.py"], Kind.key),
        Column("score", ["0.5"], Kind.number, right=True),
        Column("notes", ["a long remark that wraps"], Kind.text),
        Column("main developer", ["Ann Lead"], Kind.key),
        Column("revisions", ["1,234"], Kind.number, right=True),
    ]
    shown, widths, dropped = fit(columns, 40)
    assert [c.header for c in shown] == ["path", "score", "main developer"]
    assert [c.header for c in dropped] == ["notes", "revisions"]
    assert sum(widths) + 3 * len(widths) + 1 <= 40


def test_numbers_keep_their_whole_width_and_keys_their_readable_width() -> None:
    long_path = "services/payments/" + "deep/" * 20 + "worker.py"
    at = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    frame = pl.DataFrame(
        {"path": [long_path], "lines": [1_234_567], "at": [at], "note": ["x" * 90]}
    )
    lines = rendered(frame_table(frame, width=70), 70)
    assert all(len(line) <= 70 for line in lines)
    row = next(line for line in lines if "worker.py" in line)
    assert "1,234,567" in row
    assert "2026-11-28 12:00" in row
    cell = row.split("│")[1].strip()
    assert len(cell) >= KEY_MIN - 1
    assert cell.startswith("services/")
    assert "…" in cell
    assert any("left out at 70 columns: note" in line for line in lines)


def test_an_identifier_is_shortened_in_the_middle_keeping_its_file_name() -> None:
    assert shortened("lib/sqlalchemy/dialects/postgresql/base.py", 35) == (
        "lib/sqlalchemy/…/postgresql/base.py"
    )
    assert shortened("src/a.py", 30) == "src/a.py"
    long_name = "examples/generic_associations/discriminator_on_association.py"
    short = shortened(long_name, 32)
    assert len(short) == 32
    head, tail = short.split("…")
    assert long_name.startswith(head)
    assert long_name.endswith(tail)


def test_a_period_column_is_never_blank() -> None:
    frame = pl.DataFrame(
        {"period": ["2026-08", "2026-07"]}
        | {f"measure {n} with a long name": [1.5, 2.25] for n in range(12)}
    )
    lines = rendered(frame_table(frame, width=80), 80)
    assert all(len(line) <= 80 for line in lines)
    assert any("│ 2026-08 │" in line for line in lines)
    assert any("│ 2026-07 │" in line for line in lines)


def test_a_header_split_over_lines_is_as_wide_as_its_longest_line() -> None:
    column = Column("per\nweek", ["0.23"], Kind.number, right=True)
    assert column.natural == 4
