"""`techlead scan`: the CLI shell over techlead.history."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from techlead import terminal
from techlead.config import load_settings
from techlead.history.git import open_repository
from techlead.history.scan import scan
from techlead.history.summary import ScanSummary, summarize
from techlead.output import OutputFormat, print_table, to_json
from techlead.plurals import counted


def scan_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Repositories (or paths inside them) to scan. Default: here."),
    ] = None,
    all_refs: Annotated[
        bool | None,
        typer.Option("--all/--head", help="Mine every ref, or only HEAD (default: config, HEAD)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Concurrent git processes (default: one per core)."),
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Forget the cache and mine everything again.")
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Print a table or JSON.")
    ] = OutputFormat.table,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Mine a repository's history into the cache (only new commits after the first time)."""
    config_file: Path | None = ctx.obj.get("config") if ctx.obj else None
    summaries = []
    for path in paths or [Path(".")]:
        repo = open_repository(path)
        settings = load_settings(repo.root, config_file)
        with terminal.ProgressBar(f"Mining {repo.root.name}", quiet, unit="commits") as bar:
            result = scan(
                path, settings, all_refs=all_refs, workers=workers, rebuild=rebuild, progress=bar
            )
        summaries.append(summarize(result))
    if output is OutputFormat.json:
        shown: object = summaries[0] if len(summaries) == 1 else summaries
        sys.stdout.write(to_json(shown) + "\n")
        return
    for summary in summaries:
        print_table(summary_table(summary))


def _share(share: float) -> str:
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if hasattr(value, "strftime") else "—"


def summary_table(summary: ScanSummary) -> Table:
    """The scan summary as a two-column Rich table."""
    table = Table(title=f"History of {summary.repo}", show_header=False, title_justify="left")
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value")
    new = f" ({summary.new_commits:,} new)" if summary.new_commits != summary.commits else ""
    table.add_row("HEAD", summary.head[:12] if summary.head else "no commits yet")
    table.add_row("commits", f"{summary.commits:,}{new}, {counted(summary.merges, 'merge')}")
    table.add_row("file changes", f"{summary.file_changes:,}")
    people = counted(summary.authors, "person", "people")
    bots = counted(summary.bots, "bot")
    if summary.bot_names:
        shown = ", ".join(summary.bot_names[:3])
        more = "; techlead team bots lists all" if len(summary.bot_names) > 3 else ""
        bots = f"{bots} ({shown}{more})"
    table.add_row("authors", f"{people}, {bots}")
    if summary.ai_assisted_commits:
        table.add_row("AI-assisted", counted(summary.ai_assisted_commits, "commit"))
    table.add_row("files at HEAD", f"{summary.files:,}")
    table.add_row("first commit", _when(summary.first_commit_at))
    table.add_row("last commit", _when(summary.last_commit_at))
    languages = ", ".join(f"{item.language} {_share(item.share)}" for item in summary.languages)
    table.add_row("languages", languages or "—")
    if summary.history_rewritten:
        table.add_row(
            "note", "cached commits no longer reachable (rewritten history or deleted refs) dropped"
        )
    if summary.rebuilt_because:
        table.add_row("note", f"cache rebuilt: {summary.rebuilt_because}")
    table.add_row("time", f"{summary.seconds:.2f} s")
    return table
