"""Sphinx projects in a repository: their source roots and the settings that decide links.

A tracked `conf.py` that reads as a Sphinx configuration (it sets `extensions`, `project`,
`master_doc`/`root_doc` or `html_theme`) makes its directory a source root. The file is read
with `ast`, never run: only literal values count (what Sphinx would get from code is unknown);
a `conf.py` that does not parse (Python 2) is read by pattern.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from techlead.inputs.files import scanned_text

_SPHINX_NAMES = {"extensions", "project", "master_doc", "root_doc", "html_theme"}


@dataclass(frozen=True)
class SphinxProject:
    source: str  # the source root, repository-relative ("" for the root itself)
    suffixes: tuple[str, ...]
    inventories: frozenset[str]  # intersphinx_mapping's names
    section_labels: bool  # sphinx.ext.autosectionlabel
    prefix_document: bool  # autosectionlabel_prefix_document

    def contains(self, document: str) -> bool:
        return not self.source or document.startswith(self.source + "/")

    def docname(self, document: str) -> str:
        """`doc/build/orm/index.rst` -> `orm/index`."""
        relative = document[len(self.source) + 1 :] if self.source else document
        return relative.rsplit(".", 1)[0]


def _assignments(tree: ast.Module) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            found[node.target.id] = node.value
    return found


def _literal(node: ast.expr | None) -> object:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _suffixes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple, dict)):
        return tuple(str(suffix) for suffix in value)
    return (".rst",)


def read_project(root: Path, conf: str) -> SphinxProject | None:
    """The Sphinx project whose `conf.py` is `conf`; None when it is not a Sphinx one."""
    text = scanned_text(root / conf, root)
    if text is None:
        return None
    try:
        values = _assignments(ast.parse(text))
    except SyntaxError:  # a Python 2 conf.py, still common in old projects
        return _read_roughly(text, conf)
    if not _SPHINX_NAMES & values.keys():
        return None
    mapping = values.get("intersphinx_mapping")
    inventories = (
        frozenset(
            key.value
            for key in mapping.keys
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        )
        if isinstance(mapping, ast.Dict)
        else frozenset()
    )
    parent = Path(conf).parent.as_posix()
    return SphinxProject(
        source="" if parent == "." else parent,
        suffixes=_suffixes(_literal(values.get("source_suffix"))),
        inventories=inventories,
        # an extension may be appended in code: the name anywhere in the file counts
        section_labels="sphinx.ext.autosectionlabel" in text,
        prefix_document=_literal(values.get("autosectionlabel_prefix_document")) is True,
    )


def _read_roughly(text: str, conf: str) -> SphinxProject | None:
    """What a `conf.py` that does not parse says, read by pattern."""
    names = set(re.findall(r"^(\w+)\s*=", text, re.MULTILINE))
    if not _SPHINX_NAMES & names:
        return None
    suffix = re.search(r"^source_suffix\s*=\s*(.+)$", text, re.MULTILINE)
    suffixes = tuple(re.findall(r"['\"](\.\w+)['\"]", suffix.group(1))) if suffix else ()
    mapping = re.search(r"^intersphinx_mapping\s*=\s*\{(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    inventories = re.findall(r"['\"]([\w.-]+)['\"]\s*:", mapping.group(1)) if mapping else []
    parent = Path(conf).parent.as_posix()
    return SphinxProject(
        source="" if parent == "." else parent,
        suffixes=suffixes or (".rst",),
        inventories=frozenset(inventories),
        section_labels="sphinx.ext.autosectionlabel" in text,
        prefix_document=bool(
            re.search(r"^autosectionlabel_prefix_document\s*=\s*True", text, re.MULTILINE)
        ),
    )


def sphinx_projects(root: Path, tracked: list[str]) -> list[SphinxProject]:
    """The repository's Sphinx projects, deepest source root first."""
    found = []
    for path in tracked:
        if path == "conf.py" or path.endswith("/conf.py"):
            project = read_project(root, path)
            if project is not None:
                found.append(project)
    return sorted(found, key=lambda p: (-p.source.count("/") - bool(p.source), p.source))


def project_of(document: str, projects: list[SphinxProject]) -> SphinxProject | None:
    return next((p for p in projects if p.contains(document)), None)
