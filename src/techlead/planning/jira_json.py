"""Jira's REST search results (`/rest/api/2|3/search?expand=changelog,names`), one page or a list.

Story points live in a custom field whose id differs between Jira sites: the export's `names`
map (present with `expand=names`) finds the field called "Story Points" or "Story point
estimate"; otherwise the configured `jira_points_field`, else customfield_10016 (Jira Cloud's
default). Status transitions in the optional `changelog` give when work started.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from techlead.planning.fields import (
    ExportError,
    optional_time,
    read_points,
    read_time,
    text_or_none,
)
from techlead.planning.items import (
    DONE,
    IN_PROGRESS,
    TODO,
    ImportedItem,
    StatusCategories,
    Transition,
    done_from_transitions,
    started_from_transitions,
)

SOURCE = "jira"
DEFAULT_POINTS_FIELD = "customfield_10016"
_POINT_NAMES = {"story points", "story point estimate"}
_CATEGORY_KEYS = {"new": TODO, "indeterminate": IN_PROGRESS, "done": DONE}


def is_jira_json(document: Any) -> bool:
    pages = document if isinstance(document, list) else [document]
    return bool(pages) and all(isinstance(page, dict) and "issues" in page for page in pages)


def read_jira_json(
    path: Path,
    document: Any,
    zone: dt.tzinfo,
    categories: StatusCategories,
    points_field: str | None,
) -> list[ImportedItem]:
    pages = document if isinstance(document, list) else [document]
    issues: list[tuple[str, dict[str, Any]]] = []
    names: dict[str, str] = {}
    for number, page in enumerate(pages):
        prefix = f"[{number}]." if isinstance(document, list) else ""
        if not isinstance(page.get("issues"), list):
            raise ExportError(f"{path}: {prefix}issues is not a list")
        if isinstance(page.get("names"), dict):
            names.update({str(k): str(v) for k, v in page["names"].items()})
        issues += [(f"{prefix}issues[{i}]", issue) for i, issue in enumerate(page["issues"])]
    field = points_field or next(
        (key for key, name in names.items() if name.casefold() in _POINT_NAMES),
        DEFAULT_POINTS_FIELD,
    )
    sprint_field = next((key for key, name in names.items() if name == "Sprint"), None)
    known = _stated_categories(issues)
    categories = StatusCategories.with_known(categories, known)
    return [
        _item(path, where, issue, zone, categories, field, sprint_field) for where, issue in issues
    ]


def _stated_categories(issues: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """Status name -> category, as the issues' current statuses state them."""
    known = {}
    for _, issue in issues:
        status = _dig(issue, "fields", "status")
        key = _dig(status, "statusCategory", "key")
        if isinstance(status, dict) and isinstance(key, str) and key in _CATEGORY_KEYS:
            known[str(status.get("name", ""))] = _CATEGORY_KEYS[key]
    return known


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _item(
    path: Path,
    where: str,
    issue: Any,
    zone: dt.tzinfo,
    categories: StatusCategories,
    points_field: str,
    sprint_field: str | None,
) -> ImportedItem:
    if not isinstance(issue, dict) or not isinstance(issue.get("fields"), dict):
        raise ExportError(f"{path}: {where}: an issue without `fields`")
    key = text_or_none(issue.get("key"))
    if key is None:
        raise ExportError(f"{path}: {where}.key: missing")
    fields: dict[str, Any] = issue["fields"]

    def at(name: str) -> str:
        return f"{path}: {where} ({key}).fields.{name}"

    title = text_or_none(fields.get("summary"))
    status = text_or_none(_dig(fields, "status", "name"))
    created = fields.get("created")
    if title is None:
        raise ExportError(f"{at('summary')}: missing")
    if status is None:
        raise ExportError(f"{at('status')}: missing")
    if not isinstance(created, str):
        raise ExportError(f"{at('created')}: missing")
    transitions = _transitions(path, where, key, issue.get("changelog"), zone)
    category = categories.of(status)
    resolved = optional_time(_text(fields.get("resolutiondate")), zone, at("resolutiondate"))
    if category == DONE and resolved is None:
        resolved = done_from_transitions(transitions, categories)
    started = started_from_transitions(transitions, categories)
    return ImportedItem(
        source=SOURCE,
        key=key,
        title=title,
        status=status,
        category=category,
        created_at=read_time(created, zone, at("created")),
        type=text_or_none(_dig(fields, "issuetype", "name")),
        resolution=text_or_none(_dig(fields, "resolution", "name")),
        points=read_points(fields.get(points_field), at(points_field)),
        labels=sorted({str(label) for label in fields.get("labels") or []}),
        sprints=_sprints(fields.get(sprint_field) if sprint_field else None),
        parent=text_or_none(_dig(fields, "parent", "key")),
        assignee=text_or_none(_dig(fields, "assignee", "displayName")),
        description=_plain_text(fields.get("description")),
        started_at=started if category != TODO else None,
        resolved_at=resolved if category == DONE else None,
        transitions=transitions,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _transitions(
    path: Path, where: str, key: str, changelog: Any, zone: dt.tzinfo
) -> list[Transition]:
    moves = []
    for number, history in enumerate(_dig(changelog, "histories") or []):
        for item in (history or {}).get("items") or []:
            if isinstance(item, dict) and item.get("field") == "status" and item.get("toString"):
                when = history.get("created")
                if not isinstance(when, str):
                    raise ExportError(
                        f"{path}: {where} ({key}).changelog.histories[{number}].created: missing"
                    )
                moves.append(
                    Transition(
                        read_time(when, zone, f"{path}: {where} ({key}).changelog"),
                        text_or_none(item.get("fromString")),
                        str(item["toString"]),
                    )
                )
    return sorted(moves, key=lambda move: move.at)


def _sprints(value: Any) -> list[str]:
    sprints = value if isinstance(value, list) else []
    return [str(s["name"]) if isinstance(s, dict) and "name" in s else str(s) for s in sprints]


def _plain_text(value: Any) -> str | None:
    """A description as text: Jira API v2 gives a string, v3 an Atlassian Document (ADF)."""
    if isinstance(value, str) or value is None:
        return text_or_none(value)
    lines: list[str] = []
    _walk(value, lines, "")
    return text_or_none("\n".join(lines))


def _walk(node: Any, lines: list[str], prefix: str) -> None:
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    children = node.get("content") or []
    if kind in {"paragraph", "heading"}:
        text = "".join(_inline(child) for child in children)
        level = (node.get("attrs") or {}).get("level", 1) if kind == "heading" else 0
        lines.append(("#" * int(level) + " " if level else prefix) + text)
        return
    if kind == "taskItem":
        checked = "x" if (node.get("attrs") or {}).get("state") == "DONE" else " "
        lines.append(f"- [{checked}] " + "".join(_inline(child) for child in children))
        return
    inner = "- " if kind == "listItem" else prefix
    for child in children:
        _walk(child, lines, inner)


def _inline(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    return "".join(_inline(child) for child in node.get("content") or [])
