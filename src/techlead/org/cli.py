"""`techlead org scan|hotspots|truck-factor|delivery REPOS`: the same evidence across many
repositories, one Dask task per repository."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import polars as pl
import typer

from techlead import terminal
from techlead.options import FormatOption, QuietOption
from techlead.output import OutputFormat, render_frame, to_json
from techlead.plurals import counted

if TYPE_CHECKING:
    from techlead.org.tasks import Outcome

app = typer.Typer(
    help="Many repositories at once on a Dask cluster (a local one by default): scan, "
    "hotspots, truck factors, delivery.",
    no_args_is_help=True,
)
ReposArgument = Annotated[
    Path,
    typer.Argument(
        help="A directory of clones (each immediate child that is a git repository) or a file "
        "listing paths and clone URLs, one per line."
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="Run on an existing Dask cluster (tcp://HOST:8786); its workers need techlead and "
        "the repositories at the same paths, or --clone-dir for URLs."
    ),
]
WorkersOption = Annotated[
    int | None, typer.Option(min=1, max=512, help="Local worker processes (default: one per core).")
]
CloneOption = Annotated[
    Path | None, typer.Option(help="Where workers clone the repositories listed by URL.")
]
TopOption = Annotated[int, typer.Option(min=1, max=10_000, help="Show this many rows.")]


def _run(
    ctx: typer.Context,
    repos: Path,
    scheduler: str | None,
    workers: int | None,
    clone_dir: Path | None,
    analysis: Callable[..., Any] | None,
    quiet: bool,
    **options: Any,
) -> list[Outcome]:
    from techlead.org.cluster import cluster, run
    from techlead.org.sources import read_sources
    from techlead.org.tasks import Options

    sources = read_sources(repos)
    config: Path | None = ctx.obj.get("config") if ctx.obj else None
    chosen = Options(
        config=config.absolute() if config else None,
        clone_dir=clone_dir.absolute() if clone_dir else None,
        **options,
    )
    with terminal.ProgressBar("Repositories", quiet, unit="repositories") as bar:
        bar.start(len(sources))
        with cluster(scheduler, workers) as client:
            return run(client, sources, chosen, analysis, lambda _: bar.advance(1))


def _failures(outcomes: list[Outcome]) -> None:
    """Name each repository that failed on stderr; exit 1 after the results if any did."""
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        terminal.stderr.print(f"failed: {outcome.name}: {outcome.error}", soft_wrap=True)
    if failed:
        terminal.stderr.print(
            f"{len(failed)} of {len(outcomes)} repositories failed; the others are above",
            soft_wrap=True,
        )
        raise typer.Exit(1)


def _summary(outcomes: list[Outcome]) -> pl.DataFrame:
    rows = [
        {
            "repository": o.name,
            "status": "ok" if o.ok else "failed",
            "commits": o.commits,
            "new": o.new_commits,
            "seconds": o.seconds,
            "chunks": o.chunks,
            "note": o.error or o.note or "",
        }
        for o in outcomes
    ]
    frame = pl.DataFrame(rows)
    return frame if frame.get_column("note").str.len_chars().sum() else frame.drop("note")


def _outcomes_json(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    return [{k: v for k, v in dataclasses.asdict(o).items() if k != "tables"} for o in outcomes]


@app.command("scan")
def scan_command(
    ctx: typer.Context,
    repos: ReposArgument,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    clone_dir: CloneOption = None,
    rebuild: Annotated[bool, typer.Option(help="Mine every history again.")] = False,
    chunk_commits: Annotated[
        int,
        typer.Option(
            min=100, help="A history with more commits than this to mine is split into tasks."
        ),
    ] = 20_000,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Scan every repository into its own cache (incrementally: a second run mines only new
    commits), one task per repository and long histories in chunks."""
    outcomes = _run(
        ctx, repos, scheduler, workers, clone_dir, None, quiet,
        rebuild=rebuild, chunk_commits=chunk_commits,
    )  # fmt: skip
    done = sum(o.ok for o in outcomes)
    if output is OutputFormat.json:
        sys.stdout.write(to_json({"repositories": _outcomes_json(outcomes)}) + "\n")
    else:
        title = f"Scanned {done} of {counted(len(outcomes), 'repository')}"
        render_frame(_summary(outcomes), output, title)
    _failures(outcomes)


def _render(
    tables: dict[str, tuple[str, pl.DataFrame]], output: OutputFormat, outcomes: list[Outcome]
) -> None:
    """Several tables: all of them in JSON (under stable keys) and Markdown (with headings),
    one after the other in a terminal, the first only in CSV (one table per file)."""
    if output is OutputFormat.json:
        result: dict[str, Any] = {key: frame.to_dicts() for key, (_, frame) in tables.items()}
        result["repositories"] = _outcomes_json(outcomes)
        sys.stdout.write(to_json(result) + "\n")
        return
    for index, (title, frame) in enumerate(tables.values()):
        if output is OutputFormat.csv:
            if len(tables) > 1:
                terminal.stderr.print(f"note: CSV holds {title!r} only; JSON has every table")
            render_frame(frame, output)
            return
        if output is OutputFormat.markdown:
            sys.stdout.write(("\n" if index else "") + f"### {title}\n\n")
        if frame.is_empty():
            if output is OutputFormat.markdown:
                sys.stdout.write("nothing to show\n")
            else:
                terminal.stdout.print(f"{title}: nothing to show")
            continue
        render_frame(frame, output, title)


@app.command("hotspots")
def hotspots_command(
    ctx: typer.Context,
    repos: ReposArgument,
    top: TopOption = 20,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    clone_dir: CloneOption = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """The top hotspots across the organisation: files ranked by changes times complexity
    (shown as changes x complexity), each in its repository's own window."""
    from techlead.org.analyses import organisation_hotspots, repository_hotspots

    outcomes = _run(ctx, repos, scheduler, workers, clone_dir, repository_hotspots, quiet, top=top)
    found = organisation_hotspots(outcomes, top)
    if output is OutputFormat.table and "changes_x_complexity" in found.columns:
        found = found.rename({"changes_x_complexity": "changes x\ncomplexity"})  # 80 columns
    title = f"Top {top} hotspots across {counted(len(outcomes), 'repository')}"
    _render({"hotspots": (title, found)}, output, outcomes)
    _failures(outcomes)


@app.command("truck-factor")
def truck_factor_command(
    ctx: typer.Context,
    repos: ReposArgument,
    top: TopOption = 20,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    clone_dir: CloneOption = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Truck factor per repository (lowest first), and the people who are the only author of
    the most files across repositories (--top of them)."""
    from techlead.org.analyses import organisation_truck_factors, repository_team, sole_authors

    outcomes = _run(ctx, repos, scheduler, workers, clone_dir, repository_team, quiet, top=top)
    factors = organisation_truck_factors(outcomes)
    ones = (
        factors.filter(pl.col("truck_factor") <= 1).height
        if "truck_factor" in factors.columns
        else 0
    )
    _render(
        {
            "truck_factors": (f"Truck factor per repository ({ones} with 1 or less)", factors),
            "sole_authors": (
                f"Only author of the most files (top {top})",
                sole_authors(outcomes, top),
            ),
        },
        output,
        outcomes,
    )
    _failures(outcomes)


@app.command("delivery")
def delivery_command(
    ctx: typer.Context,
    repos: ReposArgument,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    clone_dir: CloneOption = None,
    tags: Annotated[
        str | None,
        typer.Option(
            help="Release tags (glob) in every repository; default: each one's "
            "[release] tag_pattern, else the pattern detected from its tags."
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """DORA keys per repository from its release tags."""
    from techlead.org.analyses import organisation_delivery, repository_delivery

    outcomes = _run(
        ctx, repos, scheduler, workers, clone_dir, repository_delivery, quiet, tags=tags
    )
    found = organisation_delivery(outcomes)
    title = f"Delivery across {counted(len(outcomes), 'repository')}"
    _render({"delivery": (title, found)}, output, outcomes)
    _failures(outcomes)
