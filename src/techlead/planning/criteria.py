"""Finding an item's acceptance criteria in its description, and judging them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# "Acceptance criteria", "AC:", as a Markdown or Jira wiki heading, bold, or a plain line.
_MARKER = re.compile(
    r"^\s*(?:#{1,6}\s*|h[1-6]\.\s*)?[*_]*\s*(?:acceptance\s+criteria\b|a\.?c\.?(?=[*_]*\s*:))"
    r"\s*[*_]*\s*:?"
    r"\s*[*_]*\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+\S|h[1-6]\.\s|\*\*[^*]+\*\*\s*:?\s*$)")
_JIRA_HEADING = re.compile(r"^\s*(?:h[1-6]\.\s|\*\*[^*]+\*\*\s*:?\s*$)")  # "#" is a list there
_BULLET = re.compile(r"^\s*(?:[-*+#]+|\d+[.)])\s*(?:\[[ xX]\]\s*)?|^\s*\(/\)\s*|^\s*\(x\)\s*")
_CHECKBOX = re.compile(r"^\s*[-*+]\s*\[[ xX]\]\s*\S")
_STEP = re.compile(r"\b(given|when|then)\b", re.IGNORECASE)
_GHERKIN = re.compile(r"^\s*(?:[-*+]\s*)?[*_]*(given|when|then|and|but)\b", re.IGNORECASE)


def acceptance_criteria(description: str | None, explicit: str | None = None) -> list[str]:
    """The criteria, one per line: an explicit field, else an "Acceptance criteria" section,
    else Given/When/Then lines or a checklist in the description."""
    if explicit and explicit.strip():
        return _lines(explicit.splitlines())
    if not description:
        return []
    lines = description.splitlines()
    jira_markup = any(re.match(r"^\s*h[1-6]\.\s", line) for line in lines)
    heading = _JIRA_HEADING if jira_markup else _HEADING
    for number, line in enumerate(lines):
        marker = _MARKER.match(line)
        if marker:
            section = [marker.group("rest")] if marker.group("rest").strip() else []
            for following in lines[number + 1 :]:
                if heading.match(following):
                    break
                section.append(following)
            return _lines(section)
    return _lines(line for line in lines if _GHERKIN.match(line) or _CHECKBOX.match(line))


def _lines(lines: Iterable[str]) -> list[str]:
    found = []
    for line in lines:
        text = _BULLET.sub("", line).strip().strip("*_").strip()
        if text:
            found.append(text)
    return found


def is_given_when_then(criteria: list[str]) -> bool:
    """True when the criteria are scenarios: a Given, a When and a Then among them."""
    words = {word.lower() for line in criteria for word in _STEP.findall(line)}
    return {"given", "when", "then"} <= words


@dataclass(frozen=True)
class VagueCriterion:
    criterion: str
    words: list[str]


def vague_criteria(criteria: list[str], vague_words: list[str]) -> list[VagueCriterion]:
    """Criteria using words no test can check, unless a number makes them measurable."""
    patterns = [
        (word, re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE))
        for word in vague_words
    ]
    found = []
    for criterion in criteria:
        if re.search(r"\d", criterion):
            continue
        words = [word for word, pattern in patterns if pattern.search(criterion)]
        if words:
            found.append(VagueCriterion(criterion, words))
    return found
