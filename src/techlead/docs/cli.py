"""`techlead docs ...`: documentation that has drifted from the code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import typer

from techlead import terminal
from techlead.config import Settings
from techlead.options import FormatOption, QuietOption, RepoOption, TopOption
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
    """Broken relative links, images, anchors, and Sphinx `:doc:`/`:ref:` targets in the
    repository's Markdown and reStructuredText; exit 1 if any."""
    from techlead.docs.links import check_links, documentation_files, formats_read
    from techlead.history.git import open_repository

    root = open_repository(repo).root
    tracked = _tracked(root)
    documents = documentation_files(root, tracked)
    broken = check_links(root, documents, tracked)
    read = formats_read(documents)
    frame = pl.DataFrame(
        [(b.document, b.line, b.target, b.problem) for b in broken],
        schema={"document": pl.String, "line": pl.Int64, "link": pl.String, "problem": pl.String},
        orient="row",
    )
    if not broken and output is OutputFormat.table:
        terminal.stdout.print(f"Read {read}: no broken link")
        return
    render_frame(frame, output, f"{len(broken):,} broken links (read {read})")
    if broken:
        raise typer.Exit(1)


@app.command("stale")
def stale_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
    top: TopOption = None,
) -> None:
    """Markdown and reStructuredText documents that name code changed since they last
    changed, or code that is gone, ranked by how much the code moved; and runbooks and
    decisions due for review."""
    from techlead.docs.links import documentation_files, formats_read
    from techlead.docs.stale import stale_documents
    from techlead.shell import scanned

    history = scanned(ctx, repo, quiet).history
    root, settings = history.repo.root, history.settings
    changes = history.file_changes.join(
        history.commits.select("commit", "author_time"), on="commit", how="left"
    ).select("path", "author_time", pl.col("added").fill_null(0), pl.col("deleted").fill_null(0))
    tracked = _tracked(root)
    documents = documentation_files(root, tracked)
    stale = stale_documents(root, documents, tracked, changes)
    shown = stale[:top] if top else stale
    frame = pl.DataFrame(
        [
            (
                d.document,
                d.last_changed,
                d.lines_moved,
                "; ".join(f"{p} ({c} commits, {n} lines)" for p, c, n in d.changed[:3]),
                ", ".join(d.broken),
            )
            for d in shown
        ],
        schema={
            "document": pl.String,
            "last_changed": pl.Datetime("us", "UTC"),
            "lines_moved": pl.Int64,
            "changed_since": pl.String,
            "gone": pl.String,
        },
        orient="row",
    )
    title = (
        f"{len(stale):,} documents the code has moved away from (read {formats_read(documents)})"
    )
    render_frame(frame, output, title if not top else f"{title}, top {len(shown)}")
    due = _reviews_due(root, settings, dt.date.today())
    if due.height:
        render_frame(due, output, "Due for review")


def _reviews_due(root: Path, settings: Settings, today: dt.date) -> pl.DataFrame:
    """Runbooks past their review period and decision records past their review-by date."""
    from techlead.decisions.store import decision_directory, load_decisions
    from techlead.incidents.runbooks import load_runbooks, runbook_directory

    rows: list[tuple[str, str, str]] = []
    runbooks = runbook_directory(root, settings)
    if runbooks.is_dir():
        for book in load_runbooks(runbooks):
            if book.stale(today, settings.runbooks.review_days):
                rows.append((str(book.path.relative_to(root)), "runbook", "review period passed"))
    decisions = decision_directory(root, settings.decisions.directory)
    if decisions.is_dir():
        for record in load_decisions(decisions):
            if record.review_by is not None and record.review_by < today:
                rows.append(
                    (
                        str(record.path.relative_to(root)),
                        "decision",
                        f"review by {record.review_by}",
                    )
                )
    return pl.DataFrame(rows, schema=["document", "kind", "why"], orient="row")
