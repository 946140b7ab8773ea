"""Markdown and reStructuredText documents that the code has moved away from.

A document refers to code by path (a link, or a code span naming a tracked file), by Python
module (`package.module`) or by a function or class defined in the repository (`name` or
`name()`, for names of four characters or more defined in at most three files). In rST, the
Python roles (`:func:`, `:class:`, `:meth:`, `:mod:`, ...) and autodoc directives
(`.. autoclass::`, `.. automodule::`, ...) name objects by dotted path, read in the
`currentmodule` in force: the file of the module that defines the object (or, for a name the
module imports, the file of its package that defines it). Names outside the repository's own
packages (intersphinx targets) are not code of this repository. It is stale
when a file it refers to changed after the document last did (ranked by how many lines
changed since), or refers to a file that is gone (it was in the history, it is not at HEAD).
Other documents it links to are not code (`docs lint` checks those links).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from markdown_it import MarkdownIt

from techlead.docs.rst import AUTODOC_DIRECTIVES, CodeReference, read_rst
from techlead.inputs.files import scanned_text

_PATHLIKE = re.compile(r"^[\w.\-/]+\.[A-Za-z0-9]{1,8}$|^[\w.\-]+/[\w.\-/]*$")
_MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_SYMBOL = re.compile(r"^([A-Za-z_]\w{3,})(\(\))?$")
_DEFINED = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w{3,})", re.MULTILINE)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_HISTORY_DOC = re.compile(
    r"(^|/)(changes|changelogs?|history|news|release[-_]?notes|whatsnew)([-_./]|$)", re.I
)
_TESTS = re.compile(r"(^|/)tests?/")
_markdown = MarkdownIt("commonmark").enable("table")
_PROSE = (".md", ".markdown", ".rst", ".txt")


@dataclass
class StaleDoc:
    document: str
    last_changed: dt.datetime
    references: int
    lines_moved: int = 0
    changed: list[tuple[str, int, int]] = field(default_factory=list)  # path, commits, lines
    broken: list[str] = field(default_factory=list)


def _candidates(text: str) -> list[tuple[str, bool]]:
    """Code spans and link targets of a Markdown text: (text, is_link)."""
    found = []
    for token in _markdown.parse(text):
        for child in token.children or []:
            if child.type == "code_inline":
                found.append((child.content.strip(), False))
            elif child.type == "link_open":
                found.append((str(child.attrs.get("href", "")), True))
    return found


def _rst_candidates(text: str) -> tuple[list[tuple[str, bool]], list[CodeReference]]:
    """Inline literals and links to files of an rST text, and the Python objects it names."""
    doc = read_rst(text)
    found = [(literal.strip(), False) for literal in doc.literals]
    # an included file is shown as it is at build time: `docs lint` checks it is there
    found += [(link.target, True) for link in doc.links if link.source in {"link", "target"}]
    return found, doc.code


def _modules(tracked: list[str], top_packages: bool = False) -> dict[str, str]:
    """Dotted module -> path; a top-level package only with `top_packages` (a code span
    naming one word is rarely the package)."""
    found = {}
    for path in tracked:
        if not path.endswith(".py"):
            continue
        parts = path[:-3].split("/")
        if parts and parts[0] in {"src", "lib"}:
            parts = parts[1:]
        package = bool(parts) and parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        if len(parts) >= 2 or (top_packages and package and parts):
            found[".".join(parts)] = path
    return found


@dataclass(frozen=True)
class _Code:
    """What the repository's Python defines: modules, and the names each file defines."""

    modules: dict[str, str]  # dotted module -> path, at HEAD
    ever: dict[str, str]  # the same for every path in the history
    defined: dict[str, set[str]]  # path -> names it defines (def/class)
    symbols: dict[str, list[str]]  # name -> files defining it, for names in at most three
    packages: frozenset[str]  # the top-level packages
    imports: dict[str, dict[str, tuple[str, str]]]  # path -> name -> (from module, its name)
    at_head: frozenset[str]  # tracked paths
    ever_paths: frozenset[str]  # every path of the history
    spans: dict[str, str]  # modules a code span may name (dotted: `package.module`)

    def python_files(self, reference: CodeReference) -> tuple[set[str], str | None]:
        """The files a role or autodoc target refers to, and a module file that is gone."""
        written = reference.target
        name = written.lstrip(".")
        if written.startswith("."):  # Sphinx searches for any object ending so
            return self._documented(name.split(".")[0]), None
        candidates = [f"{reference.module}.{name}", name] if reference.module else [name]
        for full in candidates:
            found = self._resolve(full.split("."))
            if found is not None:
                return found
        if "." not in name and len(name) >= 4:
            return self._documented(name), None
        return set(), None

    def _documented(self, name: str) -> set[str]:
        """The files defining `name` (test code is not what documentation describes)."""
        return {path for path in self.symbols.get(name, []) if not _TESTS.search(path)}

    def _resolve(self, parts: list[str]) -> tuple[set[str], str | None] | None:
        """None when the name is not found in the repository's packages."""
        if parts[0] not in self.packages:
            return None  # another project's object (intersphinx)
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in self.modules:
                files = self._in_module(module, parts[cut:])
                if files or not parts[cut:]:
                    return files, None
                longer = (".".join(parts[:n]) for n in range(len(parts), cut, -1))
                gone = next((self.ever[m] for m in longer if m in self.ever), None)
                return (set(), gone) if gone else None
        return None

    def _in_module(self, module: str, rest: list[str], hops: int = 4) -> set[str]:
        """The file defining `rest[0]` as seen from `module`: defined there, imported into
        it (followed up to `hops` imports), or defined elsewhere in its package."""
        path = self.modules[module]
        if not rest or rest[0] in self.defined.get(path, set()):
            return {path}
        source = self.imports.get(path, {}).get(rest[0])
        if source is not None and hops:
            origin, name = source
            package = module if path.endswith("/__init__.py") else module.rpartition(".")[0]
            dots = len(origin) - len(origin.lstrip("."))
            if dots:
                base = package.split(".")[: len(package.split(".")) - dots + 1]
                origin = ".".join([*base, origin.lstrip(".")]).rstrip(".")
            if origin in self.modules:
                found = self._in_module(origin, [name, *rest[1:]], hops - 1)
                if found:
                    return found
        folder = path.rsplit("/", 1)[0] + "/"
        return {p for p in self.symbols.get(rest[0], []) if p.startswith(folder)}


def _code(root: Path, tracked: list[str], ever: set[str]) -> _Code:
    defined: dict[str, set[str]] = {}
    imports: dict[str, dict[str, tuple[str, str]]] = {}
    by_name: dict[str, list[str]] = {}
    for path in tracked:
        if not path.endswith(".py"):
            continue
        text = scanned_text(root / path, root)
        if text is None:
            continue
        names = {name for name in _DEFINED.findall(text) if not name.startswith("__")}
        defined[path] = names
        imports[path] = _from_imports(text)
        for name in names:
            by_name.setdefault(name, []).append(path)
    modules = _modules(tracked, top_packages=True)
    return _Code(
        modules=modules,
        ever=_modules(sorted(ever), top_packages=True),
        defined=defined,
        symbols={name: sorted(paths) for name, paths in by_name.items() if len(paths) <= 3},
        packages=frozenset(module.split(".")[0] for module in modules),
        imports=imports,
        at_head=frozenset(tracked),
        ever_paths=frozenset(ever),
        spans=_modules(tracked),
    )


def _from_imports(text: str) -> dict[str, tuple[str, str]]:
    """`from .base import A, B as C` -> {A: (.base, A), C: (.base, B)}."""
    found: dict[str, tuple[str, str]] = {}
    for origin, names in _FROM_IMPORT.findall(text):
        for item in names.strip("()").replace("\\", " ").split(","):
            words = item.split("#", 1)[0].split()
            if len(words) == 1:
                found[words[0]] = (origin, words[0])
            elif len(words) == 3 and words[1] == "as":
                found[words[2]] = (origin, words[0])
    return found


def _references(document: str, text: str, code: _Code) -> tuple[set[str], set[str]]:
    """The tracked files a document refers to, and those it refers to that are gone."""
    files: set[str] = set()
    broken: set[str] = set()
    base = Path(document).parent
    rst = document.lower().endswith((".rst", ".rest"))
    candidates, references = _rst_candidates(text) if rst else (_candidates(text), [])
    for reference in references:
        referred, gone = code.python_files(reference)
        if reference.role not in AUTODOC_DIRECTIVES:
            files.update(referred)  # autodoc shows the code's own docstrings: never behind
        if gone is not None and gone not in code.at_head:
            broken.add(gone)
    for candidate, is_link in candidates:
        target = candidate.split("#", 1)[0].split("?", 1)[0]
        target = re.sub(r":\d+(-\d+)?$", "", target).strip()
        if not target or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            continue
        if _PATHLIKE.match(target) or is_link:
            path = _normal(base, target, is_link)
            if path.lower().endswith(_PROSE):
                continue  # another document: `docs lint` checks links between them
            if path in code.at_head:
                files.add(path)
            elif path in code.ever_paths:
                broken.add(path)
        elif _MODULE.match(target) and target in code.spans:
            files.add(code.spans[target])
        elif rst:
            continue  # rST names objects with roles; a literal is code, not a reference
        elif (symbol := _SYMBOL.match(target)) and symbol.group(1) in code.symbols:
            files.update(code.symbols[symbol.group(1)])
    files.discard(document)
    return files, broken


def stale_documents(
    root: Path,
    documents: list[str],
    tracked: list[str],
    changes: pl.DataFrame,
) -> list[StaleDoc]:
    """`changes`: path, author_time, added, deleted of every file change (mined history)."""
    ever = set(changes.get_column("path").to_list())
    code = _code(root, tracked, ever)
    last_change = dict(changes.group_by("path").agg(pl.col("author_time").max()).iter_rows())
    found = []
    for document in documents:
        if _HISTORY_DOC.search(document):
            continue  # a changelog describes the code as it was, on purpose
        since = last_change.get(document)
        if since is None:
            continue  # never committed: nothing to compare with
        text = scanned_text(root / document, root) or ""
        files, broken = _references(document, text, code)
        moved = (
            changes.filter(pl.col("path").is_in(list(files)), pl.col("author_time") > since)
            .group_by("path")
            .agg(commits=pl.len(), lines=(pl.col("added") + pl.col("deleted")).sum())
            .sort("lines", "path", descending=[True, False])
        )
        doc = StaleDoc(document, since, len(files) + len(broken))
        doc.changed = [(p, int(c), int(n or 0)) for p, c, n in moved.iter_rows()]
        doc.lines_moved = sum(n for _, _, n in doc.changed)
        doc.broken = sorted(broken)
        if doc.changed or doc.broken:
            found.append(doc)
    return sorted(found, key=lambda d: (-len(d.broken) * 1_000_000 - d.lines_moved, d.document))


def _normal(base: Path, target: str, is_link: bool) -> str:
    """A repository-relative path: links are relative to the document, code spans to the
    root (unless they start with ./ or ../)."""
    relative = is_link or target.startswith(("./", "../"))
    path = (base / target) if relative and not target.startswith("/") else Path(target.lstrip("/"))
    parts: list[str] = []
    for part in path.as_posix().split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)
