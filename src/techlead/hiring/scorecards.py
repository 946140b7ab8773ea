"""Candidates, interview panels and scorecards in the record store, and who sees what.

Scorecards are independent until submitted: an interviewer sees the others' scorecards for a
candidate only once none of their own for that candidate is still open. Hiring managers see
every submitted scorecard; nobody sees another interviewer's draft.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from techlead.errors import NotFoundError
from techlead.hiring.profiles import HiringError, Role
from techlead.store.database import Store
from techlead.store.models import Candidate, CompetencyScore, Scorecard

STATUSES = ("active", "hired", "rejected", "withdrawn")
RECOMMENDATIONS = ("strong-no", "no", "yes", "strong-yes")
SCORES = (1, 2, 3, 4)
MAX_TEXT = 20_000


class UnknownCandidateError(HiringError, NotFoundError):
    """No such candidate (or not one the viewer may see)."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: an interviewer by name, or a hiring manager (the lead, locally)."""

    name: str | None
    manager: bool


LEAD = Viewer(None, True)


@dataclass(frozen=True)
class Score:
    competency: str
    score: int
    evidence: str | None = None


@dataclass(frozen=True)
class ScorecardView:
    interviewer: str
    stage: str
    submitted_at: dt.datetime | None
    recommendation: str | None = None
    notes: str | None = None
    scores: tuple[Score, ...] = ()

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


@dataclass(frozen=True)
class CandidateView:
    id: int
    name: str
    role: str
    status: str
    created_at: dt.datetime
    email: str | None = None
    notes: str | None = None
    decided_at: dt.datetime | None = None
    outcome: float | None = None
    anonymised: bool = False
    scorecards: tuple[ScorecardView, ...] = ()
    hidden: int = 0  # others' submitted scorecards the viewer may not see yet
    pending: tuple[str, ...] = field(default=())  # "interviewer (stage)" still open


def display_name(candidate: Candidate) -> str:
    return candidate.name if candidate.name is not None else f"anonymised #{candidate.id}"


def _card(card: Scorecard, with_scores: bool) -> ScorecardView:
    if not with_scores:
        return ScorecardView(card.interviewer, card.stage, card.submitted_at)
    scores = tuple(Score(s.competency, s.score, s.evidence) for s in card.scores)
    return ScorecardView(
        card.interviewer, card.stage, card.submitted_at, card.recommendation, card.notes, scores
    )


def on_panel(candidate: Candidate, viewer: Viewer) -> bool:
    return any(card.interviewer == viewer.name for card in candidate.scorecards)


def may_see(candidate: Candidate, viewer: Viewer) -> bool:
    return viewer.manager or on_panel(candidate, viewer)


def visible_cards(candidate: Candidate, viewer: Viewer) -> tuple[list[ScorecardView], int]:
    """The scorecards `viewer` may read in full, and how many submitted ones stay hidden."""
    own = [c for c in candidate.scorecards if c.interviewer == viewer.name]
    unlocked = viewer.manager or (bool(own) and all(c.submitted_at for c in own))
    shown: list[ScorecardView] = []
    hidden = 0
    for card in candidate.scorecards:
        if card.interviewer == viewer.name:
            shown.append(_card(card, True))
        elif card.submitted_at is None:
            continue  # someone else's draft: only its existence, in `pending`
        elif unlocked:
            shown.append(_card(card, True))
        else:
            hidden += 1
    return shown, hidden


def view(candidate: Candidate, viewer: Viewer) -> CandidateView:
    cards, hidden = visible_cards(candidate, viewer)
    pending = tuple(
        f"{c.interviewer} ({c.stage})" for c in candidate.scorecards if c.submitted_at is None
    )
    return CandidateView(
        candidate.id,
        display_name(candidate),
        candidate.role,
        candidate.status,
        candidate.created_at,
        candidate.email if viewer.manager else None,  # the hiring manager's, not the panel's
        candidate.notes if viewer.manager else None,
        candidate.decided_at,
        candidate.outcome,
        candidate.anonymised_at is not None,
        tuple(cards),
        hidden,
        pending,
    )


def _text(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_TEXT:
        raise HiringError(f"{what}: longer than {MAX_TEXT:,} characters")
    return value.strip()


def _name(value: str, what: str, longest: int) -> str:
    value = " ".join(value.split())
    if not value or len(value) > longest:
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise HiringError(f"{what} {shown!r}: one line of 1 to {longest} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise HiringError(f"{what} {value!r}: control or text-direction characters")
    return value


def _email(value: str | None) -> str | None:
    if not value:
        return None
    email = _name(value, "email", 200)
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email:
        raise HiringError(f"email {email!r}: not an address like name@example.com")
    return email


def add_candidate(
    store: Store, name: str, role: Role, email: str | None = None, notes: str | None = None
) -> CandidateView:
    candidate = Candidate(
        repository=store.repository,
        name=_name(name, "candidate name", 200),
        email=_email(email),
        notes=_text(notes, "notes"),
        role=role.name,
        status="active",
        created_at=dt.datetime.now(dt.UTC),
        scorecards=[],
    )
    with store.session() as session:
        session.add(candidate)
        session.flush()
        return view(candidate, LEAD)


def _find(session: Session, store: Store, reference: str) -> Candidate:
    """A candidate by number (`12` or `#12`) or by exact name, in this repository."""
    query = select(Candidate).where(Candidate.repository == store.repository)
    number = reference.strip().lstrip("#")
    if number.isdigit() and len(number) < 10:
        found = session.execute(query.where(Candidate.id == int(number))).scalar_one_or_none()
        if found is not None:
            return found
    named = list(session.execute(query.where(Candidate.name == reference.strip())).scalars())
    if len(named) > 1:
        numbers = ", ".join(f"#{c.id}" for c in named)
        raise HiringError(f"candidate {reference!r}: several have that name ({numbers}): use one")
    if not named:
        raise UnknownCandidateError(f"candidate {reference!r}: no such candidate")
    return named[0]


def _spelling(session: Session, store: Store, name: str) -> str:
    """An interviewer's name as the repository's scorecards already spell it ("bob smith" is
    "Bob Smith" if that is how they were first entered), else as given."""
    known = session.execute(
        select(Scorecard.interviewer)
        .join(Candidate, Candidate.id == Scorecard.candidate_id)
        .where(
            Candidate.repository == store.repository,
            func.lower(Scorecard.interviewer) == name.lower(),
        )
        .order_by(Scorecard.id)
        .limit(1)
    ).scalar_one_or_none()
    return known if known is not None else name


def _open(found: Candidate) -> Candidate:
    """A candidate whose records may still change (not anonymised by the retention purge)."""
    if found.anonymised_at is not None:
        raise HiringError(
            f"#{found.id} was anonymised on {found.anonymised_at:%Y-%m-%d}: its interview "
            "records are closed"
        )
    return found


def candidate(store: Store, reference: str, viewer: Viewer = LEAD) -> CandidateView:
    """One candidate as `viewer` may see them (not on the panel: no such candidate)."""
    with store.reading() as connection, Session(bind=connection) as session:
        found = _find(session, store, reference)
        if not may_see(found, viewer):
            raise UnknownCandidateError(f"candidate {reference!r}: no such candidate")
        return view(found, viewer)


def list_candidates(
    store: Store, viewer: Viewer = LEAD, status: str | None = None
) -> list[CandidateView]:
    query = select(Candidate).where(Candidate.repository == store.repository)
    if status is not None:
        query = query.where(Candidate.status == check_status(status))
    with store.reading() as connection, Session(bind=connection) as session:
        found = session.execute(query.order_by(Candidate.id.desc())).scalars()
        return [view(c, viewer) for c in found if may_see(c, viewer)]


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise HiringError(f"status {status!r}: use one of {', '.join(STATUSES)}")
    return status


def assign(
    store: Store, reference: str, role_of: RoleLookup, stage: str, interviewers: list[str]
) -> CandidateView:
    """Put interviewers on a candidate's panel for a stage (their scorecards, still open)."""
    if not interviewers:
        raise HiringError("name at least one interviewer")
    with store.session() as session:
        found = _open(_find(session, store, reference))
        role_of(found.role).stage(stage)
        held = {(c.interviewer, c.stage) for c in found.scorecards}
        now = dt.datetime.now(dt.UTC)
        given = (_spelling(session, store, _name(i, "interviewer", 100)) for i in interviewers)
        for name in dict.fromkeys(given):
            if (name, stage) not in held:
                found.scorecards.append(
                    Scorecard(interviewer=name, stage=stage, assigned_at=now, scores=[])
                )
        session.flush()
        return view(found, LEAD)


class RoleLookup:
    """The role profile a candidate applied for (raising a clear error for a removed one)."""

    def __init__(self, roles: dict[str, Role]) -> None:
        self.roles = roles

    def __call__(self, name: str) -> Role:
        if name not in self.roles:
            raise HiringError(f"role {name!r}: the candidate's role profile no longer exists")
        return self.roles[name]


@dataclass(frozen=True)
class Submission:
    """What an interviewer enters: scores with evidence, a recommendation, notes."""

    scores: tuple[Score, ...]
    recommendation: str | None = None
    notes: str | None = None
    submit: bool = True
    replace: bool = False  # the scores given are all of them (a form showing the whole draft)


def _check_submission(given: Submission, role: Role, stage: str) -> None:
    allowed = role.stage(stage).competencies
    for score in given.scores:
        if score.competency not in allowed:
            raise HiringError(
                f"competency {score.competency!r}: not assessed for {role.name} "
                f"({', '.join(allowed)} in the {stage} stage)"
            )
        if score.score not in SCORES:
            raise HiringError(f"{score.competency}: score {score.score} is not one of 1, 2, 3, 4")
    if given.recommendation is not None and given.recommendation not in RECOMMENDATIONS:
        raise HiringError(
            f"recommendation {given.recommendation!r}: use one of {', '.join(RECOMMENDATIONS)}"
        )
    names = [score.competency for score in given.scores]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise HiringError(f"{twice[0]} is scored twice: give one score per competency")


def record_scorecard(
    store: Store,
    reference: str,
    role_of: RoleLookup,
    interviewer: str,
    stage: str,
    given: Submission,
) -> tuple[CandidateView, bool]:
    """Save (and by default submit) `interviewer`'s scorecard; a submitted one is final. Also
    says whether the interviewer was added to the panel for it (they were not on it)."""
    with store.session() as session:
        interviewer = _spelling(session, store, _name(interviewer, "interviewer", 100))
        found = _open(_find(session, store, reference))
        _check_submission(given, role_of(found.role), stage)
        card = next(
            (c for c in found.scorecards if c.interviewer == interviewer and c.stage == stage),
            None,
        )
        now = dt.datetime.now(dt.UTC)
        added = card is None
        if card is None:
            card = Scorecard(interviewer=interviewer, stage=stage, assigned_at=now, scores=[])
            found.scorecards.append(card)
        elif card.submitted_at is not None:
            raise HiringError(
                f"{interviewer}'s {stage} scorecard for #{found.id} was submitted on "
                f"{card.submitted_at:%Y-%m-%d}: a submitted scorecard is final"
            )
        if given.replace:
            card.scores.clear()  # orphans: deleted before the new scores go in
            session.flush()
        kept = {s.competency: s for s in card.scores}
        for score in given.scores:
            entry = kept.get(score.competency)
            if entry is None:
                entry = CompetencyScore(competency=score.competency, score=score.score)
                card.scores.append(entry)
                kept[score.competency] = entry
            entry.score = score.score
            entry.evidence = _text(score.evidence, f"evidence for {score.competency}")
        card.recommendation = given.recommendation or card.recommendation
        card.notes = _text(given.notes, "notes") or (None if given.replace else card.notes)
        if given.submit:
            if card.recommendation is None or not card.scores:
                raise HiringError(
                    "a submitted scorecard needs at least one score and a recommendation "
                    "(or save it as a draft)"
                )
            card.submitted_at = now
        session.flush()
        return view(found, Viewer(interviewer, False)), added


def decide(store: Store, reference: str, status: str) -> CandidateView:
    """Hired, rejected or withdrawn (or back to active)."""
    with store.session() as session:
        found = _open(_find(session, store, reference))
        found.status = check_status(status)
        found.decided_at = None if status == "active" else dt.datetime.now(dt.UTC)
        if status != "hired":  # an outcome rates a hire; a reversed decision drops it
            found.outcome = found.outcome_at = None
        return view(found, LEAD)


def rate_outcome(store: Store, reference: str, rating: float) -> CandidateView:
    """A hire's later performance rating (1-4), to see which interviews predicted it."""
    if not 1 <= rating <= 4:
        raise HiringError(f"outcome {rating:g}: rate on the same scale, 1 to 4")
    with store.session() as session:
        found = _find(session, store, reference)
        if found.status != "hired":
            raise HiringError(f"#{found.id} was not hired ({found.status}): nothing to rate")
        found.outcome = rating
        found.outcome_at = dt.datetime.now(dt.UTC)
        return view(found, LEAD)


SCORE_SCHEMA = {
    "candidate": pl.Int64,
    "role": pl.String,
    "status": pl.String,
    "outcome": pl.Float64,
    "interviewer": pl.String,
    "stage": pl.String,
    "recommendation": pl.String,
    "competency": pl.String,
    "score": pl.Int64,
}


def submitted_scores(store: Store) -> pl.DataFrame:
    """Every submitted score of the repository's candidates, one row per competency score."""
    query = (
        select(
            Candidate.id,
            Candidate.role,
            Candidate.status,
            case((Candidate.status == "hired", Candidate.outcome), else_=None),
            Scorecard.interviewer,
            Scorecard.stage,
            Scorecard.recommendation,
            CompetencyScore.competency,
            CompetencyScore.score,
        )
        .join(Scorecard, Scorecard.candidate_id == Candidate.id)
        .join(CompetencyScore, CompetencyScore.scorecard_id == Scorecard.id)
        .where(Candidate.repository == store.repository, Scorecard.submitted_at.is_not(None))
        .order_by(Candidate.id, Scorecard.id, CompetencyScore.competency)
    )
    with store.reading() as connection:
        found = [tuple(row) for row in connection.execute(query)]
    return pl.DataFrame(found, schema=SCORE_SCHEMA, orient="row")
