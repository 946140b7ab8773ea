"""GitHub issues as JSON: the REST API's list (and the list of pages that
`gh api --paginate --slurp repos/O/R/issues?state=all` writes) or `gh issue list --json ...`.

Pull requests (items with a `pull_request` key) are left out. GitHub has no "in progress"
state: an open issue with an assignee counts as in progress, one without as not started.
Issues closed as not planned are done but delivered nothing (see `not_done_resolutions`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from techlead.planning.fields import ExportError, optional_time, read_time, text_or_none
from techlead.planning.items import DONE, IN_PROGRESS, TODO, ImportedItem

SOURCE = "github"
_REPOSITORY = re.compile(r"(?:api\.)?github\.com/(?:repos/)?([^/]+/[^/]+?)(?:/issues(?:/\d+)?)?$")


def is_github_json(document: Any) -> bool:
    items = _flattened(document)
    return (
        isinstance(document, list)
        and items is not None
        and all(isinstance(item, dict) and "number" in item and "title" in item for item in items)
    )


def _flattened(document: Any) -> list[Any] | None:
    if not isinstance(document, list):
        return None
    if document and all(isinstance(page, list) for page in document):
        return [item for page in document for item in page]
    return document


def read_github_json(path: Path, document: Any, zone: dt.tzinfo) -> list[ImportedItem]:
    items = _flattened(document)
    if items is None:
        raise ExportError(f"{path}: expected a list of GitHub issues")
    return [
        _item(path, number, issue, zone)
        for number, issue in enumerate(items)
        if not (isinstance(issue, dict) and issue.get("pull_request"))
        and not (isinstance(issue, dict) and "/pull/" in str(issue.get("url", "")))
    ]


def _get(issue: dict[str, Any], *names: str) -> Any:
    """The first of the REST (snake_case) or gh (camelCase) spellings present."""
    for name in names:
        if issue.get(name) is not None:
            return issue[name]
    return None


def _item(path: Path, number: int, issue: Any, zone: dt.tzinfo) -> ImportedItem:
    where = f"{path}: [{number}]"
    if not isinstance(issue, dict):
        raise ExportError(f"{where}: not an issue object")
    if not isinstance(issue.get("number"), int):
        raise ExportError(f"{where}.number: missing or not a number")
    title = text_or_none(issue.get("title"))
    if title is None:
        raise ExportError(f"{where} (#{issue['number']}).title: missing")
    state = str(issue.get("state") or "").lower()
    if state not in {"open", "closed"}:
        raise ExportError(f"{where} (#{issue['number']}).state: {issue.get('state')!r}")
    created = _get(issue, "created_at", "createdAt")
    if not isinstance(created, str):
        raise ExportError(f"{where} (#{issue['number']}).created_at: missing")
    assignees = _get(issue, "assignees") or ([issue["assignee"]] if issue.get("assignee") else [])
    assignee = next((text_or_none(a.get("login")) for a in assignees if isinstance(a, dict)), None)
    category = DONE if state == "closed" else IN_PROGRESS if assignee else TODO
    closed = optional_time(_get(issue, "closed_at", "closedAt"), zone, f"{where}.closed_at")
    reason = text_or_none(_get(issue, "state_reason", "stateReason"))
    labels = [
        str(label["name"]) if isinstance(label, dict) else str(label)
        for label in issue.get("labels") or []
    ]
    milestone = _get(issue, "milestone")
    repository = _repository(issue)
    if not repository:
        raise ExportError(
            f"{where} (#{issue['number']}): no url or repository_url to tell its repository",
            hint="with gh issue list, include url in --json",
        )
    return ImportedItem(
        source=SOURCE,
        key=f"{repository}#{issue['number']}",
        title=title,
        status=state,
        category=category,
        created_at=read_time(created, zone, f"{where}.created_at"),
        type="Bug" if any(label.casefold() == "bug" for label in labels) else None,
        resolution=reason.lower() if reason and state == "closed" else None,
        labels=sorted(set(labels)),
        sprints=[str(milestone["title"])] if isinstance(milestone, dict) else [],
        assignee=assignee,
        description=text_or_none(issue.get("body")),
        resolved_at=closed if category == DONE else None,
    )


def _repository(issue: dict[str, Any]) -> str:
    for name in ("repository_url", "html_url", "url"):
        match = _REPOSITORY.search(str(issue.get(name) or ""))
        if match:
            return match.group(1)
    return ""
