"""`techlead hire add|candidates|assign|score|debrief|decide|outcome|calibration|purge`.

On the command line the lead is the hiring manager: they see every submitted scorecard. The
team server enforces who sees what (see `hiring.scorecards`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import polars as pl
import typer

from techlead import terminal
from techlead.options import FormatOption, RepoOption
from techlead.output import OutputFormat, render_frame, to_json
from techlead.plurals import counted
from techlead.shell import opened_store

if TYPE_CHECKING:
    from techlead.config import Settings
    from techlead.hiring.calibration import Calibration
    from techlead.hiring.debrief import Debrief
    from techlead.hiring.profiles import Matrix
    from techlead.hiring.scorecards import CandidateView, RoleLookup, Score

CandidateArgument = Annotated[str, typer.Argument(help="Candidate number (#12 or 12) or name.")]
StageOption = Annotated[
    str, typer.Option("--stage", "-s", help="The interview stage (screen, technical, ...).")
]


def _matrix(root: Path, settings: Settings) -> Matrix:
    from techlead.hiring.profiles import load_matrix

    return load_matrix(root, settings)


def _roles(root: Path, settings: Settings) -> RoleLookup:
    from techlead.hiring.scorecards import RoleLookup

    return RoleLookup(_matrix(root, settings).roles)


def _said(candidate: CandidateView) -> str:
    done = sum(c.submitted for c in candidate.scorecards) + candidate.hidden
    said = f"#{candidate.id} {candidate.name} ({candidate.role}, {candidate.status})"
    if done or candidate.pending:
        said += f"; {counted(done, 'scorecard')} submitted"
    if candidate.pending:
        said += f", open: {', '.join(candidate.pending)}"
    return said


def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The candidate's name.")],
    role: Annotated[str, typer.Option("--role", help="The role profile applied for.")],
    email: Annotated[str | None, typer.Option(help="Contact email (personal data).")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes (personal data).")] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Add a candidate (kept in the record store only, and purged after the retention
    period: techlead hire purge)."""
    from techlead.hiring.scorecards import add_candidate

    with opened_store(ctx, repo) as (root, settings, store):
        added = add_candidate(store, name, _matrix(root, settings).role(role), email, notes)
    terminal.stdout.print(f"added {_said(added)}", soft_wrap=True)


def candidates_command(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option(help="Only active, hired, rejected or withdrawn ones.")
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Candidates, newest first, with their scorecards' progress."""
    from techlead.hiring.scorecards import list_candidates

    with opened_store(ctx, repo) as (_, _settings, store):
        found = list_candidates(store, status=status)
    frame = pl.DataFrame(
        [
            (
                c.id,
                c.name,
                c.role,
                c.status,
                sum(card.submitted for card in c.scorecards),
                len(c.pending),
                c.outcome,
                c.created_at,
            )
            for c in found
        ],
        schema={
            "id": pl.Int64,
            "name": pl.String,
            "role": pl.String,
            "status": pl.String,
            "submitted": pl.Int64,
            "open": pl.Int64,
            "outcome": pl.Float64,
            "added": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    if frame.is_empty() and output is OutputFormat.table:
        terminal.stdout.print(
            "no candidates"
            + (f" with status {status}" if status else "")
            + ": techlead hire add NAME --role ROLE"
        )
        return
    render_frame(frame, output, "Candidates")


def assign_command(
    ctx: typer.Context,
    candidate: CandidateArgument,
    stage: StageOption,
    interviewers: Annotated[
        list[str], typer.Option("--interviewer", "-i", help="An interviewer (repeatable).")
    ],
    repo: RepoOption = Path("."),
) -> None:
    """Put interviewers on a candidate's panel for a stage; each scorecard stays open (and
    the others' hidden from them) until they submit."""
    from techlead.hiring.scorecards import assign

    with opened_store(ctx, repo) as (root, settings, store):
        found = assign(store, candidate, _roles(root, settings), stage, interviewers)
    terminal.stdout.print(_said(found), soft_wrap=True)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    from techlead.hiring.profiles import HiringError

    found: dict[str, str] = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise HiringError(f"{option} {value!r}: write COMPETENCY=VALUE")
        if name.strip() in found:
            raise HiringError(f"{option} {name.strip()} is given twice: give it once")
        found[name.strip()] = given.strip()
    return found


def _scores(scores: list[str], evidence: list[str]) -> tuple[Score, ...]:
    from techlead.hiring.profiles import HiringError
    from techlead.hiring.scorecards import Score

    numbers = _pairs(scores, "--score")
    notes = _pairs(evidence, "--evidence")
    stray = sorted(set(notes) - set(numbers))
    if stray:
        raise HiringError(f"--evidence {stray[0]}: give its --score {stray[0]}=N too")
    found = []
    for name, value in numbers.items():
        if not value.isdigit():
            raise HiringError(f"--score {name}={value}: a whole number from 1 to 4")
        found.append(Score(name, int(value), notes.get(name)))
    return tuple(found)


def score_command(
    ctx: typer.Context,
    candidate: CandidateArgument,
    interviewer: Annotated[str, typer.Option("--interviewer", "-i", help="Who interviewed.")],
    stage: StageOption,
    scores: Annotated[
        list[str] | None,
        typer.Option("--score", help="COMPETENCY=N with N from 1 to 4 (repeatable)."),
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", help="COMPETENCY=what you saw or heard (repeatable)."),
    ] = None,
    recommend: Annotated[str | None, typer.Option(help="strong-no, no, yes or strong-yes.")] = None,
    notes: Annotated[str | None, typer.Option(help="Overall notes.")] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Save without submitting (change it later).")
    ] = False,
    repo: RepoOption = Path("."),
) -> None:
    """Record an interviewer's scorecard: a 1-4 score per competency with evidence and a
    recommendation. Submitted scorecards are final."""
    from techlead.hiring.scorecards import Submission, record_scorecard

    given = Submission(_scores(scores or [], evidence or []), recommend, notes, not draft)
    with opened_store(ctx, repo) as (root, settings, store):
        found, added = record_scorecard(
            store, candidate, _roles(root, settings), interviewer, stage, given
        )
    if added:
        terminal.stderr.print(
            f"note: {interviewer} was not on the {stage} panel of #{found.id}: added",
            soft_wrap=True,
        )
    state = "saved as a draft" if draft else "submitted"
    terminal.stdout.print(f"{interviewer}'s {stage} scorecard {state}: {_said(found)}")


def debrief_command(
    ctx: typer.Context,
    candidate: CandidateArgument,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """The debrief: every submitted score side by side per competency, disagreements and
    split recommendations flagged, with the evidence behind each score."""
    from techlead.hiring.debrief import debrief
    from techlead.hiring.scorecards import candidate as find_candidate

    with opened_store(ctx, repo) as (root, settings, store):
        found = find_candidate(store, candidate)
        result = debrief(found, _matrix(root, settings), settings.hiring.disagreement)
    if output is OutputFormat.json:
        sys.stdout.write(to_json(dataclasses.asdict(result)) + "\n")
        return
    render_frame(_debrief_frame(result), output, _debrief_title(result))
    if output is OutputFormat.table:
        for line in _debrief_summary(result):
            terminal.stdout.print(line, soft_wrap=True)


def _debrief_title(result: Debrief) -> str:
    c = result.candidate
    return f"Debrief of #{c.id} {c.name} ({c.role}, {c.status})"


def _debrief_frame(result: Debrief) -> pl.DataFrame:
    rows: list[tuple[str, str, str, int | None, float | None, str, str]] = []
    for row in result.competencies:
        for rating in row.ratings or ():
            rows.append(
                (
                    row.title,
                    rating.interviewer,
                    rating.stage,
                    rating.score,
                    row.mean,
                    "⚠ " + str(row.spread) if row.disagreement else str(row.spread),
                    rating.evidence or "",
                )
            )
        if not row.ratings:
            rows.append((row.title, "-", "-", None, None, "", "not assessed yet"))
    return pl.DataFrame(
        rows,
        schema={
            "competency": pl.String,
            "interviewer": pl.String,
            "stage": pl.String,
            "score": pl.Int64,
            "mean": pl.Float64,
            "spread": pl.String,
            "evidence": pl.String,
        },
        orient="row",
    )


def _debrief_summary(result: Debrief) -> list[str]:
    said = ", ".join(f"{n} {r}" for r, n in result.recommendations.items() if n) or "none yet"
    lines = [f"Recommendations: {said}" + (" — split: discuss" if result.split else "")]
    if result.mean is not None:
        lines.append(
            f"Mean score {result.mean} over {counted(result.submitted, 'submitted scorecard')}"
        )
    if result.disagreements:
        lines.append(f"Disagreement on: {', '.join(result.disagreements)}")
    if result.pending:
        lines.append(f"Still open: {', '.join(result.pending)}")
    return lines


def decide_command(
    ctx: typer.Context,
    candidate: CandidateArgument,
    status: Annotated[str, typer.Argument(help="hired, rejected, withdrawn (or active).")],
    repo: RepoOption = Path("."),
) -> None:
    """Record the hiring decision (the retention period counts from the last activity)."""
    from techlead.hiring.scorecards import decide

    with opened_store(ctx, repo) as (_, _settings, store):
        found = decide(store, candidate, status)
    terminal.stdout.print(_said(found), soft_wrap=True)


def outcome_command(
    ctx: typer.Context,
    candidate: CandidateArgument,
    rating: Annotated[float, typer.Argument(help="Later performance, 1-4 (the same scale).")],
    repo: RepoOption = Path("."),
) -> None:
    """Rate a hire's later performance, so calibration can show which interviews predicted
    it."""
    from techlead.hiring.scorecards import rate_outcome

    with opened_store(ctx, repo) as (_, _settings, store):
        found = rate_outcome(store, candidate, rating)
    terminal.stdout.print(f"{_said(found)}; outcome {found.outcome:g}", soft_wrap=True)


def calibration_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Interviewer calibration: score distributions, leniency against the rest of the panel,
    agreement (Krippendorff's alpha), and scores against hires' later outcomes."""
    from techlead.hiring.calibration import calibrate
    from techlead.hiring.scorecards import submitted_scores

    with opened_store(ctx, repo) as (_, settings, store):
        result = calibrate(submitted_scores(store), settings.hiring.min_shared)
    if output is OutputFormat.json:
        sys.stdout.write(to_json(dataclasses.asdict(result)) + "\n")
        return
    if output is OutputFormat.csv:  # numbers stay numbers for spreadsheets
        rows = [dataclasses.asdict(i) for i in result.interviewers]
        for row in rows:
            row.update({f"scores_{s}": n for s, n in row.pop("distribution").items()})
        render_frame(pl.DataFrame(rows), output, "Interviewers")
        return
    if output is OutputFormat.markdown:
        sys.stdout.write("### Interviewers\n\n")
    render_frame(interviewer_frame(result), output, "Interviewers")
    if output is OutputFormat.markdown:
        sys.stdout.write("\n### Agreement (Krippendorff's alpha, ordinal)\n\n")
    render_frame(
        pl.DataFrame(
            [dataclasses.asdict(a) for a in result.agreement],
            schema={
                "competency": pl.String,
                "alpha": pl.Float64,
                "units": pl.Int64,
                "values": pl.Int64,
                "interviewers": pl.Int64,
            },
        ),
        output,
        "Agreement (Krippendorff's alpha, ordinal)",
    )
    if output in (OutputFormat.table, OutputFormat.markdown):
        rho = result.panel_outcome_rho
        if output is OutputFormat.markdown:
            sys.stdout.write("\n")
        terminal.stdout.print(
            f"{counted(result.candidates, 'candidate')}; "
            f"{counted(result.hires_rated, 'hire')} rated later"
            + (f"; panel mean score vs outcome: Spearman {rho}" if rho is not None else ""),
            soft_wrap=True,
        )


def _rho(rho: float | None, n: int) -> str:
    if rho is not None:
        return f"{rho:+.2f} ({n})"
    return f"— ({n}: too few or no spread)" if n else ""


def interviewer_frame(result: Calibration) -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    for i in result.interviewers:
        leniency = "" if i.leniency is None else f"{i.leniency:+.2f}"
        if i.standard_error is not None:
            leniency += f" ± {i.standard_error:.2f}"
        rows.append(
            {
                "interviewer": i.interviewer,
                "cards": i.scorecards,
                "scores 1/2/3/4": "/".join(str(i.distribution[s]) for s in (1, 2, 3, 4)),
                "mean": i.mean,
                "yes": i.yes_share,
                "shared": i.shared,
                "leniency ± se": leniency,
                "verdict": i.verdict,
                "outcome rho (n)": ""
                if i.outcome_rho is None
                else f"{i.outcome_rho:+.2f} ({i.outcome_n})",
            }
        )
    return pl.DataFrame(rows, schema=_INTERVIEWER_SCHEMA)


_INTERVIEWER_SCHEMA = {
    "interviewer": pl.String,
    "cards": pl.Int64,
    "scores 1/2/3/4": pl.String,
    "mean": pl.Float64,
    "yes": pl.Float64,
    "shared": pl.Int64,
    "leniency ± se": pl.String,
    "verdict": pl.String,
    "outcome rho (n)": pl.String,
}


def purge_command(
    ctx: typer.Context,
    older_than: Annotated[
        int | None,
        typer.Option(
            "--older-than",
            min=0,
            help="Days since the last activity (default: [hiring] retention_days, 365).",
        ),
    ] = None,
    delete: Annotated[
        bool,
        typer.Option(
            "--delete",
            help="Delete the candidates and their scorecards instead of "
            "anonymising them (calibration loses their scores).",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list who is due.")] = False,
    repo: RepoOption = Path("."),
) -> None:
    """Erase candidates' personal data after the retention period: names, emails, notes and
    evidence go; scores, recommendations and outcomes stay, anonymous, for calibration."""
    from techlead.hiring.retention import purge

    with opened_store(ctx, repo) as (_, settings, store):
        days = older_than if older_than is not None else settings.hiring.retention_days
        done = purge(store, dt.timedelta(days=days), delete, dry_run)
    numbers = ", ".join(f"#{n}" for n in done.candidates) or "none"
    verb = "deleted" if delete else "anonymised"
    if dry_run:
        verb = "would be " + verb
    terminal.stdout.print(
        f"{len(done.candidates)} {verb} (inactive since before {done.cutoff:%Y-%m-%d}): {numbers}",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    app.command("add")(add_command)
    app.command("candidates")(candidates_command)
    app.command("assign")(assign_command)
    app.command("score")(score_command)
    app.command("debrief")(debrief_command)
    app.command("decide")(decide_command)
    app.command("outcome")(outcome_command)
    app.command("calibration")(calibration_command)
    app.command("purge")(purge_command)
