"""Size and complexity of one file's content, and its functions (imported by worker processes:
no Polars here). This is the one place techlead runs lizard.

Languages lizard knows get cyclomatic complexity (the sum over their functions, each of which is
kept: its name, lines and complexity, for `review` and `hire kit`); other text
files get indentation complexity (the sum over non-blank lines of their indentation depth in
levels of four spaces, a tab counting as one level), which tracks nesting in any language.
"""

from __future__ import annotations

from typing import NamedTuple

LIZARD_LIMIT = 512 * 1024  # larger sources (generated code, data) get the indentation measure
_BINARY_PROBE = 8000
# Prose and data: their indentation says nothing about how hard they are to change.
PROSE_AND_DATA = frozenset(
    [
        ".md",
        ".markdown",
        ".rst",
        ".txt",
        ".text",
        ".adoc",
        ".asciidoc",
        ".rdoc",
        ".org",
        ".tex",
        ".rtf",
        ".csv",
        ".tsv",
        ".json",
        ".jsonl",
        ".geojson",
        ".svg",
        ".po",
        ".pot",
        ".log",
        ".license",
        ".pem",
        ".crt",
        ".ipynb",
        ".ai",
        ".eps",
        ".ps",
    ]
)


class Function(NamedTuple):
    """A function lizard found: its name, its name with parameters (`long_name`, which tells
    overloads apart), its first and last lines and its cyclomatic complexity."""

    name: str
    long_name: str
    start_line: int
    end_line: int
    complexity: int


class Measure(NamedTuple):
    """One blob's size and complexity; `method` is lizard, indentation, none or binary; the
    functions are lizard's (none by the other methods)."""

    loc: int | None
    complexity: int | None
    functions: int | None
    method: str
    function_list: tuple[Function, ...] = ()


_CODE_NAMES = frozenset(
    [
        "Makefile",
        "GNUmakefile",
        "makefile",
        "Dockerfile",
        "Containerfile",
        "Jenkinsfile",
        "Rakefile",
        "Gemfile",
        "Vagrantfile",
        "Justfile",
        "justfile",
        "BUILD",
        "WORKSPACE",
        "SConstruct",
        "SConscript",
    ]
)


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


def _suffix(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1]
    return name[name.rfind(".") :].lower() if "." in name.lstrip(".") else ""


def measure_source(filename: str, data: bytes) -> Measure:
    """Measure one file's content; `filename` picks the language.

    Files without a suffix (LICENSE, AUTHORS) and prose or data files get their non-blank lines
    counted and no complexity (method "none").
    """
    if b"\0" in data[:_BINARY_PROBE]:
        return Measure(None, None, None, "binary")
    text = data.decode("utf-8", "replace")
    suffix = _suffix(filename)
    if suffix in PROSE_AND_DATA or (not suffix and filename.rsplit("/", 1)[-1] not in _CODE_NAMES):
        return Measure(sum(1 for line in text.splitlines() if line.strip()), None, None, "none")
    if len(data) <= LIZARD_LIMIT:
        from lizard import analyze_file
        from lizard_languages import get_reader_for

        if get_reader_for(filename) is not None:
            info = analyze_file.analyze_source_code(filename, text)
            functions = tuple(
                Function(f.name, f.long_name, f.start_line, f.end_line, f.cyclomatic_complexity)
                for f in info.function_list
            )
            total = sum(function.complexity for function in functions)
            return Measure(info.nloc, total, len(functions), "lizard", functions)
    lines, indentation = indentation_complexity(text)
    return Measure(lines, indentation, None, "indentation")


def measure_batch(items: list[tuple[str, str, bytes]]) -> list[tuple[str, Measure]]:
    """Measure (blob, filename, content) items; runs in a worker process."""
    return [(blob, measure_source(name, data)) for blob, name, data in items]
