"""Reading the evidence files a CI produces: JUnit XML, Cobertura/coverage.py XML, benchmark
JSON (pytest-benchmark or name → seconds), pip-audit JSON and OSV-Scanner JSON.

Every reader raises EvidenceError naming the file and what is wrong with it; the gates turn
that into a failed gate, never a crash and never a pass.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techlead.errors import TechleadError
from techlead.inputs.files import decode, read_bytes
from techlead.inputs.formats import parse_json

SEVERITIES = ("low", "medium", "high", "critical")
_SEVERITY_NAMES = {"moderate": "medium", "important": "high"}


class EvidenceError(TechleadError):
    """An evidence file is missing or cannot be read as what it should be."""


@dataclass(frozen=True)
class Reading:
    """Where an evidence file may be (inside `within`, when given) and how large."""

    within: Path | None = None
    limit: int | None = None


ANYWHERE = Reading()


def _xml(path: Path, reading: Reading) -> Any:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    data = read_bytes(path, within=reading.within, limit=reading.limit, error=EvidenceError)
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise EvidenceError(f"{path}: not well-formed XML ({exc})") from None
    except DefusedXmlException:
        raise EvidenceError(f"{path}: refused: XML entities or a DTD (not in a report)") from None
    except RecursionError:
        raise EvidenceError(f"{path}: nested too deeply to be a report") from None


def _json(path: Path, reading: Reading, unique_keys: bool = False) -> Any:
    data = read_bytes(path, within=reading.within, limit=reading.limit, error=EvidenceError)
    text = decode(data, path, EvidenceError)
    return parse_json(text, path, "JSON", EvidenceError, unique_keys=unique_keys)


@dataclass(frozen=True)
class TestResults:
    tests: int
    failures: int
    errors: int
    skipped: int

    @property
    def skipped_share(self) -> float:
        return self.skipped / self.tests if self.tests else 0.0


def read_junit(path: Path, reading: Reading = ANYWHERE) -> TestResults:
    """Counts of a JUnit XML report (`<testsuites>` or one `<testsuite>`), from its test
    cases (attributes are not trusted: runners disagree on what they count)."""
    root = _xml(path, reading)
    if root.tag not in {"testsuites", "testsuite"}:
        raise EvidenceError(f"{path}: not a JUnit report (root element <{root.tag}>)")
    tests = failures = errors = skipped = 0
    for case in root.iter("testcase"):
        tests += 1
        if case.find("failure") is not None:
            failures += 1
        elif case.find("error") is not None:
            errors += 1
        elif case.find("skipped") is not None:
            skipped += 1
    if tests == 0:
        raise EvidenceError(f"{path}: a JUnit report without test cases")
    return TestResults(tests, failures, errors, skipped)


@dataclass(frozen=True)
class Coverage:
    line_rate: float  # 0-1
    hits: dict[str, dict[int, int]] = field(default_factory=dict)  # file -> line -> hits


def read_coverage(path: Path, reading: Reading = ANYWHERE) -> Coverage:
    """A Cobertura XML report (coverage.py's `coverage xml` writes one)."""
    root = _xml(path, reading)
    if root.tag != "coverage" or root.get("line-rate") is None:
        raise EvidenceError(f"{path}: not a Cobertura coverage report (no <coverage line-rate>)")
    try:
        rate = float(root.get("line-rate"))
    except ValueError:
        raise EvidenceError(
            f"{path}: line-rate {root.get('line-rate')!r} is not a number"
        ) from None
    if not 0 <= rate <= 1:
        raise EvidenceError(f"{path}: line-rate {rate:g} is not between 0 and 1")
    if root.get("lines-valid") == "0":
        raise EvidenceError(f"{path}: the report measured no line")
    sources = [s.text.strip().rstrip("/") for s in root.iter("source") if s.text]
    hits: dict[str, dict[int, int]] = {}
    for klass in root.iter("class"):
        name = klass.get("filename", "")
        lines = hits.setdefault(name, {})
        for line in klass.iter("line"):
            try:
                lines[int(line.get("number", "0"))] = int(line.get("hits", "0"))
            except ValueError:
                raise EvidenceError(
                    f"{path}: a <line> of {name} has a non-numeric number or hits"
                ) from None
    return Coverage(rate, {**hits, **{f"{s}/{n}": v for s in sources for n, v in hits.items()}})


def covered(coverage: Coverage, changed: dict[str, set[int]]) -> tuple[int, int]:
    """(covered, measurable) among the changed lines coverage knows about; a file is found by
    its path or the longest path ending it."""
    good = total = 0
    for path, lines in changed.items():
        known = coverage.hits.get(path)
        if known is None:
            matches = [n for n in coverage.hits if path.endswith("/" + n) or n.endswith("/" + path)]
            known = coverage.hits[max(matches, key=len)] if matches else None
        if known is None:
            continue
        for line in lines:
            if line in known:
                total += 1
                good += known[line] > 0
    return good, total


def read_benchmarks(path: Path, reading: Reading = ANYWHERE) -> dict[str, float]:
    """Seconds per benchmark: pytest-benchmark JSON (the mean), or a flat {name: seconds}; a
    name given twice is an error, not one of the two."""
    data = _json(path, reading, unique_keys=True)
    if isinstance(data, dict) and "benchmarks" in data:
        if not isinstance(data["benchmarks"], list):
            raise EvidenceError(f"{path}: `benchmarks` is not a list (pytest-benchmark JSON)")
        found: dict[str, float] = {}
        for item in data["benchmarks"]:
            try:
                name = str(item.get("fullname") or item["name"])
                mean = float(item["stats"]["mean"])
            except (AttributeError, KeyError, TypeError, ValueError):
                raise EvidenceError(f"{path}: a benchmark without name or stats.mean") from None
            if name in found:
                raise EvidenceError(f"{path}: benchmark {name} appears twice")
            found[name] = mean
        return _finite(path, found)
    if (
        isinstance(data, dict)
        and data
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in data.values())
    ):
        return _finite(path, {str(k): float(v) for k, v in data.items()})
    raise EvidenceError(f"{path}: neither pytest-benchmark JSON nor {{name: seconds}}")


def _finite(path: Path, found: dict[str, float]) -> dict[str, float]:
    import math

    if not found:
        raise EvidenceError(f"{path}: no benchmark in it")
    for name, seconds in found.items():
        if not math.isfinite(seconds) or seconds < 0:
            raise EvidenceError(f"{path}: {name}: {seconds} is not a time in seconds")
        if seconds == 0:
            # nothing can be compared with 0 s, and a gate that compares nothing must not pass
            raise EvidenceError(f"{path}: {name}: 0 s is no measurement (a benchmark takes time)")
    return found


@dataclass(frozen=True)
class Vulnerability:
    package: str
    version: str
    id: str
    severity: str | None  # low, medium, high, critical; None: the report does not say


def _severity_of_score(score: float) -> str | None:
    if score >= 9:
        return "critical"
    if score >= 7:
        return "high"
    if score >= 4:
        return "medium"
    return "low" if score > 0 else None


def _severity_name(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    name = _SEVERITY_NAMES.get(text.strip().lower(), text.strip().lower())
    return name if name in SEVERITIES else None


def read_audit(path: Path, reading: Reading = ANYWHERE) -> list[Vulnerability]:
    """pip-audit JSON (`pip-audit -f json`) or OSV-Scanner JSON (`osv-scanner --format json`)."""
    data = _json(path, reading)
    if isinstance(data, dict) and isinstance(data.get("dependencies"), list):
        return _pip_audit(path, data["dependencies"])
    if isinstance(data, list) and all(isinstance(d, dict) and "vulns" in d for d in data):
        return _pip_audit(path, data)  # older pip-audit: a bare list
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return _osv(path, data["results"])
    raise EvidenceError(f"{path}: neither pip-audit JSON nor OSV-Scanner JSON")


def _pip_audit(path: Path, dependencies: list[Any]) -> list[Vulnerability]:
    found = []
    for dependency in dependencies:
        if not isinstance(dependency, dict) or "name" not in dependency:
            raise EvidenceError(f"{path}: a dependency without a name")
        vulns = dependency.get("vulns") or []
        if not isinstance(vulns, list) or not all(isinstance(v, dict) for v in vulns):
            raise EvidenceError(
                f"{path}: dependency {str(dependency['name'])!r}: 'vulns' must be a list of "
                "vulnerabilities"
            )
        for vuln in vulns:
            found.append(
                Vulnerability(
                    str(dependency["name"]),
                    str(dependency.get("version", "")),
                    str(vuln.get("id", "?")),
                    _severity_name(vuln.get("severity")),  # pip-audit usually has none
                )
            )
    return found


def _osv(path: Path, results: list[Any]) -> list[Vulnerability]:
    found = []
    try:
        for result in results:
            for package in result.get("packages") or []:
                info = package["package"]
                scores: dict[str, float] = {}
                for group in package.get("groups") or []:
                    for vid in group.get("ids") or []:
                        with contextlib.suppress(ValueError):
                            scores[vid] = float(group.get("max_severity") or 0)
                for vuln in package.get("vulnerabilities") or []:
                    vid = str(vuln["id"])
                    severity = _severity_of_score(scores.get(vid, 0.0)) or _severity_name(
                        (vuln.get("database_specific") or {}).get("severity")
                    )
                    found.append(
                        Vulnerability(
                            str(info["name"]), str(info.get("version", "")), vid, severity
                        )
                    )
    except (KeyError, TypeError, AttributeError):
        raise EvidenceError(f"{path}: OSV-Scanner JSON without package names or ids") from None
    return found
