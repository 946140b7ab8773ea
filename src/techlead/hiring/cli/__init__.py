"""`techlead hire ...`: the competency matrix, role profiles, question bank and interview kits.

Candidates, scorecards, debriefs, calibration and retention are in `hiring.cli.records`.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer

from techlead import terminal
from techlead.hiring.cli import records
from techlead.options import FormatOption, QuietOption, RepoOption
from techlead.output import OutputFormat, render_frame, to_json

if TYPE_CHECKING:
    from techlead.config import Settings
    from techlead.hiring.kits import CodeExercise, Kit
    from techlead.hiring.profiles import Matrix

app = typer.Typer(
    help="Technical interviews: competency matrix, kits, scorecards, debriefs, calibration. "
    "Candidates' data stays in the record store, never in git.",
    no_args_is_help=True,
)
records.register(app)


def _settings(ctx: typer.Context, repo: Path) -> tuple[Path, Settings]:
    """The repository's root and its settings (or those of `techlead --config`)."""
    from techlead.config import load_settings
    from techlead.history.git import open_repository

    root = open_repository(repo).root
    return root, load_settings(root, ctx.obj.get("config") if ctx.obj else None)


def _matrix(ctx: typer.Context, repo: Path) -> tuple[Path, Settings, Matrix]:
    from techlead.hiring.profiles import load_matrix

    root, settings = _settings(ctx, repo)
    return root, settings, load_matrix(root, settings)


@app.command("init")
def init_command(ctx: typer.Context, repo: RepoOption = Path(".")) -> None:
    """Copy techlead's starter competencies, roles and questions into docs/hiring/ (or the
    configured directory) to make them the team's own; existing files are kept."""
    from techlead.hiring.profiles import STARTER, hiring_directory

    target = hiring_directory(*_settings(ctx, repo))
    written = kept = 0
    for source in sorted(STARTER.rglob("*.md")):
        destination = target / source.relative_to(STARTER)
        if destination.exists():
            kept += 1
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written += 1
    terminal.stdout.print(
        f"wrote {written} files to {target}" + (f" (kept {kept} already there)" if kept else ""),
        soft_wrap=True,
    )


@app.command("roles")
def roles_command(
    ctx: typer.Context, repo: RepoOption = Path("."), output: FormatOption = OutputFormat.table
) -> None:
    """Role profiles: level, competencies and the interview stages with their length."""
    *_, matrix = _matrix(ctx, repo)
    frame = pl.DataFrame(
        [
            (
                role.name,
                role.title,
                role.level,
                ", ".join(role.competencies),
                ", ".join(f"{s.name} {s.minutes} min" for s in role.stages.values()),
            )
            for role in sorted(matrix.roles.values(), key=lambda r: r.name)
        ],
        schema=["role", "title", "level", "competencies", "stages"],
        orient="row",
    )
    if output is OutputFormat.json:  # lists stay lists
        roles = sorted(matrix.roles.values(), key=lambda r: r.name)
        sys.stdout.write(to_json([dataclasses.asdict(role) for role in roles]) + "\n")
        return
    render_frame(frame, output, "Role profiles")


@app.command("matrix")
def matrix_command(
    ctx: typer.Context,
    role: Annotated[
        str | None, typer.Argument(help="Only this role's competencies (default: all).")
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """The competency matrix: what a score of 1, 2, 3 and 4 looks like for each competency."""
    *_, matrix = _matrix(ctx, repo)
    names = matrix.role(role).competencies if role else sorted(matrix.competencies)
    frame = pl.DataFrame(
        [
            (name, matrix.competencies[name].title, *matrix.competencies[name].anchors.values())
            for name in names
        ],
        schema=["competency", "title", "1", "2", "3", "4"],
        orient="row",
    )
    render_frame(frame, output, f"Competencies of {role}" if role else "Competency matrix")


@app.command("questions")
def questions_command(
    ctx: typer.Context,
    competency: Annotated[str | None, typer.Option(help="Only this competency's.")] = None,
    stage: Annotated[str | None, typer.Option(help="Only those for this stage.")] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """The question bank (starter questions and docs/hiring/questions/)."""
    *_, matrix = _matrix(ctx, repo)
    chosen = [
        q
        for q in matrix.questions
        if (competency is None or q.competency == competency)
        and (stage is None or not q.stages or stage in q.stages)
    ]
    frame = pl.DataFrame(
        [
            (
                q.name,
                q.competency,
                ", ".join(map(str, q.levels)) or "any",
                ", ".join(q.stages) or "any",
                q.minutes,
                q.title,
                len(matrix.drawn_for(q)) or "never",
            )
            for q in chosen
        ],
        schema=["question", "competency", "levels", "stages", "minutes", "title", "role stages"],
        orient="row",
    )
    if output is OutputFormat.json:  # lists stay lists
        rows = [{**dataclasses.asdict(q), "drawn_for": matrix.drawn_for(q)} for q in chosen]
        sys.stdout.write(to_json(rows) + "\n")
        return
    render_frame(frame, output, "Question bank")
    never = [q.name for q in chosen if not matrix.drawn_for(q)]
    if never and output is OutputFormat.table:
        terminal.stdout.print(
            f"never drawn (no role stage has its competency at its levels and stages): "
            f"{', '.join(never)}",
            soft_wrap=True,
        )


def _check_out(out: Path | None) -> None:
    from techlead.errors import TechleadError

    if out is None:
        return
    if out.suffix.lower() not in {".md", ".html", ".pdf"}:
        raise TechleadError(f"--out {out}: write a .md, .html or .pdf file")
    if out.is_dir() or not out.absolute().parent.is_dir():
        raise TechleadError(f"--out {out}: not a file in an existing directory")


def _code(ctx: typer.Context, repo: Path, quiet: bool) -> CodeExercise | None:
    from techlead.debt.complexity import measured
    from techlead.debt.hotspots import hotspot_window, hotspots
    from techlead.hiring.kits import code_exercise
    from techlead.history.test_paths import spec_of_tests
    from techlead.shell import load_files

    files = load_files(ctx, repo, quiet)
    settings = files.history.settings
    ranked = hotspots(files, measured(files, quiet), hotspot_window(None, settings.debt))
    return code_exercise(files, ranked, spec_of_tests(settings.review))


@app.command("kit")
def kit_command(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="The role profile (techlead hire roles).")],
    stage: Annotated[
        str,
        typer.Option(
            "--stage", "-s", help="screen, technical, system-design, or a stage the role defines."
        ),
    ],
    seed: Annotated[int, typer.Option(help="Which questions are drawn (same seed, same kit).")] = 0,
    code: Annotated[
        bool | None,
        typer.Option(
            "--code/--no-code",
            help="A code-reading exercise from one of the repository's hotspots "
            "(default: in the technical stage).",
        ),
    ] = None,
    design: Annotated[
        bool | None,
        typer.Option(
            "--design/--no-design",
            help="A design discussion seeded from an accepted decision record "
            "(default: in the system-design stage).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="kit.md, kit.html or kit.pdf (default: Markdown on stdout).")
    ] = None,
    repo: RepoOption = Path("."),
    quiet: QuietOption = False,
) -> None:
    """An interview kit: a timed plan, questions with follow-ups and what good and poor
    answers look like, the scoring rubric and a scorecard."""
    from techlead.hiring.documents import kit_html, kit_markdown
    from techlead.hiring.kits import build_kit, design_from_decisions

    _check_out(out)
    root, settings, matrix = _matrix(ctx, repo)
    matrix.role(role).stage(stage)  # a typo fails before any mining
    with_code = code if code is not None else stage == "technical"
    with_design = design if design is not None else stage == "system-design"
    exercise = _code(ctx, repo, quiet) if with_code else None
    prompt = design_from_decisions(root, settings, seed) if with_design else None
    kit = build_kit(matrix, role, stage, seed, exercise, prompt)
    text = kit_markdown(kit)
    for note in _notes(kit, with_code, with_design):
        terminal.stderr.print(f"note: {note}", soft_wrap=True)
    if out is None:
        sys.stdout.write(text)
        return
    title = f"Interview kit: {kit.role.title}, {kit.stage.name}"
    _write(out, text if out.suffix.lower() == ".md" else kit_html(text, title))


def _notes(kit: Kit, with_code: bool, with_design: bool) -> list[str]:
    """What the kit lacks that the user may expect."""
    notes = []
    if with_code and kit.code is None:
        notes.append("no hotspot has a function of readable size: the kit has no code reading")
    if with_design and kit.design is None:
        notes.append("no accepted decision record with a context: the kit has no design prompt")
    if kit.missing:
        notes.append(f"no question in the bank for {', '.join(kit.missing)}")
    if not kit.questions and len(kit.missing) < len(kit.stage.competencies):
        notes.append(
            f"the {kit.stage.minutes}-minute stage leaves no time for any question of the bank"
        )
    return notes


def _write(out: Path, content: str) -> None:
    from techlead.pdf import write_document

    write_document(content, out)
    terminal.stdout.print(f"wrote {out}", soft_wrap=True)
