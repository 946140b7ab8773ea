"""Releases, their checks and sign-offs in the record store (per repository)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from techlead.errors import TechleadError
from techlead.release.gates import Gate
from techlead.store.database import Store
from techlead.store.models import Release, ReleaseCheck, ReleaseSignoff

ROLE_NAME = r"^[a-z][a-z0-9_-]{0,49}$"


class ReleaseError(TechleadError):
    """A release name, role or sign-off that cannot be recorded."""


def _release(session: Session, store: Store, name: str, create: bool) -> Release | None:
    found = session.execute(
        select(Release)
        .where(Release.repository == store.repository, Release.name == name)
        .options(selectinload(Release.checks), selectinload(Release.signoffs))
    ).scalar_one_or_none()
    if found is None and create:
        found = Release(repository=store.repository, name=name, created_at=dt.datetime.now(dt.UTC))
        session.add(found)
        session.flush()
    return found


def check_name(name: str) -> str:
    if not name.strip() or len(name) > 200 or any(c in name for c in "\x00\n\r"):
        raise ReleaseError(f"release name {name!r}: give 1-200 characters on one line")
    return name.strip()


def signoff(store: Store, release: str, role: str, person: str, note: str | None) -> None:
    import re

    role = role.strip().lower()
    if not re.fullmatch(ROLE_NAME, role):
        raise ReleaseError(f"--role {role!r}: a lowercase word such as security, qa or product")
    if not person.strip():
        raise ReleaseError("--by: who signs off?")
    with store.session() as session:
        found = _release(session, store, check_name(release), create=True)
        assert found is not None
        found.signoffs.append(
            ReleaseSignoff(role=role, person=person.strip(), at=dt.datetime.now(dt.UTC), note=note)
        )


def signoffs(store: Store, release: str) -> dict[str, str]:
    """The latest sign-off per role: role -> person."""
    with store.session() as session:
        found = _release(session, store, release, create=False)
        return {s.role: s.person for s in found.signoffs} if found else {}


def record_check(store: Store, release: str, commit: str | None, gates: list[Gate]) -> bool:
    """Store one check of `release`; whether it is a go."""
    go = not any(g.failed for g in gates)
    with store.session() as session:
        found = _release(session, store, check_name(release), create=True)
        assert found is not None
        found.checks.append(
            ReleaseCheck(
                checked_at=dt.datetime.now(dt.UTC),
                commit=commit,
                go=go,
                gates=[dataclasses.asdict(g) for g in gates],
            )
        )
    return go


def previous_benchmarks(
    store: Store, release: str, preferred: str | None = None
) -> tuple[str | None, dict[str, float] | None]:
    """The benchmark results kept by the latest check of `preferred` (the release compared
    with) when it was checked, else of the latest other release checked."""
    rows = [(name, check.gates) for name, check in _checks(store) if name != release]
    ordered = [r for r in rows if r[0] == preferred] + [r for r in rows if r[0] != preferred]
    for name, gates in ordered:
        for gate in gates:
            values = gate.get("values")
            if gate.get("name") == "performance" and isinstance(values, dict) and values:
                return name, {str(k): float(v) for k, v in values.items()}
    return None, None


@dataclass(frozen=True)
class PastCheck:
    release: str
    checked_at: dt.datetime
    commit: str | None
    go: bool
    blocked_by: list[str]


def _checks(store: Store, limit: int | None = None) -> list[tuple[str, ReleaseCheck]]:
    """(release name, check) of the repository's checks, newest first."""
    query = (
        select(Release.name, ReleaseCheck)
        .join(ReleaseCheck, ReleaseCheck.release_id == Release.id)
        .where(Release.repository == store.repository)
        .order_by(ReleaseCheck.checked_at.desc(), ReleaseCheck.id.desc())
        .limit(limit)
    )
    with store.session() as session:
        return [(name, check) for name, check in session.execute(query).all()]


def history(store: Store) -> list[PastCheck]:
    """Every check of every release, newest first."""
    return [
        PastCheck(
            name,
            check.checked_at,
            check.commit,
            check.go,
            [str(g["name"]) for g in check.gates if g.get("status") == "failed"],
        )
        for name, check in _checks(store)
    ]


def latest_check(store: Store) -> dict[str, object] | None:
    """The newest check of any release: its release, time, commit, verdict and gates."""
    found = _checks(store, limit=1)
    if not found:
        return None
    ((name, check),) = found
    return {
        "release": name,
        "checked_at": check.checked_at,
        "commit": check.commit,
        "go": check.go,
        "gates": check.gates,
    }
