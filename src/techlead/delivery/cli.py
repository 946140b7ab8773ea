"""`techlead delivery`: the DORA keys of the repository's deployments."""

from __future__ import annotations

import datetime as dt
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
    from techlead.history.scan import scan
    from techlead.incidents.service import linked_commits
    from techlead.planning.chart import check_chart_path
    from techlead.shell import opened_store

    if chart is not None:
        check_chart_path(chart)
    with opened_store(ctx, repo) as (root, settings, store):
        linked = linked_commits(store)
    with terminal.ProgressBar(f"Mining {root.name}", quiet=quiet) as bar:
        history = scan(root, settings, progress=bar).history
    rules = settings.delivery
    deployments = (
        from_log(log, history.repo, environment or rules.environment)
        if log is not None
        else from_tags(history.tags, tags or rules.tag_pattern)
    )
    if not deployments:
        source = str(log) if log else f"tags matching {tags or rules.tag_pattern!r}"
        from techlead.errors import TechleadError

        raise TechleadError(
            f"no deployments found in {source}",
            hint="give a deploy log with --log, or set [delivery] tag_pattern",
        )
    shipped = ship(history.repo, deployments, history.commits, linked, rules.hotfix_pattern)
    first, last = deployments[0].at.date(), deployments[-1].at.date()
    rows = [keys(shipped, label, start, end) for label, start, end in periods(first, last, period)]
    overall = keys(shipped, "all", first, last + dt.timedelta(days=1))
    frame = pl.DataFrame([as_row(k) for k in [overall, *rows]])  # the whole first
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
