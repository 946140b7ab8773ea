"""The competency matrix, role profiles and question bank, from Markdown and configuration.

Three layers, later ones replacing earlier ones by name: techlead's starter set (unless
`[hiring] starter = false`), the Markdown files under `docs/hiring/` (`competencies/`, `roles/`,
`questions/`, each a file with YAML front matter), and `[hiring.competencies]` /
`[hiring.roles]` in the configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from techlead.config import CompetencySettings, RoleSettings, Settings, StagePlan, check_names
from techlead.decisions.records import RecordError, split_front_matter
from techlead.errors import ConfigError, TechleadError
from techlead.inputs.files import folder, read_text

STARTER = Path(__file__).parent / "starter"
DEFAULT_DIRECTORY = Path("docs/hiring")
DEFAULT_STAGES = {"screen": 30, "technical": 60, "system-design": 60}


class HiringError(TechleadError):
    """A hiring request that cannot be met as given."""


class QuestionFront(BaseModel):
    """The front matter of a question in the bank."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    competency: str
    levels: list[int] = Field(default_factory=list, description="Default: every level.")
    stages: list[str] = Field(default_factory=list, description="Default: every stage.")
    minutes: int = Field(default=10, ge=1, le=120)
    follow_ups: list[str] = Field(default_factory=list)
    good: list[str] = Field(default_factory=list)
    poor: list[str] = Field(default_factory=list)

    _valid_names = field_validator("stages")(check_names)


@dataclass(frozen=True)
class Competency:
    name: str
    title: str
    description: str
    anchors: dict[int, str]


@dataclass(frozen=True)
class Stage:
    name: str
    minutes: int
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    name: str
    title: str
    level: int
    description: str
    competencies: tuple[str, ...]
    stages: dict[str, Stage]

    def stage(self, name: str) -> Stage:
        if name not in self.stages:
            raise HiringError(
                f"stage {name!r}: role {self.name} has the stages {', '.join(self.stages)}"
            )
        return self.stages[name]


@dataclass(frozen=True)
class Question:
    name: str
    title: str
    competency: str
    levels: tuple[int, ...]
    stages: tuple[str, ...]
    minutes: int
    text: str
    follow_ups: tuple[str, ...] = ()
    good: tuple[str, ...] = ()
    poor: tuple[str, ...] = ()

    def fits(self, level: int, stage: str) -> bool:
        return (not self.levels or level in self.levels) and (
            not self.stages or stage in self.stages
        )


@dataclass(frozen=True)
class Matrix:
    """Everything a kit or a scorecard is built from."""

    competencies: dict[str, Competency]
    roles: dict[str, Role]
    questions: list[Question] = field(default_factory=list)

    def drawn_for(self, question: Question) -> list[str]:
        """The role stages a kit may draw `question` for: `role stage`, sorted."""
        return sorted(
            f"{role.name} {stage.name}"
            for role in self.roles.values()
            for stage in role.stages.values()
            if question.competency in stage.competencies and question.fits(role.level, stage.name)
        )

    def role(self, name: str) -> Role:
        if name not in self.roles:
            known = ", ".join(sorted(self.roles)) or "none (add docs/hiring/roles/NAME.md)"
            raise HiringError(f"role {name!r}: no such role profile; known: {known}")
        return self.roles[name]


def _described(path: Path, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "front matter"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{path}: {where}: {message}"


def _read(path: Path, directory: Path) -> tuple[dict[str, Any], str]:
    text = read_text(path, within=directory, error=ConfigError)
    try:
        front, body, _ = split_front_matter(text, path)
    except RecordError as exc:
        raise ConfigError(exc.message) from exc
    if not text.strip():
        raise ConfigError(f"{path}: empty file (front matter between --- lines, then the text)")
    return front, body.strip()


def _files(directory: Path, kind: str) -> list[Path]:
    folder = directory / kind
    if not folder.is_dir():
        return []
    # editors' lock and backup files (.#x.md, x.md~) and hidden files are not definitions
    paths = sorted(p for p in folder.glob("*.md") if not p.name.startswith((".", "#")))
    for path in paths:
        _check_name(path)
    return paths


def _check_name(path: Path) -> None:
    try:
        check_names([path.stem])
    except ValueError as exc:
        raise ConfigError(f"{path}: file name {exc}") from None


def _title(name: str) -> str:
    """A title from a file or table name: `system-design` is "System design"."""
    return name.replace("-", " ").capitalize()


def _competency(name: str, given: CompetencySettings, body: str = "") -> Competency:
    title = given.title or _title(name)
    return Competency(name, title, given.description or body, dict(sorted(given.anchors.items())))


def _role(name: str, given: RoleSettings, body: str = "") -> Role:
    plans = given.stages or {
        stage: StagePlan(minutes=minutes, competencies=given.competencies)
        for stage, minutes in DEFAULT_STAGES.items()
    }
    stages = {
        stage: Stage(stage, plan.minutes, tuple(plan.competencies or given.competencies))
        for stage, plan in plans.items()
    }
    title = given.title or name
    return Role(
        name, title, given.level, given.description or body, tuple(given.competencies), stages
    )


M = TypeVar("M", bound=BaseModel)


def _definitions(directory: Path, kind: str, model: type[M]) -> Iterator[tuple[str, M, str]]:
    """Each Markdown file of `kind`: its name, its front matter checked by `model`, its text."""
    for path in _files(directory, kind):
        front, body = _read(path, directory)
        try:
            given = model.model_validate(front)
        except ValidationError as exc:
            raise ConfigError(_described(path, exc)) from exc
        if kind == "questions" and not body:
            raise ConfigError(
                f"{path}: the question itself is missing (the text after the front matter)"
            )
        yield path.stem, given, body


def _from_directory(directory: Path, matrix: Matrix) -> None:
    for name, competency, body in _definitions(directory, "competencies", CompetencySettings):
        matrix.competencies[name] = _competency(name, competency, body)
    for name, role, body in _definitions(directory, "roles", RoleSettings):
        matrix.roles[name] = _role(name, role, body)
    questions = {q.name: q for q in matrix.questions}
    for name, question, body in _definitions(directory, "questions", QuestionFront):
        questions[name] = _question(name, question, body)
    matrix.questions[:] = [questions[name] for name in sorted(questions)]


def _question(name: str, given: QuestionFront, body: str) -> Question:
    return Question(
        name,
        given.title or _title(name),
        given.competency,
        tuple(given.levels),
        tuple(given.stages),
        given.minutes,
        body,
        tuple(given.follow_ups),
        tuple(given.good),
        tuple(given.poor),
    )


def hiring_directory(root: Path, settings: Settings) -> Path:
    chosen = settings.hiring.directory or Path(DEFAULT_DIRECTORY)
    return folder(root, chosen, "[hiring] directory", ConfigError)


def load_matrix(root: Path, settings: Settings) -> Matrix:
    """The matrix, roles and questions that apply in the repository at `root`, checked."""
    matrix = Matrix({}, {}, [])
    if settings.hiring.starter:
        _from_directory(STARTER, matrix)
    _from_directory(hiring_directory(root, settings), matrix)
    for name, competency in settings.hiring.competencies.items():
        matrix.competencies[name] = _competency(name, competency)
    for name, role in settings.hiring.roles.items():
        matrix.roles[name] = _role(name, role)
    _check(matrix)
    return matrix


def _check(matrix: Matrix) -> None:
    for role in matrix.roles.values():
        for name in role.competencies:
            if name not in matrix.competencies:
                raise ConfigError(
                    f"role {role.name}: competency {name!r} is not in the matrix "
                    f"({', '.join(sorted(matrix.competencies))})"
                )
        for stage in role.stages.values():
            extra = [c for c in stage.competencies if c not in role.competencies]
            if extra:
                raise ConfigError(
                    f"role {role.name}, stage {stage.name}: {', '.join(extra)} is not one of "
                    "the role's competencies"
                )
    for question in matrix.questions:
        if question.competency not in matrix.competencies:
            raise ConfigError(
                f"question {question.name}: competency {question.competency!r} is not in the matrix"
            )
