"""`techlead adr ...`: the CLI shell over techlead.decisions."""

from __future__ import annotations

import enum
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from techlead import sarif as sarif_format
from techlead import terminal
from techlead.config import load_settings
from techlead.decisions.check import Violation, check_log
from techlead.decisions.frozen import baseline_path, frozen_in, shown
from techlead.decisions.lint import lint_log
from techlead.decisions.log import decision_detail, decision_record
from techlead.decisions.matrix import (
    Matrix,
    load_matrix,
    matrix_template,
    ranking,
    sensitivity,
)
from techlead.decisions.records import STANDARD_STATUSES, Decision
from techlead.decisions.renumber import renumber
from techlead.decisions.report import compare, frame, identity, sarif, write_baseline
from techlead.decisions.store import (
    FIRST_RECORD_BODY,
    DecisionLogError,
    add_link,
    decision_directory,
    find,
    load_decisions,
    set_status,
    slugify,
    stale,
    supersede,
    write_matrix_record,
    write_new,
)
from techlead.decisions.views import dot_graph, mermaid_graph, table_of_contents
from techlead.history.git import open_repository
from techlead.options import FormatOption, RepoOption, SarifOption
from techlead.output import OutputFormat, plain, render_frame, render_problems, to_json
from techlead.plurals import counted

app = typer.Typer(
    help="Architecture decision records (MADR and adr-tools compatible).", no_args_is_help=True
)


def _log(ctx: typer.Context, repo: Path) -> tuple[Path, list[str]]:
    config_file: Path | None = ctx.obj.get("config") if ctx.obj else None
    root = open_repository(repo).root
    settings = load_settings(root, config_file)
    return decision_directory(root, settings.decisions.directory), settings.decisions.statuses


def _check_status(status: str, custom: list[str]) -> str:
    allowed = [*STANDARD_STATUSES, *custom]
    if status.split(maxsplit=1)[0].lower() not in {s.lower() for s in allowed}:
        raise DecisionLogError(f"status {status!r} is not one of: {', '.join(allowed)}")
    return status


def _parse_link(spec: str, decisions: list[Decision]) -> tuple[str, str, Decision]:
    parts = spec.split(":")
    if len(parts) != 3 or not parts[0].strip().isdigit():
        raise DecisionLogError(
            f"--link {spec!r}: expected N:LABEL:REVERSE-LABEL, e.g. 2:Amends:Amended by"
        )
    return parts[1].strip(), parts[2].strip(), find(decisions, int(parts[0]))


@app.command("init")
def init_command(ctx: typer.Context, repo: RepoOption = Path(".")) -> None:
    """Create the decision log with a first record about keeping decision records."""
    directory, _ = _log(ctx, repo)
    if directory.is_dir() and any(directory.glob("[0-9][0-9][0-9][0-9]-*.md")):
        raise DecisionLogError(f"{directory}: a decision log is already here")
    directory.mkdir(parents=True, exist_ok=True)
    path = write_new(
        directory,
        [],
        "Record architecture decisions",
        template="madr",
        status="accepted",
        links=[],
        today=date.today(),
    )
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("## Context and Problem Statement")]
    root = open_repository(repo).root
    shown = directory.relative_to(root).as_posix() if directory.is_relative_to(root) else directory
    body = FIRST_RECORD_BODY.format(directory=shown)
    path.write_text(head + body, encoding="utf-8")
    terminal.stdout.print(f"created {path}")


@app.command("new")
def new_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is being decided, as a short title.")],
    template: Annotated[str, typer.Option(help="madr or nygard (adr-tools).")] = "madr",
    status: Annotated[str | None, typer.Option(help="Initial status (madr: proposed).")] = None,
    supersedes: Annotated[
        list[int] | None, typer.Option(help="Number of a record this replaces.")
    ] = None,
    link: Annotated[
        list[str] | None, typer.Option(help='N:RELATION:REVERSE, e.g. 2:Amends:"Amended by".')
    ] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Write the next-numbered decision record from a template."""
    if template not in {"madr", "nygard"}:
        raise DecisionLogError(f"--template {template!r}: use madr or nygard")
    directory, custom = _log(ctx, repo)
    decisions = load_decisions(directory)
    if status:
        _check_status(status, custom)
    replaced = [find(decisions, number) for number in supersedes or []]
    relations = [_parse_link(spec, decisions) for spec in link or []]
    links = [("Supersedes", old) for old in replaced] + [
        (label, target) for label, _, target in relations
    ]
    path = write_new(
        directory,
        decisions,
        title,
        template=template,
        status=status,
        links=links,
        today=date.today(),
    )
    new = find(load_decisions(directory), int(path.name[:4]))
    for old in replaced:
        supersede(old, new)
    for _, reverse, target in relations:
        add_link(find(load_decisions(directory), target.number), reverse, new)
    terminal.stdout.print(f"created {path}")


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only records with this status.")] = None,
    stale_only: Annotated[
        bool, typer.Option("--stale", help="Only accepted records due for review.")
    ] = False,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """The decision log: number, title, status, date."""
    directory, _ = _log(ctx, repo)
    decisions = load_decisions(directory)
    if status:
        decisions = [d for d in decisions if d.status == status.lower()]
    if stale_only:
        decisions = stale(decisions, date.today())
    frame = pl.DataFrame(
        [
            (
                d.number,
                d.title,
                d.status_text,
                d.date,
                d.review_by.isoformat() if d.review_by else None,
                d.path.name,
            )
            for d in decisions
        ],
        schema={
            "number": pl.Int64,
            "title": pl.String,
            "status": pl.String,
            "date": pl.String,
            "review_by": pl.String,
            "file": pl.String,
        },
        orient="row",
    )
    if output is OutputFormat.json:  # the status alone, and as written (the table's status)
        rows = [decision_record(d) for d in decisions]
        sys.stdout.write(to_json(plain(rows)) + "\n")
        return
    render_frame(frame, output, f"Decisions in {directory}")


@app.command("show")
def show_command(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="Record number.")],
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """One record: its text, or its fields as JSON."""
    directory, _ = _log(ctx, repo)
    record = find(load_decisions(directory), number)
    if output is OutputFormat.json:
        sys.stdout.write(to_json(plain(decision_detail(record))) + "\n")
        return
    sys.stdout.write(record.text if record.text.endswith("\n") else record.text + "\n")


@app.command("status")
def status_command(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="Record number.")],
    status: Annotated[str, typer.Argument(help="New status, e.g. accepted.")],
    repo: RepoOption = Path("."),
) -> None:
    """Change a record's status."""
    directory, custom = _log(ctx, repo)
    record = find(load_decisions(directory), number)
    set_status(record, _check_status(status, custom))
    terminal.stdout.print(f"{record.path.name}: {status}")


@app.command("link")
def link_command(
    ctx: typer.Context,
    source: Annotated[int, typer.Argument(help="The record the relation reads from.")],
    label: Annotated[str, typer.Argument(help='e.g. "Amends".')],
    target: Annotated[int, typer.Argument(help="The record it points at.")],
    reverse: Annotated[str, typer.Argument(help='The relation read backwards, e.g. "Amended by".')],
    repo: RepoOption = Path("."),
) -> None:
    """Relate two records, in both of them."""
    directory, _ = _log(ctx, repo)
    decisions = load_decisions(directory)
    first, second = find(decisions, source), find(decisions, target)
    add_link(first, label, second)
    add_link(find(load_decisions(directory), target), reverse, first)
    terminal.stdout.print(f"{first.path.name} {label} {second.path.name}")


@app.command("toc")
def toc_command(ctx: typer.Context, repo: RepoOption = Path(".")) -> None:
    """A Markdown index of the decision log."""
    directory, _ = _log(ctx, repo)
    sys.stdout.write(table_of_contents(load_decisions(directory)))


@app.command("graph")
def graph_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option("--as", help="dot or mermaid.")] = "mermaid",
    repo: RepoOption = Path("."),
) -> None:
    """Supersede and link relations as a Graphviz DOT or Mermaid graph."""
    if kind not in {"dot", "mermaid"}:
        raise DecisionLogError(f"--as {kind!r}: use dot or mermaid")
    directory, _ = _log(ctx, repo)
    decisions = load_decisions(directory)
    sys.stdout.write(dot_graph(decisions) if kind == "dot" else mermaid_graph(decisions))


@app.command("lint")
def lint_command(
    ctx: typer.Context, repo: RepoOption = Path("."), output: FormatOption = OutputFormat.table
) -> None:
    """Missing sections, unknown statuses, bad dates, broken links, shared numbers and rules
    that cannot be read; exit 1 if any."""
    directory, custom = _log(ctx, repo)
    if not directory.is_dir():
        load_decisions(directory)
    problems = lint_log(directory, custom)
    render_problems([(p.path, p.problem) for p in problems], output, directory)
    if problems:
        raise typer.Exit(1)


class CheckFormat(enum.StrEnum):
    """How `adr check` prints what it found."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    sarif = "sarif"


def _check_targets(baseline: Path | None, update: bool, sarif_file: Path | None) -> None:
    if update and baseline is None:
        raise DecisionLogError(
            "--update-baseline needs --baseline FILE or [decisions] baseline in techlead.toml"
        )
    if baseline is not None and baseline.is_dir():
        raise DecisionLogError(f"{baseline}: is a directory, not a file")
    if sarif_file is not None:
        sarif_format.check_target(sarif_file)


def _baseline(
    path: Path, update: bool, violations: list[Violation], configured: bool
) -> set[tuple[str, str]]:
    """The frozen violations: read, or written when the baseline is new, or shrunk by
    --update-baseline to those still present (new violations are never frozen by it)."""
    current = {identity(v) for v in violations}
    if not path.exists() and update:
        write_baseline(path, violations)
        terminal.stderr.print(
            f"baseline {path}: {counted(len(current), 'violation')} frozen", soft_wrap=True
        )
        return current
    frozen = frozen_in(path, configured)
    if update:
        kept = frozen & current
        write_baseline(path, [v for v in violations if identity(v) in kept])
        terminal.stderr.print(
            f"baseline {path}: {counted(len(frozen - kept), 'fixed violation')} dropped, "
            f"{len(kept)} kept",
            soft_wrap=True,
        )
        return kept
    return frozen


@app.command("check")
def check_command(
    ctx: typer.Context,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="JSON file of accepted violations: only others fail "
            "(default: [decisions] baseline)."
        ),
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option(
            "--update-baseline",
            help="Create the baseline, or drop the violations that are fixed from it.",
        ),
    ] = False,
    show_frozen: Annotated[
        bool,
        typer.Option("--show-frozen", help="List the violations frozen in the baseline too."),
    ] = False,
    sarif_file: SarifOption = None,
    repo: RepoOption = Path("."),
    output: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="table, json, csv, markdown or sarif.")
    ] = CheckFormat.table,
) -> None:
    """Check the rules of accepted decisions against the working tree; exit 1 on new ones.

    Rules live in a record's front matter under `rules:`, each with a `name` and a `type`:
    forbidden, layers or independence (import-linter's contract fields), files (no new
    files matching patterns) or dependency (packages not to declare). Exit 2 when a rule
    cannot be read.
    """
    config_file: Path | None = ctx.obj.get("config") if ctx.obj else None
    repository = open_repository(repo)
    settings = load_settings(repository.root, config_file)
    path = baseline_path(repository.root, settings, baseline)
    _check_targets(path, update_baseline, sarif_file)
    if path is not None and not update_baseline:
        frozen_in(path, baseline is None)  # before the work: a mistyped name fails at once
    decisions, rules, violations = check_log(repository, settings)
    for record in decisions:
        if record.status != "accepted" and record.front.get("rules"):
            terminal.stderr.print(
                f"note: {record.path.name} has rules but is {record.status_text!r}; "
                "only accepted records are checked"
            )
    frozen = _baseline(path, update_baseline, violations, baseline is None) if path else None
    checked = compare(violations, frozen)
    log = sarif(checked, rules, repository.root, path)
    if sarif_file is not None:
        sarif_format.write(sarif_file, log)
    new = sum(item.new for item in checked)
    if output is CheckFormat.sarif:
        sys.stdout.write(sarif_format.text(log))
    else:
        listed = checked if show_frozen else [item for item in checked if item.new]
        if listed or output is not CheckFormat.table:
            render_frame(frame(listed), OutputFormat(output.value), "Decision rule violations")
    accepted = len({bound.decision.number for bound in rules})
    summary = (
        f"{counted(len(rules), 'rule')} in {counted(accepted, 'accepted decision')}: "
        f"{counted(len(checked), 'violation')}, {new} new"
    )
    if path is not None:
        summary += f", {len(checked) - new} frozen in the baseline {shown(path, repository.root)}"
    terminal.stderr.print(summary, soft_wrap=True)
    if new:
        raise typer.Exit(1)


@app.command("renumber")
def renumber_command(ctx: typer.Context, repo: RepoOption = Path(".")) -> None:
    """Give records that share a number the next free numbers, rewriting links to them."""
    directory, _ = _log(ctx, repo)
    moves = renumber(load_decisions(directory))
    for old, new in moves:
        terminal.stdout.print(f"{old.name} -> {new.name}")
    if not moves:
        terminal.stdout.print("no shared numbers")


decide_app = typer.Typer(
    help="Weighted decision matrices with sensitivity analysis.", no_args_is_help=True
)


def _matrix_path(directory: Path, name: str) -> Path:
    given = Path(name)
    if given.suffix == ".toml" and given.exists():
        return given
    return directory / "matrices" / f"{slugify(name)}.toml"


def _load_matrix(directory: Path, name: str) -> Matrix:
    """A matrix file given on the command line as it is, one by title inside the log."""
    path = _matrix_path(directory, name)
    return load_matrix(path, None if path == Path(name) else directory)


def _criterion(spec: str) -> tuple[str, float]:
    name, _, weight = spec.rpartition(":")
    try:
        value = float(weight)
    except ValueError:
        raise DecisionLogError(f"--criterion {spec!r}: expected NAME:WEIGHT, e.g. cost:3") from None
    if not name.strip() or value <= 0:
        raise DecisionLogError(f"--criterion {spec!r}: expected NAME:WEIGHT with a weight above 0")
    return name.strip(), value


@decide_app.command("new")
def decide_new_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The question, e.g. 'Choose a message broker'.")],
    option: Annotated[list[str], typer.Option("--option", help="An option (two or more).")],
    criterion: Annotated[list[str], typer.Option("--criterion", help="NAME:WEIGHT (one or more).")],
    repo: RepoOption = Path("."),
) -> None:
    """Create a decision matrix file (every score 3) for the team to fill in."""
    if len(option) < 2:
        raise DecisionLogError("--option: give at least two options")
    for given, what in (
        (option, "--option"),
        ([_criterion(c)[0] for c in criterion], "--criterion"),
    ):
        twice = sorted({name for name in given if given.count(name) > 1})
        if twice:
            raise DecisionLogError(f"{what} {twice[0]!r}: given more than once")
    directory, _ = _log(ctx, repo)
    path = _matrix_path(directory, title)
    if path.exists():
        raise DecisionLogError(f"{path}: a matrix of that name exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        matrix_template(title, option, [_criterion(c) for c in criterion]), encoding="utf-8"
    )
    terminal.stdout.print(f"created {path}")


@decide_app.command("show")
def decide_show_command(
    ctx: typer.Context,
    matrix: Annotated[str, typer.Argument(help="Matrix title or .toml file.")],
    adr: Annotated[
        bool, typer.Option("--adr", help="Also write the result as a new MADR record.")
    ] = False,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Rank the options and show how far each weight must move to change the winner."""
    directory, _ = _log(ctx, repo)
    loaded = _load_matrix(directory, matrix)
    ranked = ranking(loaded)
    moves = sensitivity(loaded)
    if output is OutputFormat.json:
        report = {
            "title": loaded.title,
            "ranking": [{"option": o, "score": s} for o, s in ranked],
            "sensitivity": [
                {
                    "criterion": m.criterion,
                    "weight": m.weight,
                    "flips_to": m.flips_to,
                    "at_weight": m.new_weight,  # where the two tie
                    "wins": m.wins,  # on which side of at_weight flips_to wins
                    "text": m.describe(),
                }
                for m in moves
            ],
        }
        sys.stdout.write(to_json(report) + "\n")
    else:
        render_frame(
            pl.DataFrame(ranked, schema=["option", "score"], orient="row"), output, loaded.title
        )
        if output is OutputFormat.markdown:
            sys.stdout.write("\n")
        frame = pl.DataFrame(
            [(m.criterion, m.weight, m.flips_to, m.new_weight, m.wins, m.change) for m in moves],
            schema={
                "criterion": pl.String,
                "weight": pl.Float64,
                "winner_changes_to": pl.String,
                "ties_at_weight": pl.Float64,
                "wins": pl.String,
                "change": pl.Float64,
            },
            orient="row",
        )
        render_frame(frame, output, "Sensitivity: the nearest weight at which another option ties")
    tied = [option for option, score in ranked if score == ranked[0][1]]
    if len(tied) > 1:
        terminal.stderr.print(f"note: {' and '.join(tied)} tie for first place")
    if adr:
        path = write_matrix_record(
            directory, load_decisions(directory), loaded, ranked, date.today()
        )
        terminal.stdout.print(f"created {path}")
