"""The per-repository analyses run on workers (small frames come back) and how the client
puts them together across the organisation."""

from __future__ import annotations

from typing import Any

import polars as pl

from techlead.debt.complexity import measure_files
from techlead.debt.hotspots import hotspot_window, hotspots
from techlead.delivery.deployments import DeploymentError, find_deployments
from techlead.delivery.metrics import as_row, ship
from techlead.delivery.report import delivery_keys
from techlead.history.files import current_files
from techlead.history.scan import ScanResult
from techlead.org.tasks import Options, Outcome
from techlead.team.truck_factor import truck_factor


def repository_hotspots(result: ScanResult, options: Options) -> dict[str, pl.DataFrame]:
    """The repository's top hotspots (its own window from its settings)."""
    files = current_files(result)
    measures = measure_files(files.history.repo, files.files, files.cache_dir)
    window = hotspot_window(None, result.history.settings.debt)
    return {"hotspots": hotspots(files, measures, window, top=options.top)}


def repository_team(result: ScanResult, options: Options) -> dict[str, pl.DataFrame]:
    """The truck factor, and per person the files they are the only author of."""
    found = truck_factor(current_files(result))
    if not found.files:  # nothing at HEAD: no truck factor to speak of
        empty = {"truck_factor": [None], "files": [0], "orphaned_share": [None]}
        return {
            "truck_factor": pl.DataFrame(empty, schema_overrides={"truck_factor": pl.Int64}),
            "sole_authors": pl.DataFrame(),
        }
    sole = pl.DataFrame(
        [(people[0],) for people in found.authors.values() if len(people) == 1],
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
    """The DORA keys over all the repository's release tags (`--tags`, else its own
    `[release] tag_pattern`, else detected), rated only from `[delivery] min_deployments`."""
    history = result.history
    rules = history.settings.delivery
    try:
        found = find_deployments(history, None, None, options.tags)
    except DeploymentError as exc:
        return {"delivery": pl.DataFrame({"deployments": [0], "note": [exc.message]})}
    shipped = ship(
        history.repo, found.deployments, set(), rules.hotfix_pattern, rules.revert_window_days
    )
    report = delivery_keys(found, shipped, "month", rules.min_deployments)
    row: dict[str, Any] = as_row(report.overall)
    row.pop("period")
    level = report.levels.get("change lead time")
    row["lead_time_level"] = level.split(" (")[0] if level else None
    row["note"] = found.source + (f"; {report.not_rated}" if report.not_rated else "")
    return {"delivery": pl.DataFrame([row])}


def _with_repository(outcomes: list[Outcome], table: str) -> pl.DataFrame:
    """One table of every repository that has it, with the repository's name first and, when
    any repository needs one, a caution (a shallow clone, no commits) last."""
    frames = [
        o.tables[table]
        .with_columns(repository=pl.lit(o.name), caution=pl.lit(o.note, dtype=pl.String))
        .select("repository", *o.tables[table].columns, "caution")
        for o in outcomes
        if o.ok and table in o.tables and o.tables[table].height
    ]
    if not frames:
        return pl.DataFrame()
    found = pl.concat(frames, how="diagonal_relaxed")
    columns = ["repository", *(c for c in frames[0].columns if c not in ("repository", "caution"))]
    columns += [c for c in found.columns if c not in columns and c != "caution"]
    if found.get_column("caution").null_count() < found.height:
        columns.append("caution")
    return found.select(columns)


def organisation_hotspots(outcomes: list[Outcome], top: int) -> pl.DataFrame:
    """Every repository's hotspots ranked together by changes times complexity — absolute, so a
    busy complex file outranks a small repository's top file — and shown with that ranked value
    (a repository's own hotspot score is relative to it and would read unsorted). Files not
    changed in their repository's window are left out."""
    found = _with_repository(outcomes, "hotspots")
    if found.is_empty():
        return found
    ranked = (
        found.filter(pl.col("revisions") > 0)
        .with_columns(changes_x_complexity=pl.col("revisions") * pl.col("complexity").fill_null(0))
        .sort(["changes_x_complexity", "repository", "path"], descending=[True, False, False])
    )
    columns = ("repository", "path", "changes_x_complexity", "revisions", "complexity", "authors")
    return ranked.select(columns).head(top)


def organisation_truck_factors(outcomes: list[Outcome]) -> pl.DataFrame:
    found = _with_repository(outcomes, "truck_factor")
    if found.is_empty():
        return found
    return found.sort(["truck_factor", "repository"], nulls_last=True)


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
    wanted = (
        "repository",
        "deployments",
        "per_week",
        "lead_time_median_h",
        "change_failure_rate",
        "recovery_median_h",
        "lead_time_level",
        "note",
    )
    return found.sort("repository").select(c for c in wanted if c in found.columns)
