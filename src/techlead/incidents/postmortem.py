"""Blameless post-mortem drafts in Markdown, regenerated without losing what people wrote.

The draft follows the sections common to the Google SRE and PagerDuty post-mortem templates.
Facts techlead knows (the incident's times, roles and links, its timeline, its action items)
sit between `<!-- techlead:begin NAME -->` and `<!-- techlead:end NAME -->` markers; running
`techlead incident postmortem` again rewrites only those blocks, so the analysis people write
around them stays as it is.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from techlead.atomic_files import atomic_write
from techlead.config import Severity
from techlead.decisions.store import slugify
from techlead.incidents.service import IncidentError, IncidentView
from techlead.incidents.template import PROMPTS
from techlead.incidents.times import duration, show
from techlead.inputs.files import read_text

BLOCKS = ("facts", "timeline", "actions")
_BLOCK = re.compile(
    r"(<!-- techlead:begin (?P<name>[a-z]+) -->\n)(?P<body>.*?)(<!-- techlead:end (?P=name) -->)",
    re.DOTALL,
)


def postmortem_name(view: IncidentView) -> str:
    incident = view.incident
    return f"{incident.detected_at:%Y-%m-%d}-{incident.id}-{slugify(incident.title)[:60]}.md"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _facts(view: IncidentView, severities: dict[str, Severity]) -> str:
    i = view.incident
    level = severities.get(i.severity)
    major = " (major)" if level and level.major else ""
    rows = [
        ("Incident", f"#{i.id}" + (f" ({i.external_id})" if i.external_id else "")),
        ("Severity", f"{i.severity}{major}"),
        ("Service", i.service or "—"),
        ("Status", i.status),
        ("Impact started", show(i.started_at)),
        ("Detected", show(i.detected_at)),
        ("Acknowledged", show(i.acknowledged_at)),
        ("Identified", show(i.identified_at)),
        ("Mitigated", show(i.mitigated_at)),
        ("Resolved", show(i.resolved_at)),
        (
            "Time to detect / mitigate / resolve",
            " / ".join(
                duration(end - start) if end and start else "—"
                for start, end in (
                    (i.started_at, i.detected_at),
                    (i.detected_at, i.mitigated_at),
                    (i.detected_at, i.resolved_at),
                )
            ),
        ),
    ]
    for role in ("commander", "deputy", "scribe", "comms", "sme"):
        holders = view.holders(role)
        if holders:
            rows.append(
                (
                    role.capitalize() if role != "sme" else "Subject-matter experts",
                    ", ".join(holders),
                )
            )
    for link in view.links:
        rows.append((f"Linked {link.kind}", link.target + (f" — {link.note}" if link.note else "")))
    lines = ["| | |", "|---|---|"]
    lines.extend(f"| {name} | {_cell(value)} |" for name, value in rows)
    return "\n".join(lines) + "\n"


def _timeline(view: IncidentView) -> str:
    lines = ["| time (UTC) | event |", "|---|---|"]
    for entry in view.entries:
        who = f" ({entry.author})" if entry.author and entry.author not in entry.text else ""
        lines.append(f"| {entry.at:%Y-%m-%d %H:%M} | {_cell(entry.text)}{_cell(who)} |")
    return "\n".join(lines) + "\n"


def _actions(view: IncidentView) -> str:
    if not view.actions:
        return (
            "_No action items yet: add them with "
            f'`techlead action add {view.incident.id} "..." --type prevent --owner NAME '
            "--due YYYY-MM-DD`._\n"
        )
    lines = ["| # | type | action | owner | due | status |", "|---|---|---|---|---|---|"]
    for item in view.actions:
        lines.append(
            f"| {item.id} | {item.type} | {_cell(item.text)} | {_cell(item.owner or '—')} | "
            f"{item.due.isoformat() if item.due else '—'} | {item.status} |"
        )
    return "\n".join(lines) + "\n"


def _blocks(view: IncidentView, severities: dict[str, Severity]) -> dict[str, str]:
    return {
        "facts": _facts(view, severities),
        "timeline": _timeline(view),
        "actions": _actions(view),
    }


def _block(name: str, body: str) -> str:
    return f"<!-- techlead:begin {name} -->\n{body}<!-- techlead:end {name} -->"


def draft(view: IncidentView, severities: dict[str, Severity]) -> str:
    i = view.incident
    blocks = _blocks(view, severities)
    return f"""---
incident: {i.id}
severity: {i.severity}
status: draft
---

# Post-mortem: {i.title}

> This post-mortem is blameless. It explains what happened and why our systems and processes
> allowed it, so that we can change them; it does not ask who is at fault. People acted on what
> they knew at the time.

{_block("facts", blocks["facts"])}

## Summary

{PROMPTS["Summary"]}

## Impact

{PROMPTS["Impact"]}

## Detection

{PROMPTS["Detection"]}

## Response

{PROMPTS["Response"]}

## Timeline (UTC)

{_block("timeline", blocks["timeline"])}

## Root causes

{PROMPTS["Root causes"]}

## Trigger

{PROMPTS["Trigger"]}

## Resolution

{PROMPTS["Resolution"]}

## What went well

{PROMPTS["What went well"]}

## What went wrong

{PROMPTS["What went wrong"]}

## Where we got lucky

{PROMPTS["Where we got lucky"]}

## Action items

{_block("actions", blocks["actions"])}

## Lessons learned

{PROMPTS["Lessons learned"]}
"""


def _check_markers(path: Path, content: str) -> None:
    """Each generated block once, begun and ended: a copied or half-deleted pair of markers
    would leave a stray marker behind or swallow what people wrote between two blocks."""
    for name in BLOCKS:
        for marker in (f"<!-- techlead:begin {name} -->", f"<!-- techlead:end {name} -->"):
            lines = [n for n, line in enumerate(content.splitlines(), 1) if marker in line]
            if len(lines) > 1:
                raise IncidentError(
                    f"{path}: {marker} is there {len(lines)} times (lines "
                    f"{', '.join(map(str, lines))}); keep one begin and end pair per block",
                    hint="delete the copy, then run the command again",
                )
        begun = f"<!-- techlead:begin {name} -->" in content
        if begun != (f"<!-- techlead:end {name} -->" in content):
            which = "end" if begun else "begin"
            raise IncidentError(
                f"{path}: the {name} block has no {which} marker; restore it or delete the other"
            )


def write_postmortem(
    view: IncidentView,
    severities: dict[str, Severity],
    directory: Path,
    existing: Path | None,
    root: Path,
) -> tuple[Path, str, list[str], bool]:
    """Write a new draft, or refresh the generated blocks of an existing one (the one the
    incident names, else one already at the draft's name).

    Returns the path, the new content, the names of blocks that could not be refreshed
    because their markers were removed, and whether a file was refreshed. A file that is not
    a regular file inside `root` is refused, never read or replaced.
    """
    if existing is None or not os.path.lexists(existing):
        candidate = directory / postmortem_name(view)
        existing = candidate if os.path.lexists(candidate) else None
    if existing is not None:
        content = read_text(existing, within=root, error=IncidentError)
        _check_markers(existing, content)
        fresh = _blocks(view, severities)
        seen: set[str] = set()

        def replace(match: re.Match[str]) -> str:
            name = match.group("name")
            if name not in fresh:
                return match.group(0)
            seen.add(name)
            return _block(name, fresh[name])

        content = _BLOCK.sub(replace, content)
        missing = [name for name in BLOCKS if name not in seen]
        path = existing
    else:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / postmortem_name(view)
        content = draft(view, severities)
        missing = []
    text = content
    atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return path, content, missing, existing is not None
