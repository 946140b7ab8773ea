"""Similar-incident search: full text over titles, timelines, action items and post-mortems.

SQLite uses its FTS5 index (BM25 ranking, Porter stemming, titles weighted double);
PostgreSQL its English text search (`ts_rank_cd` over a GIN-indexed `tsvector`). Words are
combined with OR, so the incidents sharing the most (and rarest) words come first. Each hit
carries its rank and a score that is its relevance: the engine's score as a share of the best
hit's (1.0 for the best).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text

from techlead.incidents.service import IncidentError, read_postmortem, refresh_search_text
from techlead.store.database import Store
from techlead.store.models import Incident

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    incident: Incident
    rank: int  # 1 for the best match
    score: float  # relevance: the engine's score over the best hit's, 1.0 for the best, above 0
    engine_score: float  # the engine's own score (BM25 or ts_rank_cd), higher is better


def _sync_postmortems(store: Store, root: Path) -> None:
    """Post-mortems are edited as files; search sees their current text."""
    with store.session() as session:
        for incident in session.execute(
            select(Incident).where(
                Incident.repository == store.repository, Incident.postmortem_path.is_not(None)
            )
        ).scalars():
            try:
                content = read_postmortem(incident, root, lenient=True) or ""
            except IncidentError:  # refused (outside the repository, not a file): not searched
                content = ""
            content = content.replace("\x00", "")
            before = incident.search_text
            refresh_search_text(session, incident, content)
            if incident.search_text == before:
                session.expire(incident)


def search(store: Store, root: Path, query: str, limit: int = 10) -> list[Hit]:
    words = _WORD.findall(query.lower())
    if not words:
        raise IncidentError(f"search {query!r}: no words to search for")
    _sync_postmortems(store, root)
    with store.session() as session:
        if store.dialect == "sqlite":
            match = " OR ".join(f'"{word}"' for word in words)
            rows = session.execute(
                text(
                    "SELECT incident_search.rowid, bm25(incident_search, 2.0, 1.0) AS score "
                    "FROM incident_search JOIN incidents ON incidents.id = incident_search.rowid "
                    "WHERE incident_search MATCH :match AND incidents.repository = :repository "
                    "ORDER BY score LIMIT :limit"
                ),
                {"match": match, "limit": limit, "repository": store.repository},
            ).all()
            ranked = [(row[0], -float(row[1])) for row in rows]
        else:
            rows = session.execute(
                text(
                    "SELECT id, ts_rank_cd(to_tsvector('english', title || ' ' || search_text), "
                    "to_tsquery('english', :query)) AS score FROM incidents "
                    "WHERE to_tsvector('english', title || ' ' || search_text) "
                    "@@ to_tsquery('english', :query) AND repository = :repository "
                    "ORDER BY score DESC, id DESC LIMIT :limit"
                ),
                {"query": " | ".join(words), "limit": limit, "repository": store.repository},
            ).all()
            ranked = [(row[0], float(row[1])) for row in rows]
        found = {
            incident.id: incident
            for incident in session.execute(
                select(Incident).where(Incident.id.in_([identifier for identifier, _ in ranked]))
            ).scalars()
        }
        return _hits([(found[identifier], score) for identifier, score in ranked])


def _hits(ranked: list[tuple[Incident, float]]) -> list[Hit]:
    """Ranks and relevance relative to the best match. On a small corpus BM25 scores are tiny
    (FTS5 floors the weight of a word found in most documents at 1e-6), so the raw score of a
    real match rounds to 0; its share of the best score does not."""
    best = max((score for _, score in ranked), default=0.0)
    return [
        Hit(incident, rank, score / best if best > 0 else 1.0, score)
        for rank, (incident, score) in enumerate(ranked, start=1)
    ]
