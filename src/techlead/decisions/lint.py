"""Problems in a decision log: missing sections, unknown statuses, broken links, shared numbers,
rules that cannot be read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from techlead.decisions.records import (
    FILE_NAME,
    STANDARD_STATUSES,
    Decision,
    RecordError,
    parse_record,
    sections,
    split_front_matter,
)
from techlead.decisions.rules import rules_of
from techlead.decisions.store import template_lines

REQUIRED_SECTIONS = {
    "nygard": ("Status", "Context", "Decision", "Consequences"),
    "madr": ("Context and Problem Statement", "Considered Options", "Decision Outcome"),
}
_IGNORED = {"readme.md", "index.md", "template.md"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record file."""

    path: str
    problem: str


def untouched_parts(body: str) -> list[str]:
    """The headings under which the template's text is still there, each with the first such
    line ("Considered Options ('* The first option')"), in the record's order."""
    placeholders = template_lines()
    found: dict[str, str] = {}
    heading = "(before the first section)"
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced:
            continue
        if line.startswith(("## ", "### ")):
            heading = line.lstrip("#").strip()
        elif line.strip() in placeholders and heading not in found:
            found[heading] = line.strip()
    return [f"{heading} ({text!r})" for heading, text in found.items()]


def _content_problems(record: Decision) -> list[str]:
    """Missing sections, the template's text left in, a date that is not one, rules that
    cannot be read."""
    found: list[str] = []
    _, body, _ = split_front_matter(record.text, record.path)
    present = sections(body)
    for wanted in REQUIRED_SECTIONS[record.style]:
        if wanted.lower() not in present:
            found.append(f"missing section '## {wanted}'")
    untouched = untouched_parts(body)
    if untouched:
        found.append("the template's text is not replaced in: " + "; ".join(untouched))
    if record.date is not None:
        try:
            date.fromisoformat(record.date)
        except ValueError:
            found.append(f"date {record.date!r} is not a date (YYYY-MM-DD)")
    try:
        rules_of(record)
    except RecordError as exc:
        found.append(exc.message.removeprefix(f"{record.path}: "))
    return found


def lint_log(directory: Path, custom_statuses: list[str] | None = None) -> list[Problem]:
    """Every problem found in the log, by file."""
    allowed = {*STANDARD_STATUSES, *(status.lower() for status in custom_statuses or [])}
    problems: list[Problem] = []
    records: list[Decision] = []
    for path in sorted(directory.glob("*.md")):
        if not FILE_NAME.match(path.name):
            if path.name.lower() not in _IGNORED:
                problems.append(Problem(path.name, "not named NNNN-title-in-kebab-case.md"))
            continue
        try:
            records.append(parse_record(path))
        except RecordError as exc:
            problems.append(Problem(path.name, exc.message.removeprefix(f"{path}: ")))
    numbers = Counter(record.number for record in records)
    by_number = {record.number: record for record in records}
    for record in records:
        name = record.path.name
        if numbers[record.number] > 1:
            problems.append(
                Problem(name, f"number {record.number} is used by {numbers[record.number]} records")
            )
        if record.status not in allowed:
            problems.append(Problem(name, f"unknown status {record.status_text!r}"))
        problems.extend(Problem(name, problem) for problem in _content_problems(record))
        for link in record.links:
            if link.target not in by_number:
                problems.append(
                    Problem(name, f"link '{link.label}' points at missing ADR {link.target}")
                )
    return sorted(problems, key=lambda problem: (problem.path, problem.problem))
