"""Checking accepted decisions' rules against the working tree."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from pathspec import GitIgnoreSpec

from techlead.config import Settings
from techlead.decisions.imports import ImportGraphs, RuleError, check_import_rule
from techlead.decisions.records import Decision
from techlead.decisions.rules import BoundRule, DependencyRule, FilesRule, rules_of
from techlead.errors import ConfigError
from techlead.history.git import Repository, run_git
from techlead.inputs.files import read_text
from techlead.inputs.formats import parse_toml

REQUIREMENT_FILES = (
    "requirements*.txt",
    "requirements*.in",
    "requirements/*.txt",
    "requirements/*.in",
)


@dataclass(frozen=True)
class Violation:
    """One place where the working tree does not follow a decision."""

    rule: BoundRule
    file: str
    line: int | None
    message: str
    key: str  # stable across edits that only move lines; matched against a baseline

    @property
    def adr(self) -> Decision:
        return self.rule.decision


def rules_in(decisions: list[Decision]) -> list[BoundRule]:
    """The rules of every accepted record, in record order."""
    return [bound for d in decisions if d.status == "accepted" for bound in rules_of(d)]


def python_roots(root: Path, configured: list[Path], rules: list[BoundRule]) -> list[Path]:
    """Where import rules look for packages; an error when none exists and one is needed."""
    roots = [path if path.is_absolute() else root / path for path in configured]
    needed = any(not isinstance(bound.rule, FilesRule | DependencyRule) for bound in rules)
    if needed and not any(path.is_dir() for path in roots):
        raise ConfigError(
            f"decisions.python_path: none of {', '.join(map(str, roots))} is a directory",
            hint='set [decisions] python_path to where the packages are, e.g. ["src"]',
        )
    return roots


def check_log(
    repository: Repository, settings: Settings
) -> tuple[list[Decision], list[BoundRule], list[Violation]]:
    """The repository's decision records, their rules, and every violation of them."""
    from techlead.decisions.store import decision_directory, load_decisions
    from techlead.history.scan import cache_directory, keep_out_of_git

    decisions = load_decisions(decision_directory(repository.root, settings.decisions.directory))
    rules = rules_in(decisions)
    roots = python_roots(repository.root, settings.decisions.python_path, rules)
    imports_cache = cache_directory(repository, settings).parent / "imports"
    if any(not isinstance(bound.rule, FilesRule | DependencyRule) for bound in rules):
        imports_cache.mkdir(parents=True, exist_ok=True)
        keep_out_of_git(repository, imports_cache)
    return decisions, rules, check(repository, rules, roots, imports_cache)


def check(
    repo: Repository, rules: list[BoundRule], python_roots: list[Path], cache_dir: Path | None
) -> list[Violation]:
    """Every violation of the given rules in the working tree."""
    graphs = ImportGraphs(repo.root, python_roots, cache_dir)
    found: list[Violation] = []
    for bound in rules:
        rule = bound.rule
        if isinstance(rule, FilesRule):
            found.extend(_files(repo, bound, rule))
        elif isinstance(rule, DependencyRule):
            found.extend(_dependencies(repo.root, bound, rule))
        else:
            for finding in check_import_rule(bound, graphs):
                shown = " -> ".join(finding.chain)
                found.append(
                    Violation(
                        rule=bound,
                        file=finding.file.as_posix() if finding.file else finding.chain[0],
                        line=finding.line,
                        message=f"{shown} ({finding.statement.strip()})"
                        if finding.statement
                        else shown,
                        key=f"import:{finding.key}",
                    )
                )
    return found


def _paths(output: bytes) -> list[str]:
    return [p for p in output.decode("utf-8", "surrogateescape").split("\0") if p]


def _commit_before(repo: Repository, bound: BoundRule, since: str, field: str) -> str | None:
    """The commit whose files were already there when the rule began; None for "none"."""
    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        result = run_git(
            repo.root, ["rev-parse", "--verify", "--quiet", f"{since}^{{commit}}"], check=False
        )
        if result.returncode != 0:
            raise RuleError(
                f"{bound.decision.path}: {field}: {since!r} is neither a date "
                "(YYYY-MM-DD) nor a revision in this repository"
            ) from None
        return result.stdout.decode().strip()
    if run_git(repo.root, ["rev-parse", "--verify", "--quiet", "HEAD"], check=False).returncode:
        return None
    result = run_git(repo.root, ["rev-list", "-1", f"--before={day.isoformat()} 23:59:59", "HEAD"])
    return result.stdout.decode().strip() or None


def _files(repo: Repository, bound: BoundRule, rule: FilesRule) -> list[Violation]:
    spec = GitIgnoreSpec.from_lines(rule.forbid)
    listed = run_git(
        repo.root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    ).stdout
    present = [p for p in _paths(listed) if spec.match_file(p) and (repo.root / p).exists()]
    since = rule.since or bound.decision.date
    if not since:
        raise RuleError(
            f"{bound.decision.path}: rules[{bound.index}].since: missing, and the record has no "
            "date; give the date or revision from which files count as new"
        )
    field = f"rules[{bound.index}].since" if rule.since else "date"
    old: set[str] = set()
    commit = _commit_before(repo, bound, str(since), field)
    if commit:
        old = set(_paths(run_git(repo.root, ["ls-tree", "-r", "-z", "--name-only", commit]).stdout))
    return [
        Violation(
            rule=bound,
            file=path,
            line=None,
            message=f"new file matching {', '.join(rule.forbid)} after {since}",
            key=f"file:{path}",
        )
        for path in sorted(set(present) - old)
    ]


def _declared_in_pyproject(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(table, requirement or Poetry package name) for each declared dependency."""
    found: list[tuple[str, Any]] = []
    project = data.get("project", {})
    found.extend(("project.dependencies", item) for item in project.get("dependencies", []))
    for extra, items in project.get("optional-dependencies", {}).items():
        found.extend((f"project.optional-dependencies.{extra}", item) for item in items)
    for group, items in data.get("dependency-groups", {}).items():
        found.extend((f"dependency-groups.{group}", item) for item in items)
    poetry = data.get("tool", {}).get("poetry", {})
    tables = {
        "tool.poetry.dependencies": poetry.get("dependencies", {}),
        "tool.poetry.dev-dependencies": poetry.get("dev-dependencies", {}),
    }
    for group, table in poetry.get("group", {}).items():
        tables[f"tool.poetry.group.{group}.dependencies"] = table.get("dependencies", {})
    for table_name, table in tables.items():
        found.extend((table_name, name) for name in table if name.lower() != "python")
    return [(table, item) for table, item in found if isinstance(item, str)]


def _requirement_name(text: str) -> str | None:
    egg = re.search(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    if egg:
        return canonicalize_name(egg.group(1))
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return None


def _lines_of(lines: list[str], text: str) -> list[int]:
    """The lines that declare `text`: a quoted requirement, or a Poetry table's key."""
    quoted = re.compile(r"""["']""" + re.escape(text) + r"""["']""")
    key = re.compile(r"^\s*" + re.escape(text) + r"\s*=", re.IGNORECASE)
    return [
        number
        for number, line in enumerate(lines, start=1)
        if quoted.search(line) or key.search(line)
    ]


def _requirement_line(line: str) -> str:
    """A requirements-file line without its comment, options (--hash=...) and continuation."""
    entry = re.split(r"(?:^|\s)#", line, maxsplit=1)[0] if not re.search(r"#egg=", line) else line
    entry = entry.strip().removesuffix("\\").strip()
    return re.split(r"\s+--?[a-z]", entry, maxsplit=1)[0].strip()


def _declarations(root: Path, files: list[str]) -> list[tuple[str, int | None, str, str]]:
    """(file, line, canonical package name, where in the file) for each declaration."""
    found: list[tuple[str, int | None, str, str]] = []
    for name in files:
        path = root / name
        text = read_text(path, within=root, error=RuleError, lenient=True)
        lines = text.splitlines()
        if path.name == "pyproject.toml":
            data = parse_toml(text, path, RuleError)
            used: dict[str, int] = {}
            for table, item in _declared_in_pyproject(data):
                package = _requirement_name(item)
                if package:
                    candidates = _lines_of(lines, item)
                    nth = used.get(item, 0)
                    used[item] = nth + 1
                    at = candidates[nth] if nth < len(candidates) else None
                    found.append((name, at, package, table))
            continue
        for number, text_line in enumerate(lines, start=1):
            entry = _requirement_line(text_line)
            if entry and not entry.startswith("-"):
                package = _requirement_name(entry)
                if package:
                    found.append((name, number, package, f"line {number}"))
    return found


def _dependency_files(root: Path, bound: BoundRule, rule: DependencyRule) -> list[str]:
    if rule.files:
        for name in rule.files:
            if not (root / name).is_file():
                raise RuleError(
                    f"{bound.decision.path}: rules[{bound.index}].files: {name!r} is not a file "
                    f"in {root}"
                )
        return rule.files
    names = ["pyproject.toml"] if (root / "pyproject.toml").is_file() else []
    for pattern in REQUIREMENT_FILES:
        names.extend(p.relative_to(root).as_posix() for p in sorted(root.glob(pattern)))
    return names


def _dependencies(root: Path, bound: BoundRule, rule: DependencyRule) -> list[Violation]:
    forbidden: dict[str, str] = {canonicalize_name(name): name for name in rule.forbid}
    return [
        Violation(
            rule=bound,
            file=file,
            line=line,
            message=f"declares {forbidden[package]}"
            + (f" in {where}" if not where.startswith("line") else ""),
            key=f"dependency:{file}:{where if not where.startswith('line') else ''}:{package}",
        )
        for file, line, package, where in _declarations(root, _dependency_files(root, bound, rule))
        if package in forbidden
    ]
