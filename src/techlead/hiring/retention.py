"""Retention of candidates' personal data: `techlead hire purge`.

A candidate whose last activity (added, interviewed, decided, rated) is older than the
retention period is anonymised: name, email, notes, the interviewers' evidence notes and
free-text comments are erased, while the scores, recommendations, stages, role and outcome
stay, so calibration keeps its numbers. `delete` removes the candidate and every scorecard.
On SQLite deleted content is overwritten (secure_delete) and the write-ahead log emptied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from techlead.store.database import Store
from techlead.store.models import Candidate


@dataclass(frozen=True)
class Purged:
    candidates: tuple[int, ...]
    deleted: bool
    dry_run: bool
    cutoff: dt.datetime


def last_activity(candidate: Candidate) -> dt.datetime:
    times = [candidate.created_at, candidate.decided_at, candidate.outcome_at]
    for card in candidate.scorecards:
        times += [card.assigned_at, card.submitted_at]
    return max(t for t in times if t is not None)


def _due(session: Session, store: Store, cutoff: dt.datetime, deleting: bool) -> list[Candidate]:
    query = select(Candidate).where(Candidate.repository == store.repository)
    if not deleting:
        query = query.where(Candidate.anonymised_at.is_(None))
    found = session.execute(query.order_by(Candidate.id)).scalars()
    return [c for c in found if last_activity(c) < cutoff]


def anonymise(candidate: Candidate, now: dt.datetime) -> None:
    candidate.name = None
    candidate.email = None
    candidate.notes = None
    candidate.anonymised_at = now
    for card in candidate.scorecards:
        card.notes = None
        for score in card.scores:
            score.evidence = None


def purge(
    store: Store, retention: dt.timedelta, delete: bool = False, dry_run: bool = False
) -> Purged:
    """Anonymise (or delete) the candidates inactive for longer than `retention`."""
    now = dt.datetime.now(dt.UTC)
    cutoff = now - retention
    with store.session() as session:
        due = _due(session, store, cutoff, delete)
        numbers = tuple(c.id for c in due)
        if not dry_run:
            for candidate in due:
                if delete:
                    session.delete(candidate)
                else:
                    anonymise(candidate, now)
    if numbers and not dry_run:
        store.checkpoint()
    return Purged(numbers, delete, dry_run, cutoff)
