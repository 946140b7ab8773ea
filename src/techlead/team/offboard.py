"""What leaving people would orphan: files (and hotspots) with no author left."""

from __future__ import annotations

import difflib

import polars as pl
from pydantic import Field

from techlead.debt.hotspots import ranked_hotspots
from techlead.errors import NotFoundError
from techlead.history.files import CurrentFiles
from techlead.output import Record, records
from techlead.project import Project
from techlead.team.truck_factor import authors_by_file, degree_of_authorship


class OrphanedFile(Record):
    """A file whose every author is leaving."""

    path: str
    authors: str = Field(description="Its authors, joined by commas.")
    hotspot_rank: int | None = Field(description="Its place in the hotspots (1 the worst).")
    score: float | None = Field(description="Its hotspot score.")


class Offboarding(Record):
    """What leaving people would orphan."""

    leaving: list[str] = Field(description="The people leaving, as the history spells them.")
    orphaned: list[OrphanedFile]


class UnknownDeveloperError(NotFoundError):
    """A name given is nobody in the history."""


def resolve_people(files: CurrentFiles, names: list[str]) -> list[str]:
    """Developer names as the history spells them (matched case-insensitively, or by e-mail)."""
    commits = files.history.commits.filter(~pl.col("is_bot"))
    by_key: dict[str, str] = {}
    for name, email in commits.select("author_name", "author_email").unique().iter_rows():
        by_key.setdefault(name.lower(), name)
        by_key.setdefault(email.lower(), name)
    people = []
    for name in names:
        found = by_key.get(name.strip().lower())
        if found is None:
            close = difflib.get_close_matches(name.lower(), list(by_key), n=3)
            hint = f"did you mean: {', '.join(by_key[c] for c in close)}?" if close else None
            raise UnknownDeveloperError(f"{name!r}: no developer of that name or e-mail", hint)
        people.append(found)
    return people


def orphaned_files(files: CurrentFiles, leaving: list[str], hotspots: pl.DataFrame) -> pl.DataFrame:
    """Files whose every author is leaving, with their current authors and hotspot rank."""
    authors = authors_by_file(degree_of_authorship(files))
    leavers = set(leaving)
    rows = [
        (path, ", ".join(people))
        for path, people in sorted(authors.items())
        if people and set(people) <= leavers
    ]
    frame = pl.DataFrame(rows, schema={"path": pl.String, "authors": pl.String}, orient="row")
    ranks = hotspots.with_row_index("hotspot_rank", offset=1).select(
        "path", pl.col("hotspot_rank").cast(pl.Int64), "score"
    )
    return frame.join(ranks, on="path", how="left").sort(["hotspot_rank", "path"], nulls_last=True)


def offboarding(ev: Project, names: list[str]) -> Offboarding:
    """Files (and hotspots) of the repository's evidence left without an author if these
    people left."""
    leaving = resolve_people(ev.files(), names)
    orphans = orphaned_files(ev.files(), leaving, ranked_hotspots(ev))
    return Offboarding(leaving=leaving, orphaned=records(orphans, OrphanedFile))
