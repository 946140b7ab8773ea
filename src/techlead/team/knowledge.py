"""The team's knowledge at a glance: the truck factor, per directory, ownership and who has
changed the files that exist today — what the team page, its JSON twin and the reports show."""

from __future__ import annotations

import polars as pl

from techlead.output import Record, records
from techlead.project import Project
from techlead.team.ownership import DirectoryOwnership, directory_ownership
from techlead.team.truck_factor import (
    TruckFactorRecord,
    overall_truck_factor,
    truck_factor_by_directory,
    truck_factor_record,
)


class Contributor(Record):
    """Someone who has changed files that exist today."""

    author: str
    revisions: int


class TeamKnowledge(Record):
    """Who knows what, for the whole repository."""

    truck_factor: TruckFactorRecord
    by_directory: list[TruckFactorRecord]
    ownership: list[DirectoryOwnership]
    people: list[Contributor]


def team_knowledge(ev: Project) -> TeamKnowledge:
    """The repository's truck factor, per top-level directory, ownership by directory and its
    people, most revisions first (computed once per HEAD)."""
    result: TeamKnowledge = ev.derived("team", lambda: _team_knowledge(ev))
    return result


def _team_knowledge(ev: Project) -> TeamKnowledge:
    directories = ev.derived("truck_by_directory", lambda: truck_factor_by_directory(ev.files()))
    ownership = ev.derived("directory_ownership", lambda: directory_ownership(ev.files()))
    people = ev.files().human_changes.group_by("author").agg(revisions=pl.col("commit").n_unique())
    return TeamKnowledge(
        truck_factor=truck_factor_record(overall_truck_factor(ev)),
        by_directory=[truck_factor_record(found) for found in directories],
        ownership=records(ownership, DirectoryOwnership),
        people=records(people.sort(["revisions", "author"], descending=[True, False]), Contributor),
    )
