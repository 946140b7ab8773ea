"""The per-repository analyses run on workers (small frames come back) and how the client
puts them together across the organisation."""

from __future__ import annotations

from typing import Any

import polars as pl

from techlead.debt.complexity import measure_files
from techlead.debt.hotspots import hotspots
from techlead.delivery.deployments import from_tags
from techlead.delivery.metrics import as_row, classify, keys, periods, ship
from techlead.history.files import current_files
from techlead.history.periods import since
from techlead.history.scan import ScanResult
from techlead.org.tasks import Options, Outcome
from techlead.team.truck_factor import authors_by_file, degree_of_authorship, greedy_truck_factor


def repository_hotspots(result: ScanResult, options: Options) -> dict[str, pl.DataFrame]:
    """The repository's top hotspots (its own window from its settings)."""
    files = current_files(result)
    measures = measure_files(files.history.repo, files.files, files.cache_dir)
    window = since(result.history.settings.debt.since)
    return {"hotspots": hotspots(files, measures, window, top=options.top)}


def repository_team(result: ScanResult, options: Options) -> dict[str, pl.DataFrame]:
    """The truck factor, and per person the files they are the only author of."""
    files = current_files(result)
    authors = authors_by_file(degree_of_authorship(files))
    paths = files.files.get_column("path").to_list()
    found = greedy_truck_factor(paths, authors)
    sole = pl.DataFrame(
        [(people[0],) for path, people in authors.items() if len(people) == 1],
        schema={"person": pl.String},
        orient="row",
    )
    return {
        "truck_factor": pl.DataFrame(
            {
                "truck_factor": [found.truck_factor],
                "files": [found.files],
                "orphaned_share": [found.orphaned_share],
                "top_authors": [", ".join(found.removed)],
            }
        ),
        "sole_authors": sole.group_by("person").agg(sole_files=pl.len()),
    }


def repository_delivery(result: ScanResult, options: Options) -> dict[str, pl.DataFrame]:
    """The DORA keys over all the repository's release tags (its own tag pattern)."""
    history = result.history
    rules = history.settings.delivery
    deployments = from_tags(history.tags, options.tags or rules.tag_pattern)
    if not deployments:
        return {"delivery": pl.DataFrame()}
    shipped = ship(history.repo, deployments, history.commits, set(), rules.hotfix_pattern)
    spans = periods(deployments[0].at.date(), deployments[-1].at.date(), "month")
    overall = keys(shipped, "all", spans[0][1], spans[-1][2])
    row: dict[str, Any] = as_row(overall)
    row.pop("period")
    row["lead_time_level"] = classify(overall)["change lead time"].split(" (")[0]
    return {"delivery": pl.DataFrame([row])}


ANALYSES = {
    "hotspots": repository_hotspots,
    "truck-factor": repository_team,
    "delivery": repository_delivery,
}


def _with_repository(outcomes: list[Outcome], table: str) -> pl.DataFrame:
    frames = [
        o.tables[table]
        .with_columns(repository=pl.lit(o.name))
        .select("repository", *o.tables[table].columns)
        for o in outcomes
        if o.ok and table in o.tables and o.tables[table].height
    ]
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()


def organisation_hotspots(outcomes: list[Outcome], top: int) -> pl.DataFrame:
    """Every repository's hotspots ranked together (scores are relative within a repository,
    so the top of each repository competes on equal terms)."""
    found = _with_repository(outcomes, "hotspots")
    if found.is_empty():
        return found
    ranked = found.sort(
        ["score", "revisions", "repository", "path"], descending=[True, True, False, False]
    )
    columns = ("repository", "path", "score", "revisions", "complexity", "authors")
    return ranked.select(columns).head(top)


def organisation_truck_factors(outcomes: list[Outcome]) -> pl.DataFrame:
    found = _with_repository(outcomes, "truck_factor")
    return found.sort(["truck_factor", "repository"]) if not found.is_empty() else found


def sole_authors(outcomes: list[Outcome], top: int) -> pl.DataFrame:
    """People who are the only author of files, summed across repositories."""
    found = _with_repository(outcomes, "sole_authors")
    if found.is_empty():
        return found
    return (
        found.group_by("person")
        .agg(
            sole_files=pl.col("sole_files").sum(),
            repositories=pl.col("repository").n_unique(),
            where=pl.col("repository").sort().str.join(", "),
        )
        .sort(["sole_files", "person"], descending=[True, False])
        .head(top)
    )


def organisation_delivery(outcomes: list[Outcome]) -> pl.DataFrame:
    found = _with_repository(outcomes, "delivery")
    if found.is_empty():
        return found
    return found.sort("repository").select(
        "repository",
        "deployments",
        "per_week",
        "lead_time_median_h",
        "change_failure_rate",
        "recovery_median_h",
        "lead_time_level",
    )
