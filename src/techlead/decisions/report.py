"""What `adr check` found, against a baseline of accepted violations, as rows and as SARIF."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from techlead import sarif as sarif_format
from techlead.atomic_files import atomic_write
from techlead.decisions.check import Violation
from techlead.decisions.rules import BoundRule
from techlead.errors import TechleadError
from techlead.inputs.files import read_text
from techlead.inputs.formats import parse_json

BASELINE_FORMAT = 1


class BaselineError(TechleadError):
    """A baseline file cannot be read."""


@dataclass(frozen=True)
class Checked:
    """One violation and whether the baseline already holds it."""

    violation: Violation
    new: bool


def identity(violation: Violation) -> tuple[str, str]:
    return violation.rule.rule_id, violation.key


def read_baseline(path: Path) -> set[tuple[str, str]]:
    """The (rule, key) pairs a baseline file freezes."""
    data = parse_json(read_text(path, error=BaselineError), path, "a JSON baseline", BaselineError)
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        raise BaselineError(f"{path}: not a techlead baseline (format {BASELINE_FORMAT})")
    entries = data.get("violations")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: field 'violations' must be a list")
    frozen: set[tuple[str, str]] = set()
    for index, entry in enumerate(entries):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("rule"), str)
            and isinstance(entry.get("key"), str)
        ):
            raise BaselineError(f"{path}: violations[{index}] needs string fields 'rule' and 'key'")
        frozen.add((entry["rule"], entry["key"]))
    return frozen


def write_baseline(path: Path, violations: list[Violation]) -> None:
    """Freeze these violations (sorted, one per line, so that diffs of the file read well)."""
    entries = sorted(
        {
            identity(v): {"rule": v.rule.rule_id, "key": v.key, "file": v.file} for v in violations
        }.values(),
        key=lambda entry: (entry["rule"], entry["key"]),
    )
    lines = ",\n".join("    " + json.dumps(entry, ensure_ascii=False) for entry in entries)
    body = f'{{\n  "format": {BASELINE_FORMAT},\n  "violations": [\n{lines}\n  ]\n}}\n'
    if not entries:
        body = f'{{\n  "format": {BASELINE_FORMAT},\n  "violations": []\n}}\n'
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda temporary: temporary.write_text(body, encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline: {exc.strerror}") from None


def compare(violations: list[Violation], frozen: set[tuple[str, str]] | None) -> list[Checked]:
    """Each violation marked new unless the baseline holds it (all are new without one)."""
    return [
        Checked(v, frozen is None or identity(v) not in frozen)
        for v in sorted(
            violations, key=lambda v: (v.adr.number, v.rule.index, v.file, v.line or 0, v.key)
        )
    ]


def frame(checked: list[Checked]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (
                f"ADR-{c.violation.adr.number:04d}",
                c.violation.rule.name,
                c.violation.file,
                c.violation.line,
                c.violation.message,
                "new" if c.new else "baseline",
            )
            for c in checked
        ],
        schema={
            "adr": pl.String,
            "rule": pl.String,
            "file": pl.String,
            "line": pl.Int64,
            "violation": pl.String,
            "state": pl.String,
        },
        orient="row",
    )


def _fingerprint(violation: Violation) -> str:
    rule, key = identity(violation)
    return hashlib.sha256(f"{rule}\0{key}".encode()).hexdigest()


def sarif(
    checked: list[Checked], rules: list[BoundRule], root: Path, baseline: Path | None
) -> dict[str, Any]:
    """A SARIF 2.1.0 log for code-scanning services; baseline violations are suppressed."""
    order = {bound.rule_id: index for index, bound in enumerate(rules)}
    descriptors = [
        {
            "id": bound.rule_id,
            "name": bound.name,
            "shortDescription": {"text": f"{bound.name} ({bound.rule.type} rule)"},
            "fullDescription": {"text": f"ADR {bound.decision.number}: {bound.decision.title}"},
            "properties": {
                "decision": bound.decision.path.relative_to(root).as_posix()
                if bound.decision.path.is_relative_to(root)
                else str(bound.decision.path)
            },
        }
        for bound in rules
    ]
    results: list[dict[str, Any]] = []
    for item in checked:
        violation = item.violation
        more: dict[str, Any] = {
            "ruleIndex": order[violation.rule.rule_id],
            "partialFingerprints": {"techleadViolation/v1": _fingerprint(violation)},
            "baselineState": "new" if item.new else "unchanged",
        }
        if not item.new:
            more["suppressions"] = [
                {"kind": "external", "justification": f"frozen in baseline {baseline}"}
            ]
        message = (
            f"{violation.message} — breaks {violation.rule.name} of "
            f"ADR {violation.adr.number} ({violation.adr.title})"
        )
        results.append(
            sarif_format.result(
                violation.rule.rule_id, "error", message, violation.file, violation.line, more
            )
        )
    return sarif_format.log(descriptors, results, root)
