"""Size and complexity of one file's content (imported by worker processes: no Polars here).

Languages lizard knows get cyclomatic complexity (the sum over their functions); other text
files get indentation complexity (the sum over non-blank lines of their indentation depth in
levels of four spaces, a tab counting as one level), which tracks nesting in any language.
"""

from __future__ import annotations

from typing import NamedTuple

LIZARD_LIMIT = 512 * 1024  # larger sources (generated code, data) get the indentation measure
_BINARY_PROBE = 8000


class Measure(NamedTuple):
    """One blob's size and complexity; `method` is lizard, indentation or binary."""

    loc: int | None
    complexity: int | None
    functions: int | None
    method: str


def indentation_complexity(text: str) -> tuple[int, int]:
    """Non-blank lines and the sum of their indentation levels."""
    lines = total = 0
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if not stripped:
            continue
        lines += 1
        indent = line[: len(line) - len(stripped)]
        total += indent.count("\t") + indent.count(" ") // 4
    return lines, total


def measure_source(filename: str, data: bytes) -> Measure:
    """Measure one file's content; `filename` picks the language."""
    if b"\0" in data[:_BINARY_PROBE]:
        return Measure(None, None, None, "binary")
    text = data.decode("utf-8", "replace")
    if len(data) <= LIZARD_LIMIT:
        from lizard import analyze_file
        from lizard_languages import get_reader_for

        if get_reader_for(filename) is not None:
            info = analyze_file.analyze_source_code(filename, text)
            functions = info.function_list
            total = sum(function.cyclomatic_complexity for function in functions)
            return Measure(info.nloc, total, len(functions), "lizard")
    lines, indentation = indentation_complexity(text)
    return Measure(lines, indentation, None, "indentation")


def measure_batch(items: list[tuple[str, str, bytes]]) -> list[tuple[str, Measure]]:
    """Measure (blob, filename, content) items; runs in a worker process."""
    return [(blob, measure_source(name, data)) for blob, name, data in items]
