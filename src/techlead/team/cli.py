"""`techlead team ...`: the CLI shell over techlead.team."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from techlead import terminal
from techlead.debt.complexity import measured
from techlead.debt.hotspots import hotspot_window, hotspots
from techlead.history.selection import select_files
from techlead.options import (
    AllFilesOption,
    ByDirectoryOption,
    DepthOption,
    FormatOption,
    PathOption,
    QuietOption,
    RepoOption,
    SinceOption,
    TopOption,
)
from techlead.output import (
    OutputFormat,
    frame_table,
    plain,
    print_table,
    render_frame,
    to_json,
)
from techlead.plurals import counted
from techlead.shell import load_files, render_selected, scanned
from techlead.spans import since as since_moment
from techlead.team.identities import (
    bot_accounts,
    bots_frame,
    duplicates_frame,
    likely_duplicates,
)
from techlead.team.offboard import OrphanedFile, orphaned_files, resolve_people
from techlead.team.ownership import (
    OWNERSHIP_ORDER,
    DirectoryOwnership,
    FileOwnership,
    directory_ownership,
    file_ownership,
)
from techlead.team.truck_factor import (
    TruckFactor,
    truck_factor,
    truck_factor_by_directory,
    truck_factor_record,
)

app = typer.Typer(
    help="Who knows what: ownership, truck factor, off-boarding.", no_args_is_help=True
)


@app.command("ownership")
def ownership_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    by_directory: ByDirectoryOption = False,
    depth: DepthOption = 1,
    since: SinceOption = None,
    path: PathOption = None,
    all_files: AllFilesOption = False,
    top: TopOption = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Main developer, ownership share and fragmentation per file or directory, riskiest
    first (the main developer's share x lines added), over all history or --since."""
    files = load_files(ctx, repo, quiet)
    selection = select_files(files, all_files=all_files, path=path)
    start = since_moment(since) if since is not None else None
    chosen = selection.files
    window = f" since {start:%Y-%m-%d}" if start else ""
    title = f"Ownership{window}, {OWNERSHIP_ORDER}"
    if by_directory:
        frame = directory_ownership(chosen, depth, start)
        render_selected(frame, output, title, selection, top, DirectoryOwnership)
    else:
        render_selected(file_ownership(chosen, start), output, title, selection, top, FileOwnership)


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
        found = [truck_factor_record(r) for r in results]
        sys.stdout.write(to_json(plain(found if by_directory else found[0])) + "\n")
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
    since: Annotated[
        str | None,
        typer.Option(help="Rank hotspots by changes since a date or span (default: [debt] since)."),
    ] = None,
    path: PathOption = None,
    all_files: AllFilesOption = False,
    top: TopOption = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Which files (and hotspots) would be left without an author if these people left."""
    files = load_files(ctx, repo, quiet)
    leaving = resolve_people(files, people)
    window = hotspot_window(since, files.history.settings.debt)
    selection = select_files(files, all_files=all_files, path=path)
    chosen = selection.files
    ranked = hotspots(chosen, measured(chosen, quiet), window)
    frame = orphaned_files(chosen, leaving, ranked)
    who = ", ".join(leaving)
    title = f"Left without an author if {who} left (hotspots since {window:%Y-%m-%d})"
    render_selected(frame, output, title, selection, top, OrphanedFile)


@app.command("identities")
def identities_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Identities that look like one person twice (same name or same e-mail), with the
    .mailmap lines that would merge them."""
    history = scanned(ctx, repo, quiet).history
    groups = likely_duplicates(history)
    if output is OutputFormat.json:
        sys.stdout.write(to_json(groups) + "\n")
        return
    frame = duplicates_frame(groups)
    if output is not OutputFormat.table:
        render_frame(frame, output)
        return
    if not groups:
        terminal.stdout.print("No likely duplicate identities.")
        return
    title = f"{len(groups):,} people with more than one identity (most commits first: proper)"
    render_frame(frame.drop("mailmap"), output, title)
    terminal.stdout.print("\nLines for .mailmap (proper identity first):")
    for group in groups:
        for line in group.mailmap:
            terminal.stdout.print(line)


@app.command("bots")
def bots_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Accounts treated as bots (left out of hotspots, ownership, truck factor, ...) and the
    pattern that matched each ([identities] bots adds patterns)."""
    history = scanned(ctx, repo, quiet).history
    frame = bots_frame(bot_accounts(history))
    if output is OutputFormat.table and frame.is_empty():
        terminal.stdout.print("No commits by bots.")
        return
    title = f"Bots: {counted(frame.height, 'account')}, left out of the analyses"
    render_frame(frame, output, title)
