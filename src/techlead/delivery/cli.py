"""`techlead delivery`: the DORA keys of the repository's deployments."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from techlead import terminal
from techlead.options import FormatOption, QuietOption, RepoOption
from techlead.output import OutputFormat, render_frame


class Period(enum.StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


app = typer.Typer(help="Delivery performance: DORA keys from tags or a deploy log.")


@app.callback(invoke_without_command=True)
def delivery_command(
    ctx: typer.Context,
    log: Annotated[
        Path | None,
        typer.Option(
            help="A deploy log (CSV or JSON: time, commit or version, environment, status; "
            "or GitHub's deployments JSON). Default: tags matching [delivery] tag_pattern."
        ),
    ] = None,
    environment: Annotated[
        str | None, typer.Option(help="Only this environment of the deploy log.")
    ] = None,
    tags: Annotated[
        str | None,
        typer.Option(help="Tags that are deployments (glob; default: [delivery] tag_pattern)."),
    ] = None,
    period: Annotated[Period, typer.Option(help="week, month or quarter.")] = Period.month,
    chart: Annotated[
        Path | None, typer.Option(help="Also draw each key's trend to this SVG or PNG file.")
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Deployment frequency, change lead time (median, P85), change failure rate, failed
    deployment recovery time and deployment rework rate per period, and where the whole lies
    among the DORA 2024 clusters."""
    if ctx.invoked_subcommand is not None:
        return
    from techlead.delivery.deployments import from_log, from_tags
    from techlead.delivery.metrics import as_row, classify, keys, periods, ship
    from techlead.history.cli import mined
    from techlead.incidents.service import linked_commits
    from techlead.planning.chart import check_chart_path
    from techlead.shell import opened_store

    if chart is not None:
        check_chart_path(chart)
    with opened_store(ctx, repo) as (root, settings, store):
        linked = linked_commits(store)
    history = mined(root, settings, quiet).history
    rules = settings.delivery
    deployments = (
        from_log(log, history.repo, environment or rules.environment)
        if log is not None
        else from_tags(history.tags, tags or rules.tag_pattern)
    )
    if not deployments:
        from techlead.errors import TechleadError

        if log is not None:
            chosen = environment or rules.environment
            raise TechleadError(
                f"no deployments in {log}" + (f" for environment {chosen!r}" if chosen else ""),
                hint="check --environment against the log's environment column",
            )
        raise TechleadError(
            f"no tag matches {tags or rules.tag_pattern!r}",
            hint="give the release tags with --tags, or a deploy log with --log",
        )
    shipped = ship(history.repo, deployments, history.commits, linked, rules.hotfix_pattern)
    first, last = deployments[0].at.date(), deployments[-1].at.date()
    spans = periods(first, last, period)
    rows = [keys(shipped, label, start, end) for label, start, end in spans]
    overall = keys(shipped, "all", spans[0][1], spans[-1][2])
    # the whole first, then the newest periods (a terminal shows the first rows)
    frame = pl.DataFrame([as_row(k) for k in [overall, *reversed(rows)]])
    if chart is not None:
        _chart(frame.filter(pl.col("period") != "all"), chart)
    source = f"deploy log {log.name}" if log else f"tags {tags or rules.tag_pattern}"
    render_frame(frame, output, f"DORA keys from {source}: {overall.deployments} deployments")
    if output is OutputFormat.table:
        for key, level in classify(overall).items():
            terminal.stdout.print(f"{key}: {level}", soft_wrap=True)
        terminal.stdout.print(
            "(DORA 2024 clusters; the 2025 report describes team profiles instead)",
            soft_wrap=True,
        )


def _chart(frame: pl.DataFrame, path: Path) -> None:
    from techlead.delivery.charts import keys_chart
    from techlead.planning.chart import write_chart

    write_chart(keys_chart(frame.to_dicts()), path)


@app.command("ai")
def ai_command(
    ctx: typer.Context,
    period: Annotated[Period, typer.Option(help="week, month or quarter.")] = Period.quarter,
    sample: Annotated[
        int, typer.Option(min=1, max=10_000, help="Commits per group measured for rework.")
    ] = 100,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """AI-assisted changes against the others: their share over time, rework (lines rewritten
    within 21 days), revert rate and defect risk (once `risk train` has run), with the counts
    behind each figure."""
    from techlead.delivery.ai import ai_flags, as_rows, compare, share_by_period
    from techlead.history.cli import mined
    from techlead.history.git import run_git
    from techlead.planning.backlog import keys_labelled, stored_items
    from techlead.risk.features import METRICS, cached_metrics, risk_cache
    from techlead.risk.model import load_model
    from techlead.shell import opened_store

    with opened_store(ctx, repo) as (root, settings, store):
        labelled = keys_labelled(stored_items(store), settings.delivery.ai_labels)
    result = mined(root, settings, quiet)
    history = result.history
    commits = history.commits.filter(~pl.col("is_merge"), ~pl.col("is_bot"))
    commits = commits.with_columns(
        ai_flags(commits, settings.delivery.ai_markers, labelled, settings.debt.ticket_pattern)
    )
    line = set(run_git(root, ["rev-list", "--first-parent", "HEAD"]).stdout.decode().split())
    head_line = history.commits.filter(pl.col("commit").is_in(list(line))).select(
        "commit", "committer_time"
    )
    cache = risk_cache(result)
    model = load_model(cache)
    risks: dict[str, float] | None = None
    if model is not None:
        metrics = cached_metrics(result, settings.risk, cache)
        values = model[0].predict_proba(metrics.select(METRICS).to_numpy())[:, 1]
        risks = dict(zip(metrics.get_column("commit").to_list(), values.tolist(), strict=True))
    if not quiet:
        terminal.stderr.print(f"measuring rework of up to {sample} commits per group ...")
    groups = compare(history.repo, commits, head_line, risks, sample)
    render_frame(pl.DataFrame(as_rows(groups)), output, "AI-assisted changes and the others")
    if output is OutputFormat.table:
        render_frame(share_by_period(commits, period), output, f"AI-assisted share per {period}")
