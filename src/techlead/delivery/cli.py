"""`techlead delivery`: the DORA keys of the repository's deployments."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer
from rich.text import Text

from techlead import terminal
from techlead.errors import TechleadError
from techlead.options import FormatOption, QuietOption, RepoOption
from techlead.output import OutputFormat, plain, print_wrapped, render_frame, to_json

if TYPE_CHECKING:
    from techlead.config import Settings
    from techlead.delivery.deployments import Deployments
    from techlead.delivery.metrics import Shipped
    from techlead.delivery.report import DeliveryKeys


class Period(enum.StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


app = typer.Typer(help="Delivery performance: DORA keys from tags or a deploy log.")

LogOption = Annotated[
    Path | None,
    typer.Option(
        help="A deploy log (CSV or JSON: time, commit or version, environment, status; "
        "or GitHub's deployments JSON). Default: the release tags."
    ),
]
EnvironmentOption = Annotated[
    str | None, typer.Option(help="Only this environment of the deploy log.")
]
TagsOption = Annotated[
    str | None,
    typer.Option(
        help="Tags that are deployments (glob; default: [release] tag_pattern, else detected)."
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every period (default: the newest 12).")]


def _shipped(
    ctx: typer.Context,
    repo: Path,
    log: Path | None,
    environment: str | None,
    tags: str | None,
    quiet: bool,
) -> tuple[Settings, Deployments, list[Shipped]]:
    from techlead.delivery.deployments import find_deployments
    from techlead.delivery.metrics import ship
    from techlead.incidents.service import linked_commits
    from techlead.shell import mined, opened_store

    with opened_store(ctx, repo) as (root, settings, store):
        linked = linked_commits(store)
    history = mined(root, settings, quiet).history
    found = find_deployments(history, log, environment, tags)
    rules = settings.delivery
    shipped = ship(
        history.repo, found.deployments, linked, rules.hotfix_pattern, rules.revert_window_days
    )
    return settings, found, shipped


@app.callback(invoke_without_command=True)
def delivery_command(
    ctx: typer.Context,
    log: LogOption = None,
    environment: EnvironmentOption = None,
    tags: TagsOption = None,
    period: Annotated[Period, typer.Option(help="week, month or quarter.")] = Period.month,
    every: AllOption = False,
    chart: Annotated[
        Path | None, typer.Option(help="Also draw each key's trend to this SVG or PNG file.")
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Deployment frequency, change lead time (median, P85), change failure rate, failed
    deployment recovery time and deployment rework rate per period (newest first) and over
    every deployment, and where the whole lies among the DORA 2024 clusters (from
    [delivery] min_deployments deployments on)."""
    if ctx.invoked_subcommand is not None:
        _refuse_options_before(ctx)
        return
    from techlead.delivery.report import delivery_keys
    from techlead.planning.chart import check_chart_path

    if chart is not None:
        check_chart_path(chart)
    settings, found, shipped = _shipped(ctx, repo, log, environment, tags, quiet)
    result = delivery_keys(found, shipped, period.value, settings.delivery.min_deployments, every)
    if chart is not None:
        _chart(result, chart)
    _render_keys(result, output)


def _refuse_options_before(ctx: typer.Context) -> None:
    """Options written before a subcommand belong to `delivery` itself: refuse them rather than
    run the subcommand without them."""
    given = [
        f"--{name.replace('_', '-')}"
        for name in ctx.params
        if getattr(ctx.get_parameter_source(name), "name", None) == "COMMANDLINE"
    ]
    if given:
        raise TechleadError(
            f"{', '.join(given)} before '{ctx.invoked_subcommand}' would be ignored",
            hint=f"write it after the subcommand: techlead delivery {ctx.invoked_subcommand} "
            f"{given[0]} ...",
        )


def _render_keys(result: DeliveryKeys, output: OutputFormat) -> None:
    from techlead.delivery.metrics import KEYS_SCHEMA
    from techlead.delivery.report import keys_record, keys_rows

    frame = pl.DataFrame(keys_rows(result), schema=KEYS_SCHEMA)
    title = f"DORA keys of {result.overall.deployments} deployments"
    levels = [f"{key}: {level}" for key, level in result.levels.items()]
    notes = [
        f"deployments: {result.source.source}",
        f"all: every deployment; then {result.periods_note}",
        *(levels or [result.not_rated or ""]),
        "(DORA 2024 clusters; the 2025 report describes team profiles instead)",
    ]
    if output is OutputFormat.json:
        sys.stdout.write(to_json(plain(keys_record(result))) + "\n")
    elif output is OutputFormat.csv:
        # one table: the source on every row, the levels (or why none) on the whole's row
        first = pl.col("period") == "all"
        extra = [pl.lit(result.source.source).alias("source")]
        extra += [
            pl.when(first).then(pl.lit(level)).otherwise(None).alias(_level_column(key))
            for key, level in result.levels.items()
        ]
        if result.not_rated:
            extra.append(pl.when(first).then(pl.lit(result.not_rated)).alias("not_rated"))
        render_frame(frame.with_columns(extra), output)
    elif output is OutputFormat.markdown:
        sys.stdout.write(f"**{title}**\n\n")
        render_frame(frame, output)
        sys.stdout.write("\n" + "".join(f"- {note}\n" for note in notes))
    else:
        render_frame(frame.rename(_SHORT, strict=False), output, title)
        for note in notes:
            print_wrapped(Text(note))


# a terminal's headers, short enough for 80 columns (the other formats keep the full names)
_SHORT = {
    "deployments": "deploys",
    "per_week": "per\nweek",
    "lead_time_median_h": "lead h\nmedian",
    "lead_time_p85_h": "lead h\nP85",
    "change_failure_rate": "failure\nrate",
    "recovery_median_h": "recovery\nh median",
    "rework_rate": "rework\nrate",
}


def _level_column(key: str) -> str:
    return key.replace("failed deployment ", "").replace(" ", "_") + "_level"


@app.command("deployments")
def deployments_command(
    ctx: typer.Context,
    log: LogOption = None,
    environment: EnvironmentOption = None,
    tags: TagsOption = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Every deployment, newest first: what it shipped for the first time, its median lead
    time, and why it counts as failed (a revert within [delivery] revert_window_days, a hotfix
    after it, the deploy log's status, an incident)."""
    from techlead.delivery.report import deployment_listing, deployment_rows

    _, found, shipped = _shipped(ctx, repo, log, environment, tags, quiet)
    frame = pl.DataFrame(deployment_rows(shipped), infer_schema_length=None)
    if frame.get_column("environment").null_count() == frame.height:
        frame = frame.drop("environment")
    failed = sum(s.failed for s in shipped)
    title = f"{len(shipped)} deployments, {failed} failed"
    if output is OutputFormat.table:
        # what fits 80 columns; the other formats add the commit, rework and recovery time
        shown = frame.select(
            "deployment",
            pl.col("deployed_at").dt.date().alias("date"),
            *(["environment"] if "environment" in frame.columns else []),
            "commits",
            pl.col("lead_time_median_h").alias("lead h"),
            "failed",
            "why",
        )
        render_frame(shown, output, title)
        print_wrapped(Text(f"deployments: {found.source}"))
        print_wrapped(
            Text(
                "The oldest is the baseline: it ships the history before it (no lead time). "
                "-f json|csv|markdown also give each one's commit, rework and recovery time."
            )
        )
    elif output is OutputFormat.json:
        sys.stdout.write(to_json(plain(deployment_listing(found, shipped))) + "\n")
    elif output is OutputFormat.csv:
        render_frame(frame.with_columns(source=pl.lit(found.source)), output)
    else:
        sys.stdout.write(f"**{title}** (deployments: {found.source})\n\n")
        render_frame(frame, output)


def _chart(result: DeliveryKeys, path: Path) -> None:
    from techlead.delivery.charts import keys_chart
    from techlead.delivery.metrics import as_row
    from techlead.planning.chart import write_chart

    write_chart(keys_chart([as_row(k) for k in reversed(result.periods)]), path)


@app.command("ai")
def ai_command(
    ctx: typer.Context,
    period: Annotated[Period, typer.Option(help="week, month or quarter.")] = Period.quarter,
    sample: Annotated[
        int, typer.Option(min=1, max=10_000, help="Commits per group measured for rework.")
    ] = 100,
    every: AllOption = False,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """AI-assisted changes against the others: their share per period (newest first), rework
    (lines rewritten within 21 days), revert rate and defect risk (once `risk train` has run),
    with the counts behind each figure."""
    from techlead.delivery.ai import ai_flags, as_rows, compare, share_by_period
    from techlead.history.git import run_git
    from techlead.history.periods import newest_first
    from techlead.planning.backlog import keys_labelled, stored_items
    from techlead.risk.features import METRICS, cached_metrics, risk_cache
    from techlead.risk.model import load_model
    from techlead.shell import mined, opened_store

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
    shares = share_by_period(commits, period.value)
    shown = pl.DataFrame(newest_first(shares.to_dicts(), every), schema=shares.schema)
    _render_ai(pl.DataFrame(as_rows(groups)), shown, shares.height, period.value, output)


def _render_ai(
    groups: pl.DataFrame, shares: pl.DataFrame, total: int, unit: str, output: OutputFormat
) -> None:
    from techlead.history.periods import shown_note

    titles = ("AI-assisted changes and the others", f"AI-assisted share per {unit}")
    note = f"share per {unit}: {shown_note(shares.height, total, unit)}"
    if output is OutputFormat.json:
        result = {
            "groups": groups.to_dicts(),
            "period": unit,
            "periods_shown": shares.height,
            "periods_total": total,
            "share_per_period": shares.to_dicts(),
        }
        sys.stdout.write(to_json(result) + "\n")
    elif output is OutputFormat.csv:
        # one CSV: a `table` column says which table each row belongs to
        both = pl.concat(
            [
                groups.with_columns(table=pl.lit("groups")),
                shares.with_columns(table=pl.lit(f"share_per_{unit}")),
            ],
            how="diagonal_relaxed",
        )
        render_frame(both.select("table", *(c for c in both.columns if c != "table")), output)
    elif output is OutputFormat.markdown:
        for title, frame in zip(titles, (groups, shares), strict=True):
            sys.stdout.write(f"### {title}\n\n")
            render_frame(frame, output)
            sys.stdout.write("\n")
        sys.stdout.write(note + "\n")
    else:
        render_frame(groups, output, titles[0])
        render_frame(shares, output, titles[1])
        print_wrapped(Text(note))
