"""`techlead debt ...`: the CLI shell over techlead.debt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from techlead import result_cache
from techlead.debt.age import DirectoryAge, FileAge, directory_age, file_age
from techlead.debt.complexity import measured
from techlead.debt.coupling import CoupledPair, CouplingOptions, coupling
from techlead.debt.hotspots import Hotspot, hotspot_window, hotspots, window_holds_until
from techlead.debt.trend import TrendPoint, complexity_trend
from techlead.history.files import CurrentFiles
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
from techlead.output import OutputFormat, render_frame
from techlead.shell import load_files, render_selected
from techlead.spans import since as since_moment

app = typer.Typer(help="Where technical debt slows the team down.", no_args_is_help=True)


def _window(since: str | None, now: datetime | None = None) -> datetime | None:
    return since_moment(since, now=now) if since is not None else None


def _expires(files: CurrentFiles, start_at: Callable[[datetime], datetime], now: datetime) -> None:
    """Tell the result cache until when a window relative to now keeps this answer true."""
    until = window_holds_until(files, start_at, now)
    if until is not None:
        result_cache.expires(until)


@app.command("hotspots")
def hotspots_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    since: SinceOption = None,
    top: Annotated[int, typer.Option(min=1, help="Show this many files.")] = 20,
    path: PathOption = None,
    all_files: AllFilesOption = False,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Complex files that change often: where debt costs the most (default window: [debt]
    since, 12m)."""
    files = load_files(ctx, repo, quiet)
    now = datetime.now(UTC)
    window = hotspot_window(since, files.history.settings.debt, now)
    _expires(files, lambda moment: hotspot_window(since, files.history.settings.debt, moment), now)
    selection = select_files(files, all_files=all_files, path=path)
    frame = hotspots(selection.files, measured(selection.files, quiet), window, top=top)
    render_selected(frame, output, f"Hotspots since {window:%Y-%m-%d}", selection, record=Hotspot)


@app.command("trend")
def trend_command(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A file at HEAD, relative to the repository root.")],
    repo: RepoOption = Path("."),
    samples: Annotated[int, typer.Option(min=2, help="Revisions to measure.")] = 12,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Size and complexity of one file over its history: is a hotspot getting better?"""
    files = load_files(ctx, repo, quiet)
    trend = complexity_trend(files, file, samples)
    render_frame(trend, output, f"Trend of {file}", record=TrendPoint)


@app.command("coupling")
def coupling_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    min_revs: Annotated[int, typer.Option(help="Least average revisions of a pair.")] = 5,
    min_shared: Annotated[int, typer.Option(help="Least shared revisions.")] = 5,
    min_degree: Annotated[int, typer.Option(help="Least degree of coupling, in %.")] = 30,
    max_changeset: Annotated[
        int, typer.Option(help="Ignore change sets touching more files than this.")
    ] = 30,
    window: Annotated[
        float | None,
        typer.Option(help="One author's commits within this many hours form one change set."),
    ] = None,
    by_ticket: Annotated[
        bool, typer.Option("--by-ticket", help="Commits naming the same ticket form one set.")
    ] = False,
    since: SinceOption = None,
    path: Annotated[
        str | None,
        typer.Option(help="Only pairs with a file matching this gitignore-style pattern."),
    ] = None,
    all_files: AllFilesOption = False,
    top: TopOption = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Files that keep changing together (change coupling), over all history or --since."""
    files = load_files(ctx, repo, quiet)
    options = CouplingOptions(min_revs, min_shared, min_degree, max_changeset, window, by_ticket)
    selection = select_files(files, all_files=all_files)
    now = datetime.now(UTC)
    start = _window(since, now)
    if since is not None:
        given = since
        _expires(files, lambda moment: since_moment(given, now=moment), now)
    frame = coupling(files, options, since=start, keep=selection.paths, path=path)
    title = f"Change coupling since {start:%Y-%m-%d}" if start else "Change coupling"
    render_selected(frame, output, title, selection, top, CoupledPair)


@app.command("age")
def age_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    by_directory: ByDirectoryOption = False,
    depth: DepthOption = 1,
    path: PathOption = None,
    all_files: AllFilesOption = False,
    top: TopOption = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Months since each file last changed; old, complex code nobody touches is marked."""
    files = load_files(ctx, repo, quiet)
    selection = select_files(files, all_files=all_files, path=path)
    chosen = selection.files
    ages = file_age(chosen, measured(chosen, quiet), datetime.now(UTC))
    if by_directory:
        render_selected(
            directory_age(ages, depth), output, "Code age", selection, top, DirectoryAge
        )
    else:
        render_selected(ages, output, "Code age", selection, top, FileAge)
