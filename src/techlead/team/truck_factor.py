"""Truck factor by degree of authorship (Avelino et al., ICPC 2016).

For each developer d and file f: DOA = 3.293 + 1.098 FA + 0.164 DL - 0.321 ln(1 + AC), where FA
is 1 when d created f, DL the changes d made to f, AC the changes others made. d authors f when
DOA / (highest DOA on f) > 0.75 and DOA >= 3.293. The developer who authors most files is removed,
repeatedly, until fewer than half the files have an author left; the truck factor is how many
were removed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import polars as pl
from pydantic import Field

from techlead.debt.age import directory_of
from techlead.history.files import CurrentFiles
from techlead.output import Record
from techlead.project import Project

DOA_BASE = 3.293
NORMALISED_THRESHOLD = 0.75
COVERAGE_LIMIT = 0.5


@dataclass(frozen=True)
class TruckFactor:
    """How many developers would have to leave before most files have no author."""

    truck_factor: int
    removed: list[str]
    files: int
    orphaned_share: float
    scope: str = "."
    authors: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)


class TruckFactorRecord(Record):
    """A truck factor, of the repository or of one directory."""

    truck_factor: int = Field(description="How many people would have to leave.")
    removed: list[str] = Field(description="Who they are, the top author first.")
    files: int = Field(description="Files at HEAD in the scope.")
    orphaned_share: float = Field(description="The share of those files left without an author.")
    scope: str = Field(description='The directory ("." for the repository).')


def truck_factor_record(found: TruckFactor) -> TruckFactorRecord:
    """The truck factor as its record (without who authors each file)."""
    return TruckFactorRecord(
        truck_factor=found.truck_factor,
        removed=found.removed,
        files=found.files,
        orphaned_share=found.orphaned_share,
        scope=found.scope,
    )


def degree_of_authorship(files: CurrentFiles) -> pl.DataFrame:
    """Per (file, author): FA, DL, AC, DOA, normalised DOA and whether the developer authors it."""
    changes = files.human_changes.select("file", "author", "commit", "change_type", "author_time")
    creators = (
        changes.sort(["file", "author_time"])
        .group_by("file", maintain_order=True)
        .agg(first_kind=pl.col("change_type").first(), creator=pl.col("author").first())
        .filter(pl.col("first_kind") == "A")
        .select("file", "creator")
    )
    counts = changes.group_by("file", "author").agg(dl=pl.col("commit").n_unique())
    totals = counts.group_by("file").agg(total=pl.col("dl").sum())
    return (
        counts.join(totals, on="file")
        .join(creators, on="file", how="left")
        .with_columns(
            fa=(pl.col("creator") == pl.col("author")).fill_null(False).cast(pl.Int64),
            ac=pl.col("total") - pl.col("dl"),
        )
        .with_columns(
            doa=DOA_BASE
            + 1.098 * pl.col("fa")
            + 0.164 * pl.col("dl")
            - 0.321 * pl.col("ac").log1p()
        )
        .with_columns(normalised=pl.col("doa") / pl.col("doa").max().over("file"))
        .with_columns(
            is_author=(pl.col("normalised") > NORMALISED_THRESHOLD) & (pl.col("doa") >= DOA_BASE)
        )
        .select("file", "author", "fa", "dl", "ac", "doa", "normalised", "is_author")
        .sort("file", "author")
    )


def authors_by_file(doa: pl.DataFrame) -> dict[str, list[str]]:
    authored = doa.filter(pl.col("is_author")).group_by("file").agg(pl.col("author").sort())
    return dict(authored.iter_rows())


def greedy_truck_factor(
    all_files: list[str], authors: dict[str, list[str]], scope: str = "."
) -> TruckFactor:
    """Remove top authors until fewer than half of `all_files` have an author left."""
    total = len(all_files)
    remaining = {file: set(authors.get(file, ())) for file in all_files}
    removed: list[str] = []

    def covered() -> int:
        return sum(1 for people in remaining.values() if people)

    while total and covered() / total >= COVERAGE_LIMIT:
        counts = Counter(person for people in remaining.values() for person in people)
        top = min(counts, key=lambda person: (-counts[person], person))
        removed.append(top)
        for people in remaining.values():
            people.discard(top)
    orphaned = round(1 - covered() / total, 4) if total else 0.0
    return TruckFactor(len(removed), removed, total, orphaned, scope, authors)


def truck_factor(files: CurrentFiles) -> TruckFactor:
    """The repository's truck factor over its files at HEAD (bots and exclusions left out)."""
    authors = authors_by_file(degree_of_authorship(files))
    return greedy_truck_factor(files.files.get_column("path").to_list(), authors)


def overall_truck_factor(ev: Project) -> TruckFactor:
    """The repository's truck factor over its evidence (computed once per HEAD)."""
    return ev.derived("truck_factor", lambda: truck_factor(ev.files()))


def truck_factor_by_directory(files: CurrentFiles, depth: int = 1) -> list[TruckFactor]:
    """One truck factor per directory (its first `depth` levels)."""
    authors = authors_by_file(degree_of_authorship(files))
    grouped = (
        files.files.select("path", directory=directory_of("path", depth))
        .group_by("directory")
        .agg(pl.col("path"))
        .sort("directory")
    )
    return [
        greedy_truck_factor(paths, authors, directory) for directory, paths in grouped.iter_rows()
    ]
