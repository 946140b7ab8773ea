"""The debrief of a candidate: submitted scores side by side, with disagreement highlighted."""

from __future__ import annotations

from dataclasses import dataclass

from techlead.hiring.profiles import Matrix
from techlead.hiring.scorecards import RECOMMENDATIONS, CandidateView

YES_SIDE = {"yes", "strong-yes"}


@dataclass(frozen=True)
class Rating:
    interviewer: str
    stage: str
    score: int
    evidence: str | None


@dataclass(frozen=True)
class CompetencyRow:
    competency: str
    title: str
    ratings: tuple[Rating, ...]
    mean: float | None
    spread: int | None  # highest minus lowest score
    disagreement: bool


@dataclass(frozen=True)
class Debrief:
    candidate: CandidateView
    competencies: tuple[CompetencyRow, ...]
    recommendations: dict[str, int]
    split: bool  # some said yes, some said no
    mean: float | None
    submitted: int
    hidden: int
    pending: tuple[str, ...]

    @property
    def disagreements(self) -> list[str]:
        return [row.competency for row in self.competencies if row.disagreement]


def debrief(candidate: CandidateView, matrix: Matrix, disagreement: int = 2) -> Debrief:
    """Per competency of the candidate's role (and any other scored), the submitted scores."""
    cards = [card for card in candidate.scorecards if card.submitted]
    by_competency: dict[str, list[Rating]] = {}
    for card in cards:
        for score in card.scores:
            by_competency.setdefault(score.competency, []).append(
                Rating(card.interviewer, card.stage, score.score, score.evidence)
            )
    role = matrix.roles.get(candidate.role)
    order = list(role.competencies) if role else []
    order += sorted(name for name in by_competency if name not in order)
    rows = []
    for name in order:
        ratings = by_competency.get(name, [])
        values = [r.score for r in ratings]
        spread = max(values) - min(values) if values else None
        known = matrix.competencies.get(name)
        rows.append(
            CompetencyRow(
                name,
                known.title if known else name,
                tuple(ratings),
                round(sum(values) / len(values), 2) if values else None,
                spread,
                spread is not None and spread >= disagreement,
            )
        )
    said = [card.recommendation for card in cards if card.recommendation]
    every = [r.score for row in rows for r in row.ratings]
    return Debrief(
        candidate,
        tuple(rows),
        {r: said.count(r) for r in RECOMMENDATIONS},
        bool(set(said) & YES_SIDE) and bool(set(said) - YES_SIDE),
        round(sum(every) / len(every), 2) if every else None,
        len(cards),
        candidate.hidden,
        candidate.pending,
    )
