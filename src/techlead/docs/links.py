"""Broken relative links and anchors in a repository's Markdown (rST: `docs.rst_links`).

Links are read as Markdown (markdown-it: inline, reference-style and images, not code). A
relative link must name a file or directory of the working tree (relative to the document,
or to the repository root when it starts with `/`); an anchor (`#part`, `other.md#part`)
must be one of the target's headings, slugged as GitHub does (lowercase, punctuation
dropped, spaces to `-`, repeats numbered `-1`, `-2`, ...) or an explicit `<a name|id>`.
External links (a scheme such as `https:` or `mailto:`) are not fetched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt

from techlead.inputs.files import is_regular_file, read_text

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HTML_ANCHOR = re.compile(r"""<a\s[^>]*(?:name|id)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_markdown = MarkdownIt("commonmark").enable("table")
_VENDORED = re.compile(r"(^|/)(node_modules|vendor|third_party|\.techlead)/")


@dataclass(frozen=True)
class BrokenLink:
    document: str
    line: int
    target: str
    problem: str


MARKDOWN = (".md", ".markdown")
RESTRUCTURED_TEXT = (".rst", ".rest")


def documentation_files(root: Path, tracked: list[str]) -> list[str]:
    """The repository's Markdown and reStructuredText documents: tracked, present in the working
    tree (a tracked file deleted but not yet committed is not read), vendored ones out."""
    return sorted(
        path
        for path in tracked
        if path.lower().endswith(MARKDOWN + RESTRUCTURED_TEXT)
        and not _VENDORED.search(path)
        and is_regular_file(root / path, within=root)  # a symlink out of it is not read
    )


def formats_read(documents: list[str]) -> str:
    """`412 .rst and 3 .md files`: which formats a command read, and how many of each."""
    rst = sum(1 for d in documents if d.lower().endswith(RESTRUCTURED_TEXT))
    markdown = len(documents) - rst
    parts = [f"{n:,} {name}" for n, name in ((rst, ".rst"), (markdown, ".md")) if n]
    return f"{' and '.join(parts)} files" if parts else "no .md or .rst files"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    text = unicodedata.normalize("NFKC", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _inline_text(token: object) -> str:
    children = getattr(token, "children", None) or []
    return "".join(getattr(c, "content", "") for c in children if getattr(c, "type", "") != "image")


@cache
def _parsed(path: Path) -> tuple[list[tuple[int, str]], frozenset[str]]:
    """A document's links (line, target) and anchors."""
    text = read_text(path, lenient=True)  # inside the repository: see documentation_files
    tokens = _markdown.parse(text)
    lines = text.splitlines()
    links: list[tuple[int, str]] = []
    anchors: set[str] = set(_HTML_ANCHOR.findall(text))
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            base = slug(_inline_text(tokens[index + 1]))
            count = seen.get(base, 0)
            anchors.add(base if count == 0 else f"{base}-{count}")
            seen[base] = count + 1
        if token.type != "inline" or not token.children:
            continue
        first, last = token.map if token.map else (0, 1)
        cursor = first
        for child in token.children:
            if child.type not in {"link_open", "image"}:
                continue
            target = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
            # the line of the paragraph that writes it (a paragraph spans several lines)
            for number in range(cursor, last):
                if target in lines[number] or unquote(target) in lines[number]:
                    cursor = number
                    break
            links.append((cursor + 1, target))
    return links, frozenset(anchors)


def check_links(root: Path, documents: list[str], tracked: list[str]) -> list[BrokenLink]:
    """Broken links of `documents` (Markdown and rST), in document then line order."""
    from techlead.docs.rst_links import check_rst_links

    rst = [d for d in documents if d.lower().endswith(RESTRUCTURED_TEXT)]
    broken = check_rst_links(root, rst, tracked) if rst else []
    skip = set(rst)
    for document in documents:
        if document in skip:
            continue
        path = root / document
        links, own = _parsed(path)
        for line, target in links:
            problem = _problem(root, path, target, own)
            if problem:
                broken.append(BrokenLink(document, line, target, problem))
    return sorted(broken, key=lambda b: (b.document, b.line, b.target))


def _problem(root: Path, document: Path, target: str, own: frozenset[str]) -> str | None:
    if not target or _SCHEME.match(target) or target.startswith("//"):
        return None
    name, _, anchor = target.partition("#")
    name = unquote(name.split("?", 1)[0])
    if not name:
        return None if unquote(anchor) in own else f"no heading #{anchor} in this document"
    resolved = (root / name.lstrip("/")) if name.startswith("/") else (document.parent / name)
    try:
        resolved.resolve().relative_to(root.resolve())
    except ValueError:
        return "points outside the repository"
    if not resolved.exists():
        return "no such file"
    if anchor and resolved.is_file() and resolved.suffix.lower() in {".md", ".markdown"}:
        _, anchors = _parsed(resolved)
        if unquote(anchor) not in anchors and not re.fullmatch(r"L\d+(-L\d+)?", anchor):
            return f"no heading #{anchor} in {name}"
    return None
