"""SARIF 2.1.0 logs for code-scanning services (GitHub code scanning): one shape of log, result
and location for every command that writes one (`adr check`, `review`, `release check`), and
one way to print and to write them (`--format sarif`, `--sarif FILE`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from techlead.atomic_files import atomic_write
from techlead.errors import TechleadError

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"  # the base that relative locations are relative to: the repository root


class SarifError(TechleadError):
    """A SARIF log cannot be written where it was asked for."""


def log(rules: list[dict[str, Any]], results: list[dict[str, Any]], root: Path) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one techlead run; relative locations are relative to `root`."""
    from techlead import __version__

    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "techlead", "version": __version__, "rules": rules}},
                "originalUriBaseIds": {ROOT: {"uri": root.as_uri() + "/"}},
                "results": results,
            }
        ],
    }


def location(file: str, line: int | None = None) -> dict[str, Any]:
    """Where a result is: a file (relative to the repository root, or absolute) and its line."""
    artifact: dict[str, Any]
    if Path(file).is_absolute():
        artifact = {"uri": Path(file).as_uri()}
    else:
        artifact = {"uri": file, "uriBaseId": ROOT}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def result(
    rule: str,
    level: str,
    text: str,
    file: str | None = None,
    line: int | None = None,
    more: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One result of `rule` at `level` (error, warning, note), located when `file` is given;
    `more` adds other SARIF result properties (fingerprints, baseline state, suppressions)."""
    found: dict[str, Any] = {"ruleId": rule, "level": level, "message": {"text": text}}
    if file:
        found["locations"] = [location(file, line)]
    return {**found, **(more or {})}


def text(sarif_log: dict[str, Any]) -> str:
    """The log as the file and `--format sarif` carry it: indented JSON, UTF-8, a final newline."""
    return json.dumps(sarif_log, indent=2, ensure_ascii=False) + "\n"


def check_target(path: Path) -> None:
    """Refuse a `--sarif` target that cannot be a file, before the work is done."""
    if path.is_dir():
        raise SarifError(f"--sarif {path}: is a directory, not a file")
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise SarifError(f"--sarif {path}: {parent} is not a directory")
            return


def write(path: Path, sarif_log: dict[str, Any]) -> None:
    """Write the log to `path` whole or not at all, making its directory if need be."""
    check_target(path)
    content = text(sarif_log)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda temporary: temporary.write_text(content, encoding="utf-8"))
    except OSError as exc:
        raise SarifError(f"--sarif {path}: cannot write: {exc.strerror or exc}") from None
