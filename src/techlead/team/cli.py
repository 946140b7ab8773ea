"""`techlead team ...`: the CLI shell over techlead.team."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from techlead.debt.cli import measured
from techlead.debt.hotspots import hotspots
from techlead.history.cli import load_files
from techlead.history.periods import since as parse_since
from techlead.options import (
    ByDirectoryOption,
    DepthOption,
    FormatOption,
    QuietOption,
    RepoOption,
    TopOption,
)
from techlead.output import OutputFormat, frame_table, print_table, render_frame, to_json
from techlead.team.offboard import orphaned_files, resolve_people
from techlead.team.ownership import directory_ownership, file_ownership
from techlead.team.truck_factor import TruckFactor, truck_factor, truck_factor_by_directory

app = typer.Typer(
    help="Who knows what: ownership, truck factor, off-boarding.", no_args_is_help=True
)


@app.command("ownership")
def ownership_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    by_directory: ByDirectoryOption = False,
    depth: DepthOption = 1,
    top: TopOption = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Main developer, ownership share and fragmentation per file or directory."""
    files = load_files(ctx, repo, quiet)
    frame = directory_ownership(files, depth) if by_directory else file_ownership(files)
    render_frame(frame, output, "Ownership", top)


def _truck_table(results: list[TruckFactor]) -> Table:
    import polars as pl

    rows = [
        (r.scope, r.truck_factor, r.files, f"{r.orphaned_share:.0%}", ", ".join(r.removed))
        for r in results
    ]
    columns = ["scope", "truck_factor", "files", "orphaned", "would_have_to_leave"]
    return frame_table(pl.DataFrame(rows, schema=columns, orient="row"), "Truck factor")


@app.command("truck-factor")
def truck_factor_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    by_directory: ByDirectoryOption = False,
    depth: DepthOption = 1,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """How many people would have to leave before most files have no author (Avelino et al.)."""
    files = load_files(ctx, repo, quiet)
    results = truck_factor_by_directory(files, depth) if by_directory else [truck_factor(files)]
    if output is OutputFormat.table:
        print_table(_truck_table(results))
        return
    if output is OutputFormat.json:
        plain = [
            {
                "truck_factor": r.truck_factor,
                "removed": r.removed,
                "files": r.files,
                "orphaned_share": r.orphaned_share,
                **({"directory": r.scope} if by_directory else {}),
            }
            for r in results
        ]
        sys.stdout.write(to_json(plain if by_directory else plain[0]) + "\n")
        return
    import polars as pl

    frame = pl.DataFrame(
        [
            (r.scope, r.truck_factor, r.files, r.orphaned_share, ", ".join(r.removed))
            for r in results
        ],
        schema=["scope", "truck_factor", "files", "orphaned_share", "removed"],
        orient="row",
    )
    render_frame(frame, output)


@app.command("offboard")
def offboard_command(
    ctx: typer.Context,
    people: Annotated[list[str], typer.Argument(help="Names or e-mails of the people leaving.")],
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Which files (and hotspots) would be left without an author if these people left."""
    files = load_files(ctx, repo, quiet)
    leaving = resolve_people(files, people)
    window = parse_since(files.history.settings.debt.since, datetime.now(UTC))
    ranked = hotspots(files, measured(files, quiet), window)
    frame = orphaned_files(files, leaving, ranked)
    render_frame(frame, output, f"Left without an author if {', '.join(leaving)} left")
