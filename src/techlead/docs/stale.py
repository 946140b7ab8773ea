"""Markdown documents that the code has moved away from.

A document refers to code by path (a link, or a code span naming a tracked file), by Python
module (`package.module`) or by a function or class defined in the repository (`name` or
`name()`, for names of four characters or more defined in at most three files). It is stale
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

_PATHLIKE = re.compile(r"^[\w.\-/]+\.[A-Za-z0-9]{1,8}$|^[\w.\-]+/[\w.\-/]*$")
_MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_SYMBOL = re.compile(r"^([A-Za-z_]\w{3,})(\(\))?$")
_DEFINED = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w{3,})", re.MULTILINE)
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


def _modules(tracked: list[str]) -> dict[str, str]:
    found = {}
    for path in tracked:
        if not path.endswith(".py"):
            continue
        parts = path[:-3].split("/")
        if parts and parts[0] in {"src", "lib"}:
            parts = parts[1:]
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) >= 2:
            found[".".join(parts)] = path
    return found


def _symbols(root: Path, tracked: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in tracked:
        if not path.endswith(".py"):
            continue
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for name in set(_DEFINED.findall(text)):
            if not name.startswith("__"):
                found.setdefault(name, []).append(path)
    return {name: paths for name, paths in found.items() if len(paths) <= 3}


def stale_documents(
    root: Path,
    documents: list[str],
    tracked: list[str],
    changes: pl.DataFrame,
) -> list[StaleDoc]:
    """`changes`: path, author_time, added, deleted of every file change (mined history)."""
    at_head = set(tracked)
    ever = set(changes.get_column("path").to_list())
    modules = _modules(tracked)
    symbols = _symbols(root, tracked)
    last_change = dict(changes.group_by("path").agg(pl.col("author_time").max()).iter_rows())
    found = []
    for document in documents:
        since = last_change.get(document)
        if since is None:
            continue  # never committed: nothing to compare with
        text = (root / document).read_text(encoding="utf-8", errors="replace")
        files: set[str] = set()
        broken: set[str] = set()
        base = Path(document).parent
        for candidate, is_link in _candidates(text):
            target = candidate.split("#", 1)[0].split("?", 1)[0]
            target = re.sub(r":\d+(-\d+)?$", "", target).strip()
            if not target or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                continue
            if _PATHLIKE.match(target) or is_link:
                path = _normal(base, target, is_link)
                if path.lower().endswith(_PROSE):
                    continue  # another document: `docs lint` checks links between them
                if path in at_head:
                    files.add(path)
                elif path in ever:
                    broken.add(path)
            elif _MODULE.match(target) and target in modules:
                files.add(modules[target])
            elif (symbol := _SYMBOL.match(target)) and symbol.group(1) in symbols:
                files.update(symbols[symbol.group(1)])
        files.discard(document)
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
