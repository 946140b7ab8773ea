"""`techlead docs ...`: documentation that has drifted from the code."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from techlead import terminal
from techlead.options import FormatOption, RepoOption
from techlead.output import OutputFormat, render_frame

app = typer.Typer(help="Living documentation: broken links, stale docs.", no_args_is_help=True)


def _tracked(root: Path) -> list[str]:
    from techlead.history.git import run_git

    out = run_git(root, ["ls-files", "-z"]).stdout.decode("utf-8", "surrogateescape")
    return [p for p in out.split("\0") if p]


@app.command("lint")
def lint_command(
    ctx: typer.Context, repo: RepoOption = Path("."), output: FormatOption = OutputFormat.table
) -> None:
    """Broken relative links and anchors in the repository's Markdown; exit 1 if any."""
    from techlead.docs.links import check_links, markdown_files
    from techlead.history.git import open_repository

    root = open_repository(repo).root
    documents = markdown_files(root, _tracked(root))
    broken = check_links(root, documents)
    frame = pl.DataFrame(
        [(b.document, b.line, b.target, b.problem) for b in broken],
        schema={"document": pl.String, "line": pl.Int64, "link": pl.String, "problem": pl.String},
        orient="row",
    )
    if not broken and output is OutputFormat.table:
        terminal.stdout.print(f"{len(documents)} Markdown documents: no broken link")
        return
    render_frame(frame, output, f"Broken links in {len(documents)} Markdown documents")
    if broken:
        raise typer.Exit(1)
