"""What a reStructuredText document links to, defines and names in code, read line by line.

The reader knows the block structure that decides whether text is read at all: literal blocks
(after `::`, doctest `>>>` blocks, `code-block`/`sourcecode`/`literalinclude`, ...) and
comments are skipped; section titles, explicit targets (`.. _label:`), directive arguments and
options are recognised; paragraphs are joined so that a role or link broken over two lines
still reads as one. Roles it does not know (Sphinx extensions' own) are simply not collected,
where docutils would report each one as an error (ADR 0022).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_EXPLICIT = re.compile(r"^(\s*)\.\.(?:\s+(.*))?$")
_DIRECTIVE = re.compile(r"^(?:\|[^|]+\|\s+)?([\w][\w:.+-]*)::(?:\s+(.*))?$")
_TARGET = re.compile(r"^_(`[^`]+`|[^:`][^:]*|`[^`]*`):(?:\s+(.*))?$")
_OPTION = re.compile(r"^:([\w-]+):(?:\s+(.*))?$")
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
_LITERAL = re.compile(r"``([^`]+)``")
_ROLE = re.compile(r"(?<![\w`]):((?:[\w.+-]+:)?[\w.+-]+):`([^`]+)`(?!`)")
_HYPERLINK = re.compile(r"(?<![\w`:])`([^`]*?)<([^<>`]+)>`__?")
_EMBEDDED_REFERENCE = re.compile(r"_$")

# directives whose content is not reStructuredText
LITERAL_DIRECTIVES = frozenset(
    {
        "code",
        "code-block",
        "sourcecode",
        "literalinclude",
        "doctest",
        "testcode",
        "testoutput",
        "testsetup",
        "testcleanup",
        "ipython",
        "jupyter-execute",
        "math",
        "raw",
        "productionlist",
        "graphviz",
        "digraph",
        "mermaid",
        "highlight",
    }
)
_PATH_DIRECTIVES = frozenset({"image", "figure", "include", "literalinclude"})
_MODULE_DIRECTIVES = frozenset({"currentmodule", "module", "py:currentmodule", "py:module"})
AUTODOC_DIRECTIVES = frozenset(
    {
        "automodule",
        "autoclass",
        "autoexception",
        "autofunction",
        "automethod",
        "autoattribute",
        "autoproperty",
        "autodata",
    }
)
PYTHON_ROLES = frozenset({"func", "class", "meth", "mod", "attr", "exc", "data", "obj", "const"})


@dataclass(frozen=True)
class Link:
    """A target to check: `kind` is `file` (a path), `doc` (a document name) or `ref`."""

    line: int
    kind: str
    target: str
    text: str  # as written, for the report
    source: str = "link"  # the directive or role that writes it: image, include, doc, ...


@dataclass(frozen=True)
class CodeReference:
    """A Python object a document names (a role or an autodoc directive)."""

    line: int
    role: str
    target: str
    module: str | None  # the `currentmodule` in force


@dataclass
class RstDocument:
    links: list[Link] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    code: list[CodeReference] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)


def label_name(text: str) -> str:
    """A label as Sphinx compares them: case and runs of whitespace do not matter."""
    return " ".join(text.split()).lower()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.doc = RstDocument()
        self.module: str | None = None

    def read(self) -> RstDocument:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if not line.strip():
                index += 1
            elif explicit := _EXPLICIT.match(line):
                index = self._explicit(index, _indent(line), (explicit.group(2) or "").strip())
            else:
                index = self._paragraph(index)
        return self.doc

    def _skip_block(self, index: int, base: int) -> int:
        """The index after the lines indented deeper than `base` (and blank lines among them)."""
        while index < len(self.lines):
            line = self.lines[index]
            if line.strip() and _indent(line) <= base:
                break
            index += 1
        return index

    def _explicit(self, index: int, base: int, rest: str) -> int:
        number = index + 1
        directive = _DIRECTIVE.match(rest)
        if directive:
            return self._directive(index, base, directive.group(1), directive.group(2) or "")
        target = _TARGET.match(rest)
        if target:
            name, uri = target.group(1).strip("`"), (target.group(2) or "").strip()
            if name != "_" and not uri:
                self.doc.labels.add(label_name(name))
            elif uri and not uri.endswith("_"):
                self.doc.links.append(Link(number, "file", "".join(uri.split()), uri, "target"))
            return self._skip_block(index + 1, base)
        if rest.startswith("["):  # footnote or citation: its text is read
            return self._paragraph(index)
        return self._skip_block(index + 1, base)  # a comment

    def _directive(self, index: int, base: int, name: str, argument: str) -> int:
        number, argument = index + 1, argument.strip()
        short = name.split(":", 1)[1] if name.startswith("py:") else name
        if name in _PATH_DIRECTIVES and argument and not argument.startswith("<"):
            self.doc.links.append(Link(number, "file", argument, argument, short))
        elif name in _MODULE_DIRECTIVES and argument:
            self.module = argument
        elif short in AUTODOC_DIRECTIVES and argument:
            target = argument.split("(", 1)[0].strip()
            self.doc.code.append(CodeReference(number, short, target, self.module))
            if short == "automodule":
                self.module = target
        elif name not in LITERAL_DIRECTIVES and name != "toctree" and argument:
            self._inline(argument, number)  # `.. seealso:: :ref:`x``, `.. note:: text`
        index += 1
        while index < len(self.lines) and (option := _OPTION.match(self.lines[index].strip())):
            if not self.lines[index].strip() or _indent(self.lines[index]) <= base:
                break
            if option.group(1) == "name" and option.group(2):
                self.doc.labels.add(label_name(option.group(2)))
            index += 1
        if name in LITERAL_DIRECTIVES:
            return self._skip_block(index, base)
        if name == "toctree":
            return self._toctree(index, base)
        return index  # the content is read as ordinary text

    def _toctree(self, index: int, base: int) -> int:
        end = self._skip_block(index, base)
        for number in range(index, end):
            entry = self.lines[number].strip()
            if not entry or entry == "self" or re.search(r"[*?\[]", entry):
                continue
            embedded = re.search(r"<([^<>]+)>$", entry)
            name = embedded.group(1) if embedded else entry
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name):
                self.doc.links.append(Link(number + 1, "doc", name, entry, "toctree"))
        return end

    def _paragraph(self, index: int) -> int:
        start, base = index, _indent(self.lines[index])
        while index < len(self.lines):
            line = self.lines[index]
            if not line.strip() or (index > start and _EXPLICIT.match(line)):
                break
            index += 1
        block = self.lines[start:index]
        if block[0].lstrip().startswith(">>>"):
            return index  # a doctest block
        self._titles(block)
        self._inline("\n".join(block), start + 1)
        if block[-1].rstrip().endswith("::"):
            return self._skip_block(index, base)  # the literal block the paragraph introduces
        return index

    def _titles(self, block: list[str]) -> None:
        for number, line in enumerate(block):
            text = line.strip()
            below = block[number + 1].strip() if number + 1 < len(block) else ""
            if (
                text
                and not _ADORNMENT.match(text)
                and _ADORNMENT.match(below)
                and len(below) >= len(text)
            ):
                self.doc.titles.append(text)

    def _inline(self, text: str, first: int) -> None:
        def line_of(offset: int) -> int:
            return first + text.count("\n", 0, offset)

        def blank(match: re.Match[str]) -> str:
            return " " * len(match.group(0))

        for match in _LITERAL.finditer(text):
            self.doc.literals.append(" ".join(match.group(1).split()))
        text = _LITERAL.sub(blank, text)
        for match in _ROLE.finditer(text):
            self._role(line_of(match.start()), match.group(1), " ".join(match.group(2).split()))
        text = _ROLE.sub(blank, text)
        for match in _HYPERLINK.finditer(text):
            target = "".join(match.group(2).split())
            if not _EMBEDDED_REFERENCE.search(target):
                self.doc.links.append(Link(line_of(match.start()), "file", target, target))

    def _role(self, line: int, role: str, content: str) -> None:
        role = role.removeprefix("py:").removeprefix("std:")
        embedded = re.search(r"<([^<>]+)>$", content)
        target = (embedded.group(1) if embedded else content).strip()
        written = f":{role}:`{content}`"
        if role in {"ref", "numref"}:
            self.doc.links.append(Link(line, "ref", target, written, role))
        elif role == "doc":
            self.doc.links.append(Link(line, "doc", target, written, role))
        elif role == "download":
            self.doc.links.append(Link(line, "file", target, written, role))
        elif role in PYTHON_ROLES:
            name = target.lstrip("~!").removesuffix("()")
            self.doc.code.append(CodeReference(line, role, name, self.module))


def read_rst(text: str) -> RstDocument:
    """Links, labels, section titles, code references and inline literals of an rST text."""
    return _Reader(text.splitlines()).read()
