"""`techlead risk ...`: the defect-risk model of a repository's changes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from techlead import terminal
from techlead.options import FormatOption, QuietOption, RepoOption
from techlead.output import OutputFormat, render_frame, to_json

app = typer.Typer(
    help="Defect risk of changes: Kamei's metrics, SZZ labels, a model and its evaluation.",
    no_args_is_help=True,
)
GapOption = Annotated[
    list[int] | None,
    typer.Option(
        "--gap", min=0, max=3650, help="Label latency in days (repeatable; default: config)."
    ),
]


def _labelled(ctx: typer.Context, repo: Path, quiet: bool) -> tuple[Any, pl.DataFrame, Path]:
    """The repository's settings, its changes with metrics and SZZ labels, and its risk cache."""
    from techlead.planning.backlog import stored_items
    from techlead.risk.dataset import bug_reports, labelled_changes
    from techlead.risk.features import cached_metrics, risk_cache
    from techlead.shell import mined, opened_store

    with opened_store(ctx, repo) as (root, settings, store):
        reports = bug_reports(stored_items(store))
    result = mined(root, settings, quiet)
    cache = risk_cache(result)
    metrics = cached_metrics(result, settings.risk, cache)
    with terminal.ProgressBar("Blaming fixes (SZZ)", quiet, unit="fixes") as bar:
        data, _ = labelled_changes(
            result.history, settings, reports, cache, bar.advance, bar.start, metrics
        )
    return settings, data, cache


def _results_frame(evaluation: Any) -> pl.DataFrame:
    rows = [dataclasses.asdict(r) for r in evaluation.results]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def _evaluate(
    data: pl.DataFrame,
    gaps: list[int],
    period: int,
    share: float,
    quiet: bool,
    cache: Path | None = None,
) -> Any:
    """The evaluation, from `cache` when this data was evaluated with these settings before."""
    from techlead.risk.evaluate import cached_evaluation, evaluate, folds_planned

    with terminal.ProgressBar("Training and testing", quiet, unit="model fits") as bar:
        bar.start(folds_planned(data, gaps, period))
        if cache is None:
            return evaluate(data, gaps, period, share, progress=bar.advance)
        return cached_evaluation(data, gaps, period, share, cache, progress=bar.advance)


@app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    features: Annotated[
        Path | None,
        typer.Option(
            help="Evaluate on an external dataset instead: a CSV of the 14 metrics, a date "
            "and a 0/1 label (e.g. a published Kamei-metric dataset)."
        ),
    ] = None,
    date_column: Annotated[str | None, typer.Option(help="The CSV's date column.")] = None,
    label_column: Annotated[str | None, typer.Option(help="The CSV's label column.")] = None,
    gap: GapOption = None,
    period: Annotated[
        int | None, typer.Option(min=7, max=3650, help="Days per test period (default: config).")
    ] = None,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Time-aware evaluation: train on the past, test on the next period, walking forward;
    logistic regression, random forest and the LA-only baseline (LApredict)."""
    from techlead.config import load_settings
    from techlead.errors import TechleadError
    from techlead.history.git import open_repository
    from techlead.risk.evaluate import read_features

    if features is not None:
        try:  # the repository's [risk] settings, if there is one; none is needed
            root: Path | None = open_repository(repo).root
        except TechleadError:
            root = None
        settings = load_settings(root, ctx.obj.get("config") if ctx.obj else None)
        data, dropped = read_features(
            str(features), date_column, label_column, settings.files.max_input_bytes
        )
        if dropped:
            terminal.stderr.print(
                f"note: {dropped:,} rows with an empty or NaN metric left out", soft_wrap=True
            )
        name = features.name
        cache: Path | None = None  # an external dataset's evaluation is not kept
    else:
        settings, data, cache = _labelled(ctx, repo, quiet)
        name = "this repository"
    risk = settings.risk
    evaluation = _evaluate(
        data,
        gap or risk.gaps,
        period or risk.period_days,
        risk.effort_share,
        quiet,
        cache,
    )
    if not evaluation.results or not any(r.periods for r in evaluation.results):
        terminal.stderr.print(
            "warning: no period had enough history to learn from "
            "(at least 200 changes, 20 of them defect-inducing, before the gap)",
            soft_wrap=True,
        )
    share = f"{evaluation.defective / evaluation.changes:.1%}" if evaluation.changes else "-"
    frame = _results_frame(evaluation)
    if output is OutputFormat.table and frame.height:  # what fits a terminal
        frame = frame.select(
            "model", "gap_days", "periods", "auc", "f1", "recall_at_effort", "popt", "ifa"
        )
    best = evaluation.best()
    render_frame(
        frame,
        output,
        f"Risk models on {name}: {evaluation.changes:,} changes, {share} defect-inducing"
        + (f", best of lr/rf: {best}" if best else ""),
    )


@app.command("train")
def train_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    gap: GapOption = None,
    quiet: QuietOption = False,
) -> None:
    """Evaluate both models, fit the better one on every change older than the longest gap,
    and keep it (with its evaluation) in the repository's cache."""
    from techlead.risk.features import METRICS
    from techlead.risk.model import EVALUATION_FILE, build, save_model

    settings, data, cache = _labelled(ctx, repo, quiet)
    gaps = gap or settings.risk.gaps
    risk = settings.risk
    evaluation = _evaluate(data, gaps, risk.period_days, risk.effort_share, quiet, cache)
    best = evaluation.best()
    if best is None:
        from techlead.risk.evaluate import EvaluationError

        raise EvaluationError(
            "no period had enough history to evaluate a model on "
            "(at least 200 changes, 20 of them defect-inducing, before the gap)"
        )
    latest = data.get_column("time").max()
    ready = data.filter(pl.col("time") < latest - pl.duration(days=max(gaps)))
    if ready.height == 0 or ready.get_column("label").n_unique() < 2:
        from techlead.risk.evaluate import EvaluationError

        raise EvaluationError(
            "not enough labelled history to train on: no fix has blamed an older change yet"
        )
    model = build(best)
    model.fit(ready.select(METRICS).to_numpy(), ready.get_column("label").to_numpy())
    save_model(cache, model, best)
    (cache / EVALUATION_FILE).write_text(to_json(dataclasses.asdict(evaluation)), encoding="utf-8")
    terminal.stdout.print(
        f"trained {best} on {ready.height:,} changes "
        f"({int(ready.get_column('label').sum()):,} defect-inducing); "
        f"evaluation kept in {cache / EVALUATION_FILE}",
        soft_wrap=True,
    )


@app.command("changes")
def changes_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    top: Annotated[int, typer.Option(min=1, help="Show this many changes.")] = 20,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """The latest changes with their metrics, SZZ label and (once trained) risk."""
    from techlead.risk.features import METRICS
    from techlead.risk.model import load_model

    _settings, data, cache = _labelled(ctx, repo, quiet)
    shown = data.sort("time", descending=True).head(top)
    stored = load_model(cache)
    if stored is not None:
        risk = stored[0].predict_proba(shown.select(METRICS).to_numpy())[:, 1]
        shown = shown.with_columns(risk=pl.Series(risk))
    columns = ["commit", "time", "author", *METRICS, "label"]
    if output is OutputFormat.table:  # a terminal has room for the telling ones
        columns = ["commit", "time", "author", "nf", "la", "ld", "fix", "exp", "label"]
    if "risk" in shown.columns:
        columns.append("risk")
    render_frame(
        shown.select(columns).with_columns(pl.col("commit").str.slice(0, 10)),
        output,
        "Latest changes",
    )
