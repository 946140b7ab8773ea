"""Incidents: opening, acknowledging, timeline updates, roles, status changes, links, actions.

Each operation is one transaction on the store. Operations that read an incident before
changing it lock its row first, so concurrent writers queue instead of overwriting each other.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from techlead.config import Severity
from techlead.errors import NotFoundError, TechleadError
from techlead.incidents.times import TimeError, now, show
from techlead.inputs.files import is_regular_file, read_text
from techlead.store.database import Store
from techlead.store.models import ActionItem, Incident, Link, Role, TimelineEntry

STATUSES = ("investigating", "identified", "mitigated", "resolved", "closed")
OPEN_STATUSES = STATUSES[:3]
ROLES = ("commander", "deputy", "scribe", "comms", "sme")
SINGLE_HOLDER_ROLES = frozenset({"commander", "deputy", "scribe", "comms"})
LINK_KINDS = ("commit", "adr", "runbook", "incident")
ACTION_TYPES = ("mitigate", "prevent", "process")
_MILESTONE = {
    "identified": "identified_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


SEARCH_TEXT_LIMIT = 200_000
PRE_INCIDENT_WINDOW = dt.timedelta(days=1)


class IncidentError(TechleadError):
    """An incident request that cannot be carried out."""


class UnknownIncidentError(IncidentError, NotFoundError):
    """No incident (or action item) with that id."""


@dataclass(frozen=True)
class IncidentView:
    """An incident with everything recorded about it, read in one transaction."""

    incident: Incident
    entries: list[TimelineEntry] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    linked_from: list[int] = field(default_factory=list)  # incidents that link to this one

    def holders(self, role: str) -> list[str]:
        return [r.name for r in self.roles if r.role == role]


MAX_ID = 2**31 - 1  # what an INTEGER column holds on every supported database


def parse_id(value: str, what: str = "incident") -> int:
    """`7`, `#7`, or for incidents `INC-7`."""
    prefix = r"(?:#|INC-|inc-)?" if what == "incident" else "#?"
    found = re.fullmatch(rf"\s*{prefix}(\d+)\s*", value)
    if found is None:
        example = "7 or INC-7" if what == "incident" else "7"
        raise IncidentError(f"{what} {value!r}: not an id (a number such as {example})")
    number = int(found.group(1))
    if number > MAX_ID:
        raise IncidentError(f"{what} {number}: no such {what}")
    return number


def check_severity(severity: str, severities: dict[str, Severity]) -> str:
    for name in severities:
        if name.lower() == severity.strip().lower():
            return name
    raise IncidentError(f"severity {severity!r}: use one of {', '.join(severities)}")


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value.lower() not in allowed:
        raise IncidentError(f"{what} {value!r}: use one of {', '.join(allowed)}")
    return value.lower()


def _locked(session: Session, store: Store, incident_id: int) -> Incident:
    found = session.execute(
        select(Incident)
        .where(Incident.id == incident_id, Incident.repository == store.repository)
        .with_for_update()
    ).scalar_one_or_none()
    if found is None:
        raise UnknownIncidentError(f"incident {incident_id}: no such incident")
    return found


def _entry(
    session: Session,
    incident: Incident,
    kind: str,
    text: str,
    at: dt.datetime,
    author: str | None = None,
) -> TimelineEntry:
    recorded = now()
    entry = TimelineEntry(
        incident_id=incident.id, at=at, kind=kind, text=text, author=author, recorded_at=recorded
    )
    session.add(entry)
    incident.updated_at = recorded
    session.flush()
    refresh_search_text(session, incident)
    return entry


def has_postmortem(incident: Incident, root: Path) -> bool:
    """Whether the incident's post-mortem file (relative to `root`) is there: a regular file
    inside the repository."""
    path = postmortem_file(incident, root)
    return path is not None and is_regular_file(path, within=root)


def postmortem_file(incident: Incident, root: Path) -> Path | None:
    """Where the incident's post-mortem is kept, if it has one (the file may be gone)."""
    return root / str(incident.postmortem_path) if incident.postmortem_path else None


def read_postmortem(incident: Incident, root: Path, *, lenient: bool = False) -> str | None:
    """The post-mortem's text, None when there is none; IncidentError when its file is refused
    (it leads outside the repository, is not a file, or is not UTF-8 text)."""
    path = postmortem_file(incident, root)
    if path is None or not os.path.lexists(path):
        return None
    return read_text(path, within=root, error=IncidentError, lenient=lenient)


def postmortem_written(incident: Incident, root: Path) -> bool:
    """Whether the incident's post-mortem is there and none of its sections is still the
    template's prompt (an untouched draft is not a post-mortem)."""
    from techlead.incidents.template import untouched_sections

    if not has_postmortem(incident, root):
        return False
    try:
        text = read_postmortem(incident, root)
    except IncidentError:
        return False
    return text is not None and not untouched_sections(text)


def _postmortem_written(incident: Incident, root: Path) -> None:
    """Refuse to close on a post-mortem whose sections still hold the template's prompts."""
    from techlead.incidents.template import untouched_sections

    untouched = untouched_sections(read_postmortem(incident, root) or "")
    if untouched:
        raise IncidentError(
            f"incident {incident.id}: post-mortem {incident.postmortem_path} is still the "
            f"template in: {', '.join(untouched)}",
            hint="write those sections (or delete the ones that do not apply), then close",
        )


def refresh_search_text(session: Session, incident: Incident, postmortem: str = "") -> None:
    """What full-text search sees of an incident besides its title."""
    texts = session.execute(
        select(TimelineEntry.text)
        .where(TimelineEntry.incident_id == incident.id)
        .order_by(TimelineEntry.at, TimelineEntry.id)
    ).scalars()
    actions = session.execute(
        select(ActionItem.text).where(ActionItem.incident_id == incident.id)
    ).scalars()
    incident.search_text = search_text(
        incident.service, incident.summary, texts, actions, postmortem
    )


def refresh_search_texts(session: Session, incidents: list[Incident]) -> None:
    """`refresh_search_text` of many incidents, with a few queries for all of them."""
    texts: dict[int, list[str]] = {}
    actions: dict[int, list[str]] = {}
    ids = [incident.id for incident in incidents]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for incident_id, text in session.execute(
            select(TimelineEntry.incident_id, TimelineEntry.text)
            .where(TimelineEntry.incident_id.in_(chunk))
            .order_by(TimelineEntry.incident_id, TimelineEntry.at, TimelineEntry.id)
        ):
            texts.setdefault(incident_id, []).append(text)
        for incident_id, text in session.execute(
            select(ActionItem.incident_id, ActionItem.text).where(ActionItem.incident_id.in_(chunk))
        ):
            actions.setdefault(incident_id, []).append(text)
    for incident in incidents:
        found = search_text(
            incident.service,
            incident.summary,
            texts.get(incident.id, []),
            actions.get(incident.id, []),
        )
        if incident.search_text != found:
            incident.search_text = found


def search_text(
    service: str | None,
    summary: str | None,
    entries: Iterable[str],
    actions: Iterable[str],
    postmortem: str = "",
) -> str:
    """An incident's service, summary, timeline, action items and post-mortem, as search
    reads them."""
    parts = [service or "", summary or "", *entries, *actions, postmortem]
    text = "\n".join(part for part in parts if part).replace("\x00", "")
    # PostgreSQL's tsvector holds at most 1 MB; the first 200,000 characters are plenty to
    # find an incident by.
    return text[:SEARCH_TEXT_LIMIT]


def _not_before(moment: dt.datetime, earliest: dt.datetime, what: str, before_what: str) -> None:
    if moment < earliest:
        raise TimeError(f"{what} {show(moment)} is before {before_what} {show(earliest)}")


def open_incident(
    store: Store,
    title: str,
    severity: str,
    *,
    service: str | None = None,
    commander: str | None = None,
    detected_at: dt.datetime | None = None,
    started_at: dt.datetime | None = None,
    summary: str | None = None,
) -> Incident:
    if not title.strip():
        raise IncidentError("an incident needs a title")
    service = (service or "").strip() or None
    detected = detected_at or now()
    started = started_at or detected
    _not_before(detected, started, "detected", "the start")
    recorded = now()
    with store.session() as session:
        incident = Incident(
            repository=store.repository,
            title=title.strip(),
            severity=severity,
            service=service,
            status="investigating",
            summary=summary,
            started_at=started,
            detected_at=detected,
            search_text="",
            created_at=recorded,
            updated_at=recorded,
        )
        session.add(incident)
        session.flush()
        where = f" on {service}" if service else ""
        _entry(session, incident, "opened", f"Opened as {severity}{where}: {title}", detected)
        if commander:
            _assign(session, incident, "commander", commander, detected)
        return incident


def _assign(session: Session, incident: Incident, role: str, name: str, at: dt.datetime) -> None:
    if role in SINGLE_HOLDER_ROLES:
        for held in session.execute(
            select(Role).where(Role.incident_id == incident.id, Role.role == role)
        ).scalars():
            session.delete(held)
        session.flush()
    elif session.execute(
        select(Role).where(Role.incident_id == incident.id, Role.role == role, Role.name == name)
    ).first():
        raise IncidentError(f"incident {incident.id}: {name} is already {role}")
    session.add(Role(incident_id=incident.id, role=role, name=name, assigned_at=at))
    _entry(session, incident, "role", f"{name} is {role}", at)


def assign_role(
    store: Store, incident_id: int, role: str, name: str, at: dt.datetime | None = None
) -> None:
    role = _choice(role, ROLES, "role")
    if not name.strip():
        raise IncidentError("a role needs a person's name")
    with store.session() as session:
        incident = _locked(session, store, incident_id)
        _assign(session, incident, role, name.strip(), at or now())


def acknowledge(
    store: Store, incident_id: int, by: str | None = None, at: dt.datetime | None = None
) -> Incident:
    moment = at or now()
    with store.session() as session:
        incident = _locked(session, store, incident_id)
        if incident.acknowledged_at is not None:
            raise IncidentError(
                f"incident {incident_id}: already acknowledged at {show(incident.acknowledged_at)}"
            )
        _not_before(moment, incident.detected_at, "acknowledged", "detection at")
        if incident.resolved_at is not None and moment > incident.resolved_at:
            raise TimeError(
                f"acknowledged {show(moment)} is after the resolution at "
                f"{show(incident.resolved_at)}"
            )
        incident.acknowledged_at = moment
        _entry(session, incident, "ack", f"Acknowledged{f' by {by}' if by else ''}", moment, by)
        return incident


def add_update(
    store: Store, incident_id: int, text: str, by: str | None = None, at: dt.datetime | None = None
) -> TimelineEntry:
    if not text.strip():
        raise IncidentError("an update needs some text")
    with store.session() as session:
        incident = _locked(session, store, incident_id)
        if incident.status == "closed":
            raise IncidentError(f"incident {incident_id}: closed; open a new one and link it")
        moment = at or now()
        # events shortly before the impact (the deploy that caused it) belong in the timeline
        _not_before(
            moment, incident.started_at - PRE_INCIDENT_WINDOW, "update", "a day before the start"
        )
        return _entry(session, incident, "update", text.strip(), moment, by)


def change_status(
    store: Store,
    incident_id: int,
    status: str,
    severities: dict[str, Severity],
    *,
    at: dt.datetime | None = None,
    root: Path | None = None,
) -> Incident:
    """Move an incident forward through investigating → identified → mitigated → resolved →
    closed. Steps may be skipped (resolving also marks the incident mitigated) but not taken
    back, closing needs a resolved incident, and a major incident needs its post-mortem."""
    status = _choice(status, STATUSES, "status")
    moment = at or now()
    with store.session() as session:
        incident = _locked(session, store, incident_id)
        current = STATUSES.index(incident.status)
        wanted = STATUSES.index(status)
        if wanted == current:
            raise IncidentError(f"incident {incident_id}: already {status}")
        if wanted < current:
            raise IncidentError(
                f"incident {incident_id}: cannot go back from {incident.status} to {status}",
                hint="open a new incident and link it to this one",
            )
        if status == "closed" and incident.status != "resolved":
            raise IncidentError(
                f"incident {incident_id}: only a resolved incident can be closed "
                f"(it is {incident.status})"
            )
        level = severities.get(incident.severity)
        if status == "closed" and level is None:
            raise IncidentError(
                f"incident {incident_id}: severity {incident.severity} is not configured any "
                f"more ({', '.join(severities)}), so whether it needs a post-mortem is unknown",
                hint="add it back to [incidents.severities]",
            )
        major = level is not None and level.major
        if status == "closed" and major and not (root and has_postmortem(incident, root)):
            raise IncidentError(
                f"incident {incident_id}: {incident.severity} is major and needs its post-mortem "
                "before closing",
                hint=f"write it with: techlead incident postmortem {incident_id}",
            )
        if status == "closed" and major and root is not None:
            _postmortem_written(incident, root)
        _not_before(moment, incident.started_at, status, "the start")
        _not_before(moment, incident.detected_at, status, "detection at")
        for earlier in reversed(STATUSES[1:wanted]):  # the latest milestone reached
            reached = getattr(incident, _MILESTONE[earlier])
            if reached is not None:
                _not_before(moment, reached, status, f"{earlier} at")
                break
        setattr(incident, _MILESTONE[status], moment)
        if status == "resolved" and incident.mitigated_at is None:
            incident.mitigated_at = moment
        previous = incident.status
        incident.status = status
        _entry(session, incident, "status", f"Status: {previous} → {status}", moment)
        return incident


def add_link(
    store: Store, incident_id: int, kind: str, target: str, note: str | None = None
) -> None:
    kind = _choice(kind, LINK_KINDS, "link kind")
    with store.session() as session:
        incident = _locked(session, store, incident_id)
        if kind == "incident":
            other = parse_id(target)
            if other == incident_id:
                raise IncidentError(f"incident {incident_id}: cannot link an incident to itself")
            found = session.get(Incident, other)
            if found is None or found.repository != store.repository:
                raise IncidentError(f"incident {other}: no such incident")
            target = str(other)
        exists = session.execute(
            select(Link).where(
                Link.incident_id == incident_id, Link.kind == kind, Link.target == target
            )
        ).first()
        if exists:
            raise IncidentError(f"incident {incident_id}: already linked to {kind} {target}")
        session.add(Link(incident_id=incident_id, kind=kind, target=target, note=note))
        _entry(
            session,
            incident,
            "link",
            f"Linked {kind} {target}" + (f": {note}" if note else ""),
            now(),
        )


def get(store: Store, incident_id: int) -> IncidentView:
    with store.session() as session:
        incident = session.execute(
            select(Incident)
            .where(Incident.id == incident_id, Incident.repository == store.repository)
            .options(
                selectinload(Incident.entries),
                selectinload(Incident.roles),
                selectinload(Incident.links),
                selectinload(Incident.actions),
            )
        ).scalar_one_or_none()
        if incident is None:
            raise UnknownIncidentError(f"incident {incident_id}: no such incident")
        linked_from = session.execute(
            select(Link.incident_id)
            .where(Link.kind == "incident", Link.target == str(incident_id))
            .order_by(Link.incident_id)
        ).scalars()
        return IncidentView(
            incident,
            list(incident.entries),
            list(incident.roles),
            list(incident.links),
            list(incident.actions),
            list(linked_from),
        )


def list_incidents(
    store: Store,
    *,
    open_only: bool = False,
    severity: str | None = None,
    service: str | None = None,
    since: dt.datetime | None = None,
) -> list[IncidentView]:
    query = (
        select(Incident)
        .where(Incident.repository == store.repository)
        .options(selectinload(Incident.roles))
        .order_by(Incident.detected_at.desc(), Incident.id.desc())
    )
    if open_only:
        query = query.where(Incident.status.in_(OPEN_STATUSES))
    if severity:
        query = query.where(Incident.severity == severity)
    if service:
        query = query.where(Incident.service == service)
    if since:
        query = query.where(Incident.detected_at >= since)
    with store.session() as session:
        return [IncidentView(i, roles=list(i.roles)) for i in session.execute(query).scalars()]


def set_postmortem(store: Store, incident_id: int, path: str, content: str) -> None:
    content = content.replace("\x00", "")
    with store.session() as session:
        incident = _locked(session, store, incident_id)
        first = incident.postmortem_path is None
        incident.postmortem_path = path
        if first:
            _entry(session, incident, "postmortem", f"Post-mortem draft: {path}", now())
        refresh_search_text(session, incident, content)


def add_action(
    store: Store,
    incident_id: int,
    text: str,
    kind: str,
    owner: str | None = None,
    due: dt.date | None = None,
) -> ActionItem:
    kind = _choice(kind, ACTION_TYPES, "--type")
    if not text.strip():
        raise IncidentError("an action item needs some text")
    with store.session() as session:
        incident = _locked(session, store, incident_id)
        item = ActionItem(
            incident_id=incident_id,
            text=text.strip(),
            type=kind,
            owner=owner,
            due=due,
            status="open",
            created_at=now(),
        )
        session.add(item)
        session.flush()
        _entry(session, incident, "action", f"Action item {item.id} ({kind}): {item.text}", now())
        return item


def complete_action(store: Store, action_id: int) -> ActionItem:
    with store.session() as session:
        item = session.execute(
            select(ActionItem)
            .join(Incident)
            .where(ActionItem.id == action_id, Incident.repository == store.repository)
            .with_for_update()
        ).scalar_one_or_none()
        if item is None:
            raise UnknownIncidentError(f"action item {action_id}: no such action item")
        if item.status == "done":
            raise IncidentError(f"action item {action_id}: already done")
        item.status = "done"
        item.done_at = now()
        return item


def list_actions(
    store: Store,
    *,
    incident_id: int | None = None,
    open_only: bool = False,
    overdue_on: dt.date | None = None,
) -> list[ActionItem]:
    query = (
        select(ActionItem)
        .join(Incident)
        .where(Incident.repository == store.repository)
        .order_by(ActionItem.due.is_(None), ActionItem.due, ActionItem.id)
    )
    if incident_id is not None:
        query = query.where(ActionItem.incident_id == incident_id)
    if open_only or overdue_on:
        query = query.where(ActionItem.status == "open")
    if overdue_on:
        query = query.where(ActionItem.due < overdue_on)
    with store.session() as session:
        return list(session.execute(query).scalars())


def linked_commits(store: Store) -> set[str]:
    """Commits (as given: full or abbreviated ids) that the repository's incidents link to."""
    with store.session() as session:
        return set(
            session.execute(
                select(Link.target)
                .join(Incident, Incident.id == Link.incident_id)
                .where(Link.kind == "commit", Incident.repository == store.repository)
            ).scalars()
        )
