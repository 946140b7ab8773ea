"""Interview kits: a timed plan, questions from the bank, a rubric and a scorecard, with an
exercise drawn from the team's own code (a hotspot's function) or decisions (an accepted ADR).
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from pathspec import GitIgnoreSpec

from techlead.config import Settings
from techlead.debt.complexity import functions_of
from techlead.decisions.records import Decision, sections
from techlead.decisions.store import decision_directory, load_decisions
from techlead.hiring.profiles import Competency, Matrix, Question, Role, Stage
from techlead.history.files import CurrentFiles
from techlead.history.git import run_git
from techlead.history.test_paths import is_test_code
from techlead.risk.szz import is_source

CODE_MINUTES = 15
DESIGN_MINUTES = 25
FUNCTION_LINES = (12, 60)  # a function short enough to read in an interview


@dataclass(frozen=True)
class CodeExercise:
    """A function from a hotspot, to read and discuss."""

    path: str
    function: str
    first_line: int
    code: str
    complexity: int
    revisions: int
    authors: int


@dataclass(frozen=True)
class DesignPrompt:
    """A design discussion seeded from an accepted decision record."""

    number: int
    title: str
    context: str
    options: str
    decision: str


@dataclass(frozen=True)
class Slot:
    minutes: int
    activity: str


@dataclass(frozen=True)
class Kit:
    role: Role
    stage: Stage
    plan: tuple[Slot, ...]
    questions: tuple[Question, ...]
    rubric: tuple[Competency, ...]
    missing: tuple[str, ...]  # stage competencies the bank has no question for
    code: CodeExercise | None = None
    design: DesignPrompt | None = None
    seed: int = 0
    notes: tuple[str, ...] = field(default=())


def pick_questions(
    bank: list[Question], role: Role, stage: Stage, minutes: int, seed: int
) -> tuple[list[Question], list[str]]:
    """Questions for the stage's competencies in turn, until the time is used; and the
    competencies no question fits."""
    rng = random.Random(seed)
    pools: dict[str, list[Question]] = {}
    for competency in stage.competencies:
        fitting = [q for q in bank if q.competency == competency and q.fits(role.level, stage.name)]
        rng.shuffle(fitting)
        pools[competency] = fitting
    chosen: list[Question] = []
    left = minutes
    share = minutes / max(len(stage.competencies), 1)
    added = True
    while added:
        added = False
        for competency in stage.competencies:
            pool = pools[competency]
            in_time = [i for i, q in enumerate(pool) if q.minutes <= left]
            # within a fair share of the time if possible, so every competency gets its turn
            fair = [i for i in in_time if pool[i].minutes <= share]
            index = fair[0] if fair else min(in_time, key=lambda i: pool[i].minutes, default=None)
            if index is not None:
                question = pool.pop(index)
                chosen.append(question)
                left -= question.minutes
                added = True
    return chosen, [c for c in stage.competencies if not any(q.competency == c for q in bank)]


def code_exercise(
    files: CurrentFiles, hotspots: pl.DataFrame, tests: GitIgnoreSpec, top: int = 15
) -> CodeExercise | None:
    """The most complex readable-sized function of the highest-ranked hotspot that has one,
    test code (`tests`, from [review] test_paths) left out. Functions are the measuring
    service's (measured once per blob, as for hotspots)."""
    low, high = FUNCTION_LINES
    blob_of = dict(files.files.select("path", "blob").iter_rows())
    rows = [
        row
        for row in hotspots.head(top).iter_rows(named=True)
        if row["path"] in blob_of
        and is_source(row["path"])
        and not is_test_code(tests, row["path"])
        and row["revisions"]
    ]
    repo = files.history.repo
    paths = {blob_of[row["path"]]: row["path"] for row in rows}
    lines = pl.col("end_line") - pl.col("start_line") + 1
    readable = functions_of(repo, paths, files.cache_dir).filter(lines.is_between(low, high))
    for row in rows:
        blob = blob_of[row["path"]]
        fitting = readable.filter(pl.col("blob") == blob)
        if fitting.is_empty():
            continue
        # the most complex, the first of equals
        best = fitting.sort(["complexity", "start_line"], descending=[True, False]).row(
            0, named=True
        )
        first, last = best["start_line"], best["end_line"]
        code = run_git(repo.root, ["cat-file", "blob", blob]).stdout.decode("utf-8", "replace")
        excerpt = textwrap.dedent("\n".join(code.splitlines()[first - 1 : last]))
        return CodeExercise(
            row["path"],
            best["name"],
            first,
            excerpt,
            best["complexity"],
            row["revisions"],
            row["authors"],
        )
    return None


def _section(found: dict[str, list[str]], *names: str) -> str:
    for name in names:
        if name in found:
            return "\n".join(found[name]).strip()
    return ""


def design_prompt(decisions: list[Decision], seed: int) -> DesignPrompt | None:
    """An accepted record with a context (and, preferably, considered options)."""
    usable = []
    for record in decisions:
        if record.status != "accepted":
            continue
        found = sections(record.text)
        context = _section(found, "context and problem statement", "context")
        if context:
            options = _section(found, "considered options")
            decision = _section(found, "decision outcome", "decision")
            usable.append(DesignPrompt(record.number, record.title, context, options, decision))
    if not usable:
        return None
    with_options = [p for p in usable if p.options] or usable
    return random.Random(seed).choice(with_options)


def design_from_decisions(root: Path, settings: Settings, seed: int) -> DesignPrompt | None:
    """The design prompt from the repository's decision log, if it has one."""
    directory = decision_directory(root, settings.decisions.directory)
    return design_prompt(load_decisions(directory), seed) if directory.is_dir() else None


def _plan(
    stage: Stage, code: CodeExercise | None, design: DesignPrompt | None
) -> tuple[list[Slot], int]:
    intro = 5
    closing = 5 if stage.minutes <= 30 else 10
    plan = [Slot(intro, "Introductions; how the interview will run")]
    left = stage.minutes - intro - closing
    if code is not None:
        minutes = min(CODE_MINUTES, left // 2)
        plan.append(Slot(minutes, f"Code reading: {code.path} ({code.function})"))
        left -= minutes
    if design is not None:
        minutes = min(DESIGN_MINUTES, left // 2)
        plan.append(Slot(minutes, f"Design discussion: {design.title}"))
        left -= minutes
    return plan, left


def build_kit(
    matrix: Matrix,
    role_name: str,
    stage_name: str,
    seed: int = 0,
    code: CodeExercise | None = None,
    design: DesignPrompt | None = None,
) -> Kit:
    """The kit for one stage of a role's interviews."""
    role = matrix.role(role_name)
    stage = role.stage(stage_name)
    plan, left = _plan(stage, code, design)
    questions, missing = pick_questions(matrix.questions, role, stage, left, seed)
    for question in questions:
        plan.append(Slot(question.minutes, f"{question.title} ({question.competency})"))
    used = sum(slot.minutes for slot in plan)
    closing = 5 if stage.minutes <= 30 else 10
    spare = stage.minutes - used - closing
    if spare > 0:
        plan.append(Slot(spare, "Follow-ups on whatever needs more evidence"))
    plan.append(Slot(closing, "The candidate's questions; next steps"))
    rubric = tuple(matrix.competencies[c] for c in stage.competencies)
    return Kit(
        role, stage, tuple(plan), tuple(questions), rubric, tuple(missing), code, design, seed
    )
