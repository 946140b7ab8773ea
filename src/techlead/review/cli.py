"""`techlead review BASE..HEAD`: a change's risk, what it touches and who should review it."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from techlead import terminal
from techlead.options import QuietOption, RepoOption, SarifOption

if TYPE_CHECKING:
    from techlead.history.files import CurrentFiles


class ReviewFormat(enum.StrEnum):
    markdown = "markdown"
    json = "json"
    sarif = "sarif"


def review_command(
    ctx: typer.Context,
    revisions: Annotated[
        str | None, typer.Argument(help="The change: BASE..HEAD (e.g. main..HEAD).")
    ] = None,
    pr: Annotated[
        bool, typer.Option("--pr", help="The current branch against its merge base with main.")
    ] = False,
    reviewer: Annotated[
        list[str] | None,
        typer.Option("--reviewer", help="A reviewer already assigned (repeatable; for gates)."),
    ] = None,
    spread: Annotated[
        bool,
        typer.Option(
            "--spread", help="Suggest reviewers who would learn the code (low truck factor)."
        ),
    ] = False,
    output: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="markdown, json or sarif.")
    ] = ReviewFormat.markdown,
    sarif_file: SarifOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="JSON file of frozen decision-rule violations (default: [decisions] baseline)."
        ),
    ] = None,
    backtest: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=100_000,
            help="Instead: check reviewer suggestions on the last N merges (top-k, MRR).",
        ),
    ] = None,
    repo: RepoOption = Path("."),
    quiet: QuietOption = False,
) -> None:
    """Review a change: defect risk of each commit in words, hotspots and coupled files,
    suggested reviewers, decision rules, complexity, tests, security, AI-assisted commits.
    Exit 1 when a gate fails (see the review section of techlead.toml)."""
    from techlead import sarif as sarif_format
    from techlead.debt.complexity import measured
    from techlead.debt.coupling import coupling
    from techlead.debt.hotspots import hotspot_window, hotspots
    from techlead.errors import TechleadError
    from techlead.history.files import current_files
    from techlead.review.analysis import resolve_range, review_change
    from techlead.review.report import markdown, plain, sarif
    from techlead.risk.features import cached_metrics, risk_cache
    from techlead.risk.model import load_model
    from techlead.shell import scanned

    if revisions is not None and (pr or backtest is not None):
        raise TechleadError(
            f"{revisions!r}: give a range, or --pr, or --backtest N (only one of them)"
        )
    if sarif_file is not None:
        sarif_format.check_target(sarif_file)
    result = scanned(ctx, repo, quiet)
    files = current_files(result)
    history = files.history
    settings = history.settings
    if backtest is not None:
        _backtest(files, backtest, output)
        return
    base, head = resolve_range(history.repo, revisions, pr)
    cache = risk_cache(result)
    metrics = cached_metrics(result, settings.risk, cache)
    window = hotspot_window(None, settings.debt)
    ranked = hotspots(files, measured(files, quiet), window, None, None)
    review = review_change(
        files,
        settings,
        base,
        head,
        metrics,
        load_model(cache),
        ranked,
        coupling(files),
        reviewer or [],
        spread,
        baseline,
    )
    root = history.repo.root
    if sarif_file is not None:
        sarif_format.write(sarif_file, sarif(review, root))
    if output is ReviewFormat.json:
        from techlead.output import to_json

        sys.stdout.write(to_json(plain(review)) + "\n")
    elif output is ReviewFormat.sarif:
        sys.stdout.write(sarif_format.text(sarif(review, root)))
    else:
        sys.stdout.write(markdown(review, settings.review.listed))
    if not review.passed:
        terminal.stderr.print("review gate failed", soft_wrap=True)
        raise typer.Exit(1)


def _backtest(files: CurrentFiles, last: int, output: ReviewFormat) -> None:
    import polars as pl

    from techlead.output import OutputFormat, render_frame
    from techlead.review.analysis import merged_branches
    from techlead.review.reviewers import backtest

    history = files.history
    branches = merged_branches(history.repo, history.commits, last)
    found = backtest(
        files.changes, history.commits, branches, history.settings.review.familiarity_days
    )
    frame = pl.DataFrame(
        {
            "merges": [found.merges],
            "top1": [found.top1],
            "top3": [found.top3],
            "top5": [found.top5],
            "mrr": [found.mrr],
        }
    )
    if output is ReviewFormat.sarif:
        from techlead.errors import TechleadError

        raise TechleadError("--backtest prints a table, Markdown or JSON, not SARIF")
    shown = {ReviewFormat.json: OutputFormat.json, ReviewFormat.markdown: OutputFormat.table}
    render_frame(frame, shown[output], f"Reviewer suggestions on the last {last} merges")
