"""How a listing fits the width it has (ADR 0020): the columns that name a row stay readable,
numbers never wrap, and the columns of least value (the rightmost) give way first, named in
the caption."""

from __future__ import annotations

import dataclasses
import enum
import re

from rich.cells import cell_len
from rich.table import Table

# A key column (it names the row: path, period, person, id) is never narrower than this, or
# than its longest value if that is shorter; an identifier longer than its column is shortened
# in the middle, text with spaces wraps.
KEY_MIN = 30
# Other text wraps down to this (or its header's longest word).
TEXT_MIN = 12
# Each column has one space of padding either side and one rule after it; the table one more.
_RULES = 3
_NUMBER = re.compile(r"^([-+]?[\d,]*\.?\d+(\s?%|[a-z]{1,2})?|—|-|n/a|)$")


class Kind(enum.Enum):
    key = "key"
    text = "text"
    number = "number"


@dataclasses.dataclass(eq=False)
class Column:
    """One column to lay out: its header, its cells as text, what kind of value it holds, and
    whether it is right-aligned (numbers, times)."""

    header: str
    cells: list[str]
    kind: Kind
    right: bool = False

    @property
    def natural(self) -> int:
        """Its width when nothing, not even its header, is wrapped."""
        header = max(map(cell_len, self.header.splitlines()), default=0)
        return max([header, *map(cell_len, self.cells)])

    @property
    def longest(self) -> int:
        """Its widest cell, or its header's longest word if wider."""
        return max([self._header_word, *map(cell_len, self.cells)])

    @property
    def least(self) -> int:
        """The narrowest it may be: numbers whole, keys at KEY_MIN, other text at TEXT_MIN."""
        floor = {Kind.number: self.longest, Kind.key: KEY_MIN, Kind.text: TEXT_MIN}[self.kind]
        return max(self._header_word, min(self.longest, floor))

    @property
    def _header_word(self) -> int:
        return max((cell_len(word) for word in self.header.split()), default=0)


def looks_numeric(cells: list[str]) -> bool:
    """Cells that are all numbers as printed (1,234 / 0.5 / 81% / 3h / —): they never wrap."""
    return bool(cells) and all(_NUMBER.match(cell.strip()) for cell in cells)


def fit(columns: list[Column], width: int) -> tuple[list[Column], list[int], list[Column]]:
    """The columns shown, their widths, and the columns left out, for a table `width` wide.

    Columns other than keys (and the first) are left out from the right until the rest fit
    at their least width; the room left widens the keys first, then cells that would wrap,
    then headers that would, the narrowest column first. Keys shrink below KEY_MIN only
    when the keys alone cannot fit."""
    shown = list(columns)
    dropped: list[Column] = []

    def needed(cols: list[Column]) -> int:
        return sum(c.least for c in cols) + _RULES * len(cols) + 1

    while needed(shown) > width and any(c.kind is not Kind.key for c in shown[1:]):
        victim = next(c for c in reversed(shown) if c.kind is not Kind.key and c is not shown[0])
        shown.remove(victim)
        dropped.insert(0, victim)
    widths = [c.least for c in shown]
    room = width - sum(widths) - _RULES * len(shown) - 1
    if room < 0:  # only keys are left and even they do not fit: narrow the widest ones
        for _ in range(-room):
            widest = max(range(len(widths)), key=lambda i: widths[i])
            if widths[widest] <= 4:
                break
            widths[widest] -= 1
        room = 0
    stages = [
        [(i, c.longest) for i, c in enumerate(shown) if c.kind is Kind.key],
        [(i, c.longest) for i, c in enumerate(shown)],
        [(i, c.natural) for i, c in enumerate(shown)],
    ]
    for stage in stages:
        room = _share(room, widths, stage)
    return shown, widths, dropped


def _share(room: int, widths: list[int], wants: list[tuple[int, int]]) -> int:
    """Widen the columns in `wants` (index, width wanted) one cell at a time, the narrowest
    first, while room is left; return the room still left."""
    while room > 0:
        growing = [i for i, wanted in wants if widths[i] < wanted]
        if not growing:
            break
        widths[min(growing, key=lambda i: widths[i])] += 1
        room -= 1
    return room


def shortened(text: str, width: int) -> str:
    """An identifier (a path, an id) in `width` cells: its head, an ellipsis, and its tail,
    the tail whole path segments (the file name and the directories just above it) when the
    file name fits."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    room = width - 1
    tail = _last_cells(text, room * 2 // 3)
    segments = text.split("/")
    for count in range(1, len(segments)):
        whole = "/" + "/".join(segments[-count:])
        if cell_len(whole) > (room * 2 // 3 if count > 1 else room - 4):
            break
        tail = whole
    return _first_cells(text, room - cell_len(tail)) + "…" + tail


def _first_cells(text: str, cells: int) -> str:
    out = ""
    for char in text:
        if cell_len(out + char) > cells:
            break
        out += char
    return out


def _last_cells(text: str, cells: int) -> str:
    return _first_cells(text[::-1], cells)[::-1]


def laid_out(
    columns: list[Column],
    width: int,
    title: str | None = None,
    caption: str | None = None,
    hidden_rows: int = 0,
) -> Table:
    """A Rich table of `columns` that fits in `width`, its caption naming what it left out."""
    shown, widths, dropped = fit(columns, width)
    notes = [caption] if caption else []
    left_out = [f"{hidden_rows:,} more rows"] if hidden_rows > 0 else []
    if dropped:
        names = ", ".join(c.header for c in dropped)
        left_out.append(f"left out at {width} columns: {names}")
    if left_out:
        joint = "; " if dropped else ": "
        notes.append("; ".join(left_out) + joint + "--format json|csv|markdown shows them all")
    # "default", not "left": a left-justified title is padded with spaces to the width
    table = Table(
        title=title,
        title_justify="default",
        caption="\n".join(notes) or None,
        caption_justify="default",
    )
    for column, size in zip(shown, widths, strict=True):
        table.add_column(
            column.header,
            justify="right" if column.right else "left",
            overflow="fold",  # a number's column is as wide as its widest: it never folds
            width=size,
        )
    for row in zip(*(c.cells for c in shown), strict=True):
        table.add_row(
            *(
                shortened(cell, size) if c.kind is Kind.key and " " not in cell else cell
                for cell, c, size in zip(row, shown, widths, strict=True)
            )
        )
    return table
