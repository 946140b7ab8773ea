"""Broken links, images, includes, `:doc:` and `:ref:` targets in reStructuredText.

A path (a hyperlink's target, `.. image::`, `.. figure::`, `.. include::`,
`.. literalinclude::`, `:download:`) must name a file or directory of the working tree,
relative to the document (from the Sphinx source root, or the repository root outside one,
when it starts with `/`); `page.html` is accepted for a source document `page.rst`. Sphinx
roles are checked in documents under a Sphinx source root (a `conf.py`): `:doc:` and toctree
entries name a source document (relative to the document, or to the source root with a
leading `/`); `:ref:` names a label defined anywhere in the repository's rST or Python
docstrings (`.. _label:`, a `:name:` option; section titles only with autosectionlabel).
A `:ref:` into an intersphinx inventory (`python:label`) is not checked. External links
are not fetched.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path, PurePosixPath

from techlead.docs.links import BrokenLink
from techlead.docs.rst import RstDocument, label_name, read_rst
from techlead.docs.sphinx_project import SphinxProject, project_of, sphinx_projects
from techlead.errors import TechleadError
from techlead.inputs.files import read_text, scanned_text

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_PY_LABEL = re.compile(r"^[ \t]*\.\. _([^:`\n][^:\n]*):[ \t]*$", re.MULTILINE)
# labels Sphinx defines itself
_BUILT_IN_LABELS = frozenset({"genindex", "modindex", "py-modindex", "search"})


@cache
def parsed_rst(path: Path) -> RstDocument:
    try:  # a document documentation_files chose: a regular file inside the repository
        return read_rst(read_text(path, lenient=True))
    except TechleadError:  # tracked, but gone from the working tree
        return RstDocument()


def _python_labels(root: Path, tracked: list[str]) -> set[str]:
    """Labels in Python docstrings: autodoc brings them into the documentation."""
    found: set[str] = set()
    for path in tracked:
        if path.endswith(".py"):
            text = scanned_text(root / path, root)
            if text is not None and ".. _" in text:
                found.update(label_name(label) for label in _PY_LABEL.findall(text))
    return found


def _labels(
    root: Path, documents: list[str], tracked: list[str], projects: list[SphinxProject]
) -> set[str]:
    labels = set(_BUILT_IN_LABELS) | _python_labels(root, tracked)
    for document in documents:
        doc = parsed_rst(root / document)
        labels |= doc.labels
        project = project_of(document, projects)
        if project is not None and project.section_labels:
            prefix = f"{project.docname(document)}:" if project.prefix_document else ""
            labels.update(label_name(prefix + title) for title in doc.titles)
    return labels


def _normal(path: PurePosixPath) -> str | None:
    """`a/b/../c` -> `a/c`; None when `..` climbs above the repository."""
    parts: list[str] = []
    for part in path.parts:
        if part in {"", "."}:
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _resolve(document: str, target: str, project: SphinxProject | None) -> str | None:
    if target.startswith("/"):
        top = project.source if project else ""
        return _normal(PurePosixPath(top) / target.lstrip("/"))
    return _normal(PurePosixPath(document).parent / target)


def _file_problem(
    root: Path, document: str, target: str, project: SphinxProject | None, labels: set[str]
) -> str | None:
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
        return None
    name = target.split("#", 1)[0].split("?", 1)[0]
    path = _resolve(document, name, project)
    if path is None:
        return "points outside the repository"
    if (root / path).exists():
        return None
    if path.endswith(".html"):
        suffixes = project.suffixes if project else (".rst",)
        stem = path.removesuffix(".html")
        if any((root / (stem + suffix)).is_file() for suffix in suffixes):
            return None  # the page Sphinx builds from a source document
    if re.fullmatch(r"[\w-]+", target) and label_name(target) in labels:
        return f"no such file ({target} is a label: write :ref:`{target}`)"
    return "no such file"


def _doc_problem(root: Path, document: str, target: str, project: SphinxProject) -> str | None:
    path = _resolve(document, target, project)
    if path is None:
        return "points outside the repository"
    if any((root / (path + suffix)).is_file() for suffix in (*project.suffixes, ".rst")):
        return None
    return f"no document {target}"


def _ref_problem(target: str, labels: set[str], project: SphinxProject) -> str | None:
    if label_name(target) in labels:
        return None
    inventory, colon, _ = target.partition(":")
    if colon and inventory in project.inventories:
        return None  # another project's label, through intersphinx
    return f"no label {target}"


def check_rst_links(root: Path, documents: list[str], tracked: list[str]) -> list[BrokenLink]:
    """Broken targets of the rST `documents` (see the module's docstring)."""
    projects = sphinx_projects(root, tracked)
    labels = _labels(root, documents, tracked, projects)
    broken = []
    for document in documents:
        project = project_of(document, projects)
        for link in parsed_rst(root / document).links:
            problem: str | None = None
            if link.kind == "file":
                problem = _file_problem(root, document, link.target, project, labels)
            elif project is None:
                continue  # Sphinx roles mean nothing outside a Sphinx project
            elif link.kind == "doc":
                problem = _doc_problem(root, document, link.target, project)
            elif link.kind == "ref":
                problem = _ref_problem(link.target, labels, project)
            if problem:
                broken.append(BrokenLink(document, link.line, link.text, problem))
    return broken
