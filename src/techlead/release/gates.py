"""The go/no-go gates of a release, each reading its evidence.

A gate is `passed`, `failed` or `skipped` (not configured); it names the file it read and says
in one line what it found. A release is a go when no gate failed.
"""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from techlead.config import Settings
from techlead.plurals import counted
from techlead.release.evidence import (
    SEVERITIES,
    EvidenceError,
    Reading,
    covered,
    read_audit,
    read_benchmarks,
    read_coverage,
    read_junit,
)
from techlead.risk.szz import is_source


@dataclass(frozen=True)
class Gate:
    name: str
    status: str  # passed, failed, skipped
    evidence: str
    source: str | None = None  # the file (or records) read
    values: dict[str, float] | None = None  # kept for the next release (benchmarks)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def _files(root: Path, patterns: list[str], setting: str) -> list[Path]:
    """The files the patterns match in the repository (`**` does not follow symlinked
    folders); a pattern that would leave it is refused, never walked."""
    found: list[Path] = []
    for pattern in patterns:
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            raise EvidenceError(
                f"[release] {setting} {pattern!r}: refused: outside the repository "
                "(write a path relative to it)"
            )
        try:
            matches = sorted(root.glob(pattern)) if glob.has_magic(pattern) else []
        except ValueError as exc:
            raise EvidenceError(f"[release] {setting} {pattern!r}: {exc}") from None
        found.extend(matches or [root / pattern])  # a missing file fails its gate
    return found


def _reading(root: Path, settings: Settings) -> Reading:
    return Reading(root, settings.files.max_input_bytes)


def _single(root: Path, setting: str, given: str) -> Path:
    if Path(given).is_absolute() or ".." in Path(given).parts:
        raise EvidenceError(
            f"[release] {setting} {given!r}: refused: outside the repository "
            "(write a path relative to it)"
        )
    return root / given


def _shown(root: Path, files: list[Path]) -> str:
    """The files a gate read, relative to the repository where they are in it."""
    return ", ".join(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in files)


def _guarded(name: str, source: str, read: Callable[[], Gate]) -> Gate:
    try:
        return read()
    except EvidenceError as exc:
        return Gate(name, "failed", exc.message, source)


def tests_gate(root: Path, settings: Settings) -> Gate:
    rules = settings.release
    if not rules.junit:
        return Gate("tests", "skipped", "no JUnit report configured ([release] junit)")
    try:
        files = _files(root, rules.junit, "junit")
    except EvidenceError as exc:
        return Gate("tests", "failed", exc.message, ", ".join(rules.junit))
    source = _shown(root, files)

    def read() -> Gate:
        results = [read_junit(p, _reading(root, settings)) for p in files]
        tests = sum(r.tests for r in results)
        broken = sum(r.failures + r.errors for r in results)
        skipped = sum(r.skipped for r in results)
        share = skipped / tests if tests else 0.0
        failed = broken > rules.max_failures or share > rules.max_skipped_share
        return Gate(
            "tests",
            "failed" if failed else "passed",
            f"{tests:,} tests: {broken} failed or erroring (at most {rules.max_failures}), "
            f"{skipped} skipped ({share:.0%}, at most {rules.max_skipped_share:.0%})",
            source,
        )

    return _guarded("tests", source, read)


def coverage_gate(root: Path, settings: Settings, changed: dict[str, set[int]] | None) -> Gate:
    rules = settings.release
    if rules.coverage is None:
        return Gate("coverage", "skipped", "no coverage report configured ([release] coverage)")
    given = rules.coverage

    def read() -> Gate:
        report = read_coverage(_single(root, "coverage", given), _reading(root, settings))
        total = report.line_rate * 100
        parts = [f"{total:.1f}% of lines (at least {rules.min_coverage:g}%)"]
        failed = total < rules.min_coverage
        if changed is not None:
            good, measurable = covered(report, changed)
            sources = [p for p in changed if is_source(p)]
            if not measurable and sources:
                parts.append(
                    f"none of the {len(sources)} changed source files is in the report "
                    "(do its paths match the repository's?)"
                )
                failed = True
            elif measurable:
                share = good / measurable * 100
                parts.append(
                    f"{share:.1f}% of {measurable:,} changed lines since the last release "
                    f"(at least {rules.min_changed_coverage:g}%)"
                )
                failed = failed or share < rules.min_changed_coverage
            else:
                parts.append("no measured line changed since the last release")
        return Gate("coverage", "failed" if failed else "passed", "; ".join(parts), rules.coverage)

    return _guarded("coverage", rules.coverage, read)


def performance_gate(
    root: Path, settings: Settings, previous: dict[str, float] | None, previous_name: str | None
) -> Gate:
    rules = settings.release
    if rules.benchmarks is None:
        return Gate("performance", "skipped", "no benchmark results configured")
    given = rules.benchmarks

    def read() -> Gate:
        now = read_benchmarks(_single(root, "benchmarks", given), _reading(root, settings))
        if not previous:
            return Gate(
                "performance",
                "passed",
                f"{len(now)} benchmarks recorded; no earlier release to compare with",
                rules.benchmarks,
                now,
            )
        slower = {
            name: seconds / previous[name] - 1
            for name, seconds in now.items()
            if previous.get(name, 0) > 0  # an older version could keep a 0 s result
        }
        if not slower:
            return Gate(
                "performance",
                "failed",
                f"none of the {len(now)} benchmarks has a result from {previous_name} to "
                "compare with (a result above 0 s under the same name): nothing shows they "
                "are not slower",
                rules.benchmarks,
                now,
            )
        regressions = {n: r for n, r in slower.items() if r > rules.max_regression}
        worst = max(slower.items(), key=lambda item: item[1], default=None)
        text = f"{len(slower)} benchmarks compared with {previous_name}"
        if len(slower) < len(now):
            text += f" ({len(now) - len(slower)} without an earlier result)"
        if regressions:
            shown = ", ".join(f"{n} +{r:.0%}" for n, r in sorted(regressions.items())[:3])
            text += f": {len(regressions)} slower than +{rules.max_regression:.0%} ({shown})"
        elif worst is not None:
            text += f"; the largest change {worst[0]} {worst[1]:+.0%}"
        return Gate(
            "performance", "failed" if regressions else "passed", text, rules.benchmarks, now
        )

    return _guarded("performance", rules.benchmarks, read)


def vulnerability_gate(root: Path, settings: Settings) -> Gate:
    rules = settings.release
    if not rules.audit:
        return Gate("vulnerabilities", "skipped", "no pip-audit or OSV report configured")
    try:
        files = _files(root, rules.audit, "audit")
    except EvidenceError as exc:
        return Gate("vulnerabilities", "failed", exc.message, ", ".join(rules.audit))
    source = _shown(root, files)

    def read() -> Gate:
        found = [v for p in files for v in read_audit(p, _reading(root, settings))]
        floor = SEVERITIES.index(rules.fail_severity)
        blocking = [
            v
            for v in found
            if (v.severity is None and rules.unknown_severity_fails)
            or (v.severity is not None and SEVERITIES.index(v.severity) >= floor)
        ]
        unknown = " or without a severity" if rules.unknown_severity_fails else ""
        text = (
            f"{len(found)} known vulnerabilities, {len(blocking)} blocking "
            f"({rules.fail_severity} or worse{unknown})"
        )
        if blocking:
            shown = ", ".join(
                f"{v.package} {v.version} {v.id} ({v.severity or 'severity not given'})"
                for v in blocking[:3]
            )
            text += f": {shown}"
        return Gate("vulnerabilities", "failed" if blocking else "passed", text, source)

    return _guarded("vulnerabilities", source, read)


def incident_gate(open_blocking: list[tuple[int, str, str]], settings: Settings) -> Gate:
    severities = ", ".join(settings.release.blocking_severities)
    if not severities:
        return Gate("incidents", "skipped", "no blocking severity configured")
    if not open_blocking:
        return Gate("incidents", "passed", f"no open incident of {severities}", "record store")
    shown = "; ".join(f"#{i} {sev} {title}" for i, sev, title in open_blocking[:3])
    return Gate(
        "incidents", "failed", f"{len(open_blocking)} open of {severities}: {shown}", "record store"
    )


def actions_gate(overdue: list[tuple[int, str, dt.date | None]], settings: Settings) -> Gate:
    if not settings.release.overdue_actions_block:
        return Gate("action items", "skipped", "overdue action items do not block (config)")
    if not overdue:
        return Gate("action items", "passed", "no overdue post-mortem action item", "record store")
    shown = "; ".join(f"{i} {text} (due {due})" for i, text, due in overdue[:3])
    return Gate("action items", "failed", f"{len(overdue)} overdue: {shown}", "record store")


@dataclass(frozen=True)
class RuleEvidence:
    """What the decision-rule check found: new violations (None: no decision records), a
    problem reading the rules, and how many violations the baseline freezes."""

    new: list[str] | None
    problem: str | None
    frozen: int = 0
    baseline: str | None = None


def rules_gate(found: RuleEvidence, settings: Settings) -> Gate:
    if not settings.release.rules:
        return Gate("decision rules", "skipped", "not checked (config)")
    if found.problem is not None:
        return Gate("decision rules", "failed", found.problem, "decision records")
    if found.new is None:
        return Gate("decision rules", "skipped", "no decision records", None)
    new = len(found.new)
    if not new:
        text = "no new violation" if found.baseline else "no violation"
    else:
        shown = "; ".join(found.new[:3])
        text = f"{counted(new, ('new ' if found.baseline else '') + 'violation')}: {shown}"
    if found.baseline is not None:
        text += f"; {found.frozen} frozen in the baseline {found.baseline}"
    return Gate("decision rules", "failed" if new else "passed", text, "decision records")


def signoff_gate(given: dict[str, str], settings: Settings) -> Gate:
    wanted = settings.release.signoffs
    if not wanted:
        return Gate("sign-offs", "skipped", "no sign-off required ([release] signoffs)")
    missing = [role for role in wanted if role not in given]
    text = ", ".join(f"{role} by {given[role]}" for role in wanted if role in given)
    if missing:
        return Gate(
            "sign-offs",
            "failed",
            f"missing {', '.join(missing)}" + (f" (have {text})" if text else ""),
            "record store",
        )
    return Gate("sign-offs", "passed", text, "record store")


def ai_gate(counts: tuple[int, int] | None, settings: Settings, since: str | None) -> Gate:
    """(AI-assisted commits, commits) since the previous release against the allowed share."""
    limit = settings.delivery.max_ai_share
    if limit is None:
        return Gate("ai share", "skipped", "no limit ([delivery] max_ai_share)")
    if counts is None or not counts[1]:
        return Gate("ai share", "passed", "no commit since the previous release", "git history")
    assisted, total = counts
    share = assisted / total
    return Gate(
        "ai share",
        "failed" if share > limit else "passed",
        f"{assisted} of {total} commits since {since or 'the first commit'} AI-assisted "
        f"({share:.0%}, at most {limit:.0%})",
        "git history",
    )
