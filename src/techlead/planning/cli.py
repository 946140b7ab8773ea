"""`techlead plan ...`: the CLI shell over techlead.planning."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import polars as pl
import typer

from techlead import terminal
from techlead.config import Settings
from techlead.options import FormatOption, QuietOption, RepoOption
from techlead.output import (
    OutputFormat,
    frame_table,
    plain,
    print_table,
    render_frame,
    to_json,
)
from techlead.planning.forecast import PERCENTILES, ForecastError, Risk, Scope
from techlead.planning.throughput import Completions, Source, Window
from techlead.plurals import counted
from techlead.shell import opened_store

if TYPE_CHECKING:
    from techlead.planning.backtest import Backtest
    from techlead.planning.importer import ExportFormat

app = typer.Typer(
    help="Planning: backlog imports, story lint, Monte Carlo forecasts, capacity, calibration.",
    no_args_is_help=True,
)
forecast_app = typer.Typer(
    help="Monte Carlo forecasts from the team's own daily throughput.", no_args_is_help=True
)
app.add_typer(forecast_app, name="forecast")


SourceOption = Annotated[
    Source,
    typer.Option(
        "--source",
        help="tracker (imported backlog), git (merged changes), or auto: the tracker if "
        "anything finished was imported, else git.",
    ),
]
HistoryDaysOption = Annotated[
    int | None,
    typer.Option(
        "--history-days", min=7, max=3650, help="Days of throughput to sample (default 90)."
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed: same seed, same answer.")]
TrialsOption = Annotated[
    int | None, typer.Option("--trials", min=100, help="Monte Carlo trials (default 10,000).")
]
StartOption = Annotated[
    str | None, typer.Option("--start", help="First day of the work, YYYY-MM-DD (default today).")
]
ChartOption = Annotated[
    Path | None, typer.Option("--chart", help="Also draw the forecast to this .svg or .png file.")
]
SplitOption = Annotated[
    str | None,
    typer.Option("--split", help="Split rate LOW-HIGH: each item becomes this many (e.g. 1-1.5)."),
]
RiskOption = Annotated[
    list[str] | None,
    typer.Option(
        "--risk",
        help="NAME:LIKELIHOOD:LOW-HIGH, e.g. 'new API:30%:2-5' adds 2 to 5 items 30% of the "
        "time. Repeatable.",
    ),
]


def _date(value: str, option: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ForecastError(f"{option} {value!r}: not a date (YYYY-MM-DD)") from None
    if not 1970 <= day.year <= 2999:
        raise ForecastError(f"{option} {value!r}: give a date from 1970 to 2999")
    return day


def _today(settings: Settings) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.planning.timezone)).date()


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ForecastError(f"{what}: {text!r} is not a number") from None


def _split(value: str | None) -> tuple[float, float]:
    if value is None:
        return 1.0, 1.0
    match = re.fullmatch(r"\s*(\d*\.?\d+)\s*(?:-\s*(\d*\.?\d+)\s*)?", value)
    if not match:
        raise ForecastError(f"--split {value!r}: give a rate or a range LOW-HIGH, e.g. 1-1.5")
    pair = float(match.group(1)), float(match.group(2) or match.group(1))
    if not 0 < pair[0] <= pair[1]:
        raise ForecastError(f"--split {value!r}: give LOW-HIGH with 0 < LOW <= HIGH")
    return pair


def _risks(values: list[str] | None) -> tuple[Risk, ...]:
    risks = []
    for value in values or []:
        match = re.fullmatch(r"(.+):\s*([\d.]+)\s*(%?)\s*:\s*(\d+)\s*(?:-\s*(\d+))?", value.strip())
        if not match:
            raise ForecastError(
                f"--risk {value!r}: write NAME:LIKELIHOOD:LOW-HIGH, e.g. 'db:30%:2-5'"
            )
        name, chance, percent, low, high = match.groups()
        likelihood = _number(chance, "--risk") / (100 if percent else 1)
        risk = Risk(name.strip(), likelihood, int(low), int(high or low))
        if not 0 <= likelihood <= 1 or risk.low > risk.high:
            raise ForecastError(f"--risk {value!r}: likelihood 0-100% and LOW <= HIGH items")
        risks.append(risk)
    return tuple(risks)


@dataclass
class _Evidence:
    settings: Settings
    completions: Completions


def _evidence(ctx: typer.Context, repo: Path, source: Source, quiet: bool) -> _Evidence:
    """Finished work from the imported backlog or from the repository's history."""
    from techlead.planning.backlog import stored_items
    from techlead.planning.throughput import finished_work, git_completions
    from techlead.shell import mined

    with opened_store(ctx, repo) as (root, settings, store):
        items = stored_items(store)

    def from_git() -> Completions:
        result = mined(root, settings, quiet)
        return git_completions(result.history.commits, result.head, settings.planning)

    completions = finished_work(items, settings.planning, from_git, source)
    if source is Source.auto and completions.source == "git history":
        terminal.stderr.print(
            f"note: no finished items imported; throughput is {completions.unit} from git history",
            soft_wrap=True,
        )
    return _Evidence(settings, completions)


def _window(evidence: _Evidence, start: dt.date, history_days: int | None) -> Window:
    from techlead.planning.stability import check_stability
    from techlead.planning.throughput import history_window

    days = history_days or evidence.settings.planning.history_days
    window = history_window(evidence.completions, start, days)
    for warning in check_stability(window, evidence.completions.unit).warnings:
        terminal.stderr.print(f"warning: {warning}", soft_wrap=True)
    return window


def _basis(window: Window, completions: Completions) -> dict[str, Any]:
    from techlead.planning.answers import forecast_basis

    found: dict[str, Any] = plain(forecast_basis(window, completions))
    return found


def _caption(basis: dict[str, Any]) -> str:
    return (
        f"from {basis['per_day']:.2f} {basis['unit']}/day, {basis['history']['first']} to "
        f"{basis['history']['last']} ({counted(basis['days_with_data'], 'day')} with any), "
        f"{basis['source']}"
    )


def _print_result(
    rows: pl.DataFrame, summary: dict[str, Any], output: OutputFormat, title: str, caption: str
) -> None:
    if output is OutputFormat.json:
        sys.stdout.write(to_json(summary) + "\n")
    elif output is OutputFormat.table:
        print_table(frame_table(rows, title, caption))
    else:
        render_frame(rows, output)


@app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Export files (several pages are fine).")],
    export_format: Annotated[
        str,
        typer.Option("--format", help="auto, jira-csv, jira-json, github or linear."),
    ] = "auto",
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="Zone of times written without one (Jira CSV); default: planning.timezone.",
        ),
    ] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Import a Jira (CSV or REST JSON), GitHub issues (JSON) or Linear (CSV) export.

    Re-importing updates the items already stored; a bad file imports nothing."""
    from zoneinfo import ZoneInfoNotFoundError

    from techlead.inputs.files import check_file
    from techlead.planning.fields import ExportError
    from techlead.planning.importer import import_exports

    chosen = _export_format(export_format)
    for file in files:  # before the record store is opened (or created)
        check_file(file, error=ExportError)
    try:
        zone = ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        raise ForecastError(f"--timezone {timezone!r}: unknown zone (use an IANA name)") from None
    with opened_store(ctx, repo) as (_, settings, store):
        summary = import_exports(
            store, files, chosen, settings.planning, zone, settings.files.max_input_bytes
        )
    total = summary.added + summary.updated + summary.unchanged
    terminal.stdout.print(
        f"imported {counted(total, 'item')} from {counted(summary.files, 'file')}: "
        f"{summary.added} new, "
        f"{summary.updated} updated, {summary.unchanged} unchanged"
    )


def _export_format(value: str) -> ExportFormat:
    from techlead.planning.importer import ExportFormat

    try:
        return ExportFormat(value)
    except ValueError:
        names = ", ".join(member.value for member in ExportFormat)
        raise ForecastError(f"--format {value!r}: use one of {names}") from None


@app.command("items")
def items_command(
    ctx: typer.Context,
    category: Annotated[
        str | None, typer.Option("--category", help="todo, in_progress or done.")
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """The imported backlog."""
    from techlead.planning.backlog import stored_items
    from techlead.planning.items import CATEGORIES

    category = category.replace("-", "_") if category else None
    if category is not None and category not in CATEGORIES:
        raise ForecastError(f"--category {category!r}: use one of {', '.join(CATEGORIES)}")
    with opened_store(ctx, repo) as (_, _settings, store):
        items = stored_items(store)
    if category:
        items = items.filter(pl.col("category") == category)
    shown = items.select(
        "key", "type", "status", "points", "assignee", "created_at", "resolved_at", "title"
    )
    render_frame(shown, output, f"Backlog ({items.height} items)")


@app.command("lint")
def lint_command(
    ctx: typer.Context, repo: RepoOption = Path("."), output: FormatOption = OutputFormat.table
) -> None:
    """Open items without (testable) acceptance criteria, too big, or in progress too long;
    exit 1 if any."""
    from techlead.planning.backlog import stored_items
    from techlead.planning.lint import lint_backlog

    with opened_store(ctx, repo) as (_, settings, store):
        items = stored_items(store)
    if items.is_empty():
        raise ForecastError(
            "no backlog imported yet", hint="import an export with `techlead plan import FILE`"
        )
    result = lint_backlog(items, settings.planning, dt.datetime.now(dt.UTC))
    for note in result.notes:
        terminal.stderr.print(f"note: {note}", soft_wrap=True)
    frame = pl.DataFrame(
        [(f.key, f.rule, f.message, f.title) for f in result.findings],
        schema={"key": pl.String, "rule": pl.String, "problem": pl.String, "title": pl.String},
        orient="row",
    )
    if result.findings or output is not OutputFormat.table:
        render_frame(frame, output, f"Story lint: {result.checked} open items checked")
    else:
        terminal.stdout.print(f"{result.checked} open items checked: no problems")
    if result.findings:
        raise typer.Exit(1)


@app.command("throughput")
def throughput_command(
    ctx: typer.Context,
    source: SourceOption = Source.auto,
    history_days: HistoryDaysOption = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day of the window (default yesterday).")
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Weekly throughput and its stability (XmR natural process limits)."""
    from techlead.planning.stability import check_stability
    from techlead.planning.throughput import history_window

    evidence = _evidence(ctx, repo, source, quiet)
    last = _date(until, "--until") if until else _today(evidence.settings) - dt.timedelta(1)
    days = history_days or evidence.settings.planning.history_days
    window = history_window(evidence.completions, last + dt.timedelta(1), days, True)
    stability = check_stability(window, evidence.completions.unit)
    rows = pl.DataFrame(
        [(start, total) for start, total in stability.weeks],
        schema={"week from": pl.Date, evidence.completions.unit: pl.Int64},
        orient="row",
    )
    summary = {
        **_basis(window, evidence.completions),
        "weeks": [{"from": start, "finished": total} for start, total in stability.weeks],
        "mean_per_week": round(stability.mean, 2),
        "natural_limits": [round(stability.lower_limit, 2), round(stability.upper_limit, 2)],
        "stable": stability.stable,
        "warnings": stability.warnings,
    }
    verdict = (
        f"limits {stability.lower_limit:.1f} to {stability.upper_limit:.1f} per week: "
        + ("stable" if stability.stable else "UNSTABLE")
        if len(stability.weeks) >= 5
        else "too short to judge stability"
    )
    _print_result(rows, summary, output, "Weekly throughput", _caption(summary) + "\n" + verdict)
    if output is OutputFormat.table:
        for warning in stability.warnings:
            terminal.stderr.print(f"warning: {warning}", soft_wrap=True)


@dataclass
class _Inputs:
    """What both forecasts start from."""

    evidence: _Evidence
    start: dt.date
    scope: Scope
    window: Window
    trials: int
    seed: int

    def summary(self, question: str, **answer: Any) -> dict[str, Any]:
        """The answer as its record (`WhenAnswer` or `HowManyAnswer`), as plain data."""
        from techlead.planning.answers import HowManyAnswer, WhenAnswer, forecast_basis, simulated

        model = WhenAnswer if question == "when" else HowManyAnswer
        basis = forecast_basis(self.window, self.evidence.completions)
        common = simulated(self.scope, self.trials, self.seed, basis)
        found: dict[str, Any] = plain(
            model(question=question, start=self.start, **answer, **common)
        )
        return found


def _inputs(
    ctx: typer.Context,
    options: tuple[Path, Source, bool, int | None, int | None, int],
    start: str | None,
    items: int,
    split: str | None,
    risk: list[str] | None,
) -> _Inputs:
    repo, source, quiet, history_days, trials, seed = options
    scope = Scope(items, *_split(split), _risks(risk))
    evidence = _evidence(ctx, repo, source, quiet)
    first = _date(start, "--start") if start else _today(evidence.settings)
    window = _window(evidence, first, history_days)
    runs = trials or evidence.settings.planning.trials
    return _Inputs(evidence, first, scope, window, runs, seed)


def _show_forecast(
    inputs: _Inputs,
    rows: pl.DataFrame,
    summary: dict[str, Any],
    output: OutputFormat,
    title: str,
    chart: tuple[Path | None, Callable[[str], dict[str, Any]]],
) -> None:
    caption = f"{inputs.trials:,} trials, seed {inputs.seed}, " + _caption(summary["basis"])
    _print_result(rows, summary, output, title, caption)
    target, spec = chart
    if target is not None:
        from techlead.planning.chart import write_chart

        write_chart(spec(title), target)
        terminal.stderr.print(f"chart written to {target}", soft_wrap=True)


@forecast_app.command("when")
def when_command(
    ctx: typer.Context,
    items: Annotated[int, typer.Option("--items", "-n", min=1, help="Items left to finish.")],
    start: StartOption = None,
    split: SplitOption = None,
    risk: RiskOption = None,
    source: SourceOption = Source.auto,
    history_days: HistoryDaysOption = None,
    trials: TrialsOption = None,
    seed: SeedOption = 1,
    chart: ChartOption = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """When will N items be finished? Dates at 50%, 85% and 95% likelihood."""
    from techlead.planning.chart import check_chart_path, when_chart
    from techlead.planning.forecast import forecast_completion

    if chart is not None:
        check_chart_path(chart)
    options = (repo, source, quiet, history_days, trials, seed)
    inputs = _inputs(ctx, options, start, items, split, risk)
    forecast = forecast_completion(
        inputs.window.counts, inputs.scope, inputs.start, inputs.trials, seed
    )
    first = inputs.start
    rows = pl.DataFrame(
        [(f"{q}%", day, (day - first).days + 1) for q, day in forecast.percentiles.items()],
        schema={"likelihood": pl.String, "done by": pl.Date, "calendar days": pl.Int64},
        orient="row",
    )
    percentiles = {str(q): day for q, day in forecast.percentiles.items()}
    summary = inputs.summary("when", items=items, percentiles=percentiles)
    unit = inputs.evidence.completions.unit
    title = f"When will {items} {unit} be finished, starting {first}?"
    _show_forecast(inputs, rows, summary, output, title, (chart, lambda t: when_chart(forecast, t)))


@forecast_app.command("how-many")
def how_many_command(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="Last day counted, YYYY-MM-DD.")],
    start: StartOption = None,
    split: SplitOption = None,
    risk: RiskOption = None,
    source: SourceOption = Source.auto,
    history_days: HistoryDaysOption = None,
    trials: TrialsOption = None,
    seed: SeedOption = 1,
    chart: ChartOption = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """How many items will be finished by a date? At least this many at 50%, 85%, 95%."""
    from techlead.planning.chart import check_chart_path, how_many_chart
    from techlead.planning.forecast import forecast_how_many

    if chart is not None:
        check_chart_path(chart)
    end = _date(by, "--by")
    options = (repo, source, quiet, history_days, trials, seed)
    inputs = _inputs(ctx, options, start, 0, split, risk)
    forecast = forecast_how_many(
        inputs.window.counts, inputs.start, end, inputs.trials, seed, inputs.scope
    )
    rows = pl.DataFrame(
        [(f"{q}%", count) for q, count in forecast.percentiles.items()],
        schema={"likelihood": pl.String, "at least": pl.Int64},
        orient="row",
    )
    percentiles = {str(q): count for q, count in forecast.percentiles.items()}
    summary = inputs.summary("how-many", by=end, percentiles=percentiles)
    title = f"How many {inputs.evidence.completions.unit} from {inputs.start} to {end}?"
    _show_forecast(
        inputs, rows, summary, output, title, (chart, lambda t: how_many_chart(forecast, t))
    )


def _absences(values: list[str] | None) -> dict[str, float]:
    absences: dict[str, float] = {}
    for value in values or []:
        name, _, days = value.rpartition(":")
        if not name.strip():
            raise ForecastError(f"--absence {value!r}: write NAME:DAYS, e.g. alice:3")
        amount = _number(days, f"--absence {value!r}")
        if not math.isfinite(amount) or amount < 0:
            raise ForecastError(f"--absence {value!r}: days must be a number, 0 or more")
        absences[name.strip()] = absences.get(name.strip(), 0.0) + amount
    return absences


@app.command("capacity")
def capacity_command(
    ctx: typer.Context,
    sprint_days: Annotated[
        int, typer.Option("--sprint-days", min=1, help="Calendar days in the sprint.")
    ] = 14,
    absence: Annotated[
        list[str] | None,
        typer.Option("--absence", help="NAME:DAYS away during the sprint. Repeatable."),
    ] = None,
    team_size: Annotated[
        int | None,
        typer.Option(
            "--team-size", min=1, help="People (default: who finished work in the window)."
        ),
    ] = None,
    start: StartOption = None,
    source: SourceOption = Source.auto,
    history_days: HistoryDaysOption = None,
    trials: TrialsOption = None,
    seed: SeedOption = 1,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Items to expect in the next sprint from throughput and who is available."""
    from techlead.planning.capacity import sprint_capacity

    evidence = _evidence(ctx, repo, source, quiet)
    first = _date(start, "--start") if start else _today(evidence.settings)
    window = _window(evidence, first, history_days)
    people = evidence.completions.people_between(window.first, window.last)
    size = team_size or len(people)
    if size == 0:
        raise ForecastError("nobody is named on the finished work: give --team-size")
    away = _absences(absence)
    unknown = sorted(set(away) - people)
    if unknown and team_size is None:
        terminal.stderr.print(
            f"note: {', '.join(unknown)} finished nothing in the window; the team size "
            f"({size}) counts only those who did",
            soft_wrap=True,
        )
    runs = trials or evidence.settings.planning.trials
    result = sprint_capacity(window.counts, sprint_days, size, away, runs, seed)
    rows = pl.DataFrame(
        [(f"{q}%", result.full_team[q], result.expected[q]) for q in PERCENTILES],
        schema={"likelihood": pl.String, "everyone in": pl.Int64, "with absences": pl.Int64},
        orient="row",
    )
    basis = _basis(window, evidence.completions)
    summary = {
        "start": first,
        "sprint_days": sprint_days,
        "team_size": size,
        "absent_days": result.absent_days,
        "availability": round(result.availability, 4),
        "full_team": {str(q): n for q, n in result.full_team.items()},
        "with_absences": {str(q): n for q, n in result.expected.items()},
        "trials": runs,
        "seed": seed,
        "basis": basis,
    }
    caption = (
        f"{counted(size, 'person', 'people')}, {result.absent_days:g} of "
        f"{size * sprint_days} person-days away ({result.availability:.0%} available); "
        + _caption(basis)
    )
    title = f"Sprint of {sprint_days} days from {first}: {evidence.completions.unit} to expect"
    _print_result(rows, summary, output, title, caption)


@app.command("backtest")
def backtest_command(
    ctx: typer.Context,
    items: Annotated[
        int, typer.Option("--items", "-n", min=1, help="Items each forecast is for.")
    ] = 10,
    every: Annotated[int, typer.Option("--every", min=1, help="Days between forecast dates.")] = 7,
    since: Annotated[
        str | None, typer.Option("--since", help="First forecast date, YYYY-MM-DD.")
    ] = None,
    details: Annotated[bool, typer.Option("--details", help="One row per forecast.")] = False,
    source: SourceOption = Source.auto,
    history_days: HistoryDaysOption = None,
    trials: Annotated[int, typer.Option("--trials", min=100, help="Trials per forecast.")] = 2000,
    seed: SeedOption = 1,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Walk forward through history: how often did the real date fall within P50/P85/P95?"""
    from techlead.planning.backtest import MIN_FORECASTS, backtest

    evidence = _evidence(ctx, repo, source, quiet)
    days = history_days or evidence.settings.planning.history_days
    result = backtest(
        evidence.completions,
        items,
        days,
        every,
        trials,
        seed,
        _date(since, "--since") if since else None,
    )
    if not result.samples:
        raise ForecastError(
            f"no forecast could be checked: the history needs {days} days of throughput and "
            f"then the time to finish {items} more {evidence.completions.unit}",
            hint="try fewer --items or a shorter --history-days",
        )
    rows = (
        _backtest_details(result)
        if details
        else pl.DataFrame(
            [
                (f"P{q}", f"{q}%", _held(result, q, False), _held(result, q, True))
                for q in PERCENTILES
            ],
            schema={
                "forecast": pl.String,
                "should hold": pl.String,
                "held": pl.String,
                "held, stable history": pl.String,
            },
            orient="row",
        )
    )
    summary = {
        "items": items,
        "history_days": days,
        "every_days": every,
        "source": evidence.completions.source,
        "unit": evidence.completions.unit,
        "forecasts": len(result.samples),
        "calibration": result.is_calibration,
        "min_forecasts": MIN_FORECASTS,
        "held": {str(q): result.held(q)[0] for q in PERCENTILES},
        "first": result.first,
        "last": result.last,
        "coverage": {str(q): result.coverage(q) for q in PERCENTILES},
        "stable_forecasts": sum(sample.sound for sample in result.samples),
        "coverage_stable_history": {str(q): result.coverage(q, True) for q in PERCENTILES},
        "median_absolute_error_days": result.median_absolute_error(),
        "mean_error_days": result.mean_error(),
        "samples": _backtest_details(result).to_dicts(),
    }
    error, bias = result.median_absolute_error(), result.mean_error()
    caption = (
        f"{len(result.samples)} forecasts ({sum(s.sound for s in result.samples)} from a "
        f"stable history) from {result.first} to {result.last}, each for "
        f"{items} {evidence.completions.unit} from the {days} days before it "
        f"({evidence.completions.source}); P50 off by a median of "
        + (
            f"{error:g} days, {bias:+.1f} on average (+ = finished after it)"
            if error is not None
            else "n/a"
        )
    )
    title = "Forecast calibration (walk-forward backtest)"
    if not result.is_calibration:
        count = len(result.samples)
        title = (
            f"Forecast backtest: {counted(count, 'forecast')}, too few "
            f"to call a calibration (at least {MIN_FORECASTS})"
        )
        terminal.stderr.print(
            f"warning: only {counted(count, 'forecast')} could be "
            f"checked; {MIN_FORECASTS} or more are needed before the shares say how well "
            "forecasts are calibrated",
            soft_wrap=True,
        )
    _print_result(rows, summary, output, title, caption)


def _held(result: Backtest, percentile: int, sound_only: bool) -> str:
    """ "91% (32 of 35)"; only the counts when they are too few to be a calibration."""
    held, checked = result.held(percentile, sound_only)
    if not checked:
        return "n/a"
    counts = f"{held} of {checked}"
    return f"{held / checked:.0%} ({counts})" if result.is_calibration else counts


def _backtest_details(result: Any) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (
                s.date,
                s.forecast[50],
                s.forecast[85],
                s.forecast[95],
                s.actual,
                s.error_days,
                s.sound,
            )
            for s in result.samples
        ],
        schema={
            "forecast on": pl.Date,
            "P50": pl.Date,
            "P85": pl.Date,
            "P95": pl.Date,
            "actual": pl.Date,
            "P50 error (days)": pl.Int64,
            "stable history": pl.Boolean,
        },
        orient="row",
    )
