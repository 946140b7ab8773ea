"""Weighted decision matrices: options scored 1-5 on weighted criteria, ranked, with sensitivity.

A matrix is a TOML file next to the decision records (`<log>/matrices/<slug>.toml`)::

    title = "Choose a database"
    options = ["PostgreSQL", "SQLite"]

    [criteria]          # name = weight (> 0)
    operability = 3
    scale = 5

    [scores.PostgreSQL] # criterion = 1 (poor) .. 5 (excellent)
    operability = 3
    scale = 5

    [notes.PostgreSQL]  # optional, criterion = text
    scale = "Replicas and partitioning"

An option's score is its weighted mean, on the same 1-5 scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from techlead.errors import TechleadError
from techlead.inputs.files import read_text
from techlead.inputs.formats import parse_toml


class MatrixError(TechleadError):
    """A decision matrix file is malformed."""


@dataclass(frozen=True)
class Matrix:
    title: str
    options: list[str]
    criteria: dict[str, float]
    scores: dict[str, dict[str, int]]
    notes: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Sensitivity:
    """How far one criterion's weight must move before another option wins."""

    criterion: str
    weight: float
    flips_to: str | None
    new_weight: float | None

    @property
    def change(self) -> float | None:
        return None if self.new_weight is None else round(self.new_weight - self.weight, 4)

    @property
    def wins(self) -> str | None:
        """On which side of `new_weight` the other option wins: "above" or "below" (at
        `new_weight` itself the two only tie)."""
        change = self.change
        return None if change is None else "above" if change > 0 else "below"

    def describe(self) -> str:
        """The move in words: "cost: RabbitMQ would tie at weight 4 (now 2) and win above it"."""
        if self.flips_to is None or self.new_weight is None:
            return f"{self.criterion}: no weight changes the winner"
        return (
            f"{self.criterion}: {self.flips_to} would tie at weight {self.new_weight:g} "
            f"(now {self.weight:g}) and win {self.wins} it"
        )


def _fail(path: Path, what: str) -> MatrixError:
    return MatrixError(f"{path}: {what}")


def load_matrix(path: Path, within: Path | None = None) -> Matrix:
    """Read and validate a matrix file (one inside `within`, when given)."""
    text = read_text(path, within=within, error=MatrixError, newlines=False)
    raw = parse_toml(text, path, MatrixError)
    options = raw.get("options")
    if (
        not isinstance(options, list)
        or len(options) < 2
        or not all(isinstance(o, str) for o in options)
    ):
        raise _fail(path, "options: need a list of at least two names")
    criteria = raw.get("criteria")
    if not isinstance(criteria, dict) or not criteria:
        raise _fail(path, "criteria: need a table of name = weight")
    for name, weight in criteria.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise _fail(path, f"criteria.{name}: weight must be a number above 0")
    scores = raw.get("scores", {})
    for option in options:
        given = scores.get(option)
        if not isinstance(given, dict):
            raise _fail(path, f"scores.{option}: missing")
        for name in criteria:
            value = given.get(name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                raise _fail(path, f"scores.{option}.{name}: need a whole number from 1 to 5")
        extra = set(given) - set(criteria)
        if extra:
            raise _fail(path, f"scores.{option}.{sorted(extra)[0]}: not a criterion")
    return Matrix(
        title=str(raw.get("title") or path.stem),
        options=list(options),
        criteria={name: float(weight) for name, weight in criteria.items()},
        scores={option: dict(scores[option]) for option in options},
        notes={str(k): dict(v) for k, v in (raw.get("notes") or {}).items()},
    )


def weighted_scores(matrix: Matrix, criteria: dict[str, float] | None = None) -> dict[str, float]:
    """Each option's weighted mean score (1-5)."""
    weights = criteria or matrix.criteria
    total = sum(weights.values())
    return {
        option: sum(weights[c] * matrix.scores[option][c] for c in weights) / total
        for option in matrix.options
    }


def ranking(matrix: Matrix) -> list[tuple[str, float]]:
    """Options best first (ties by name)."""
    scored = weighted_scores(matrix)
    return sorted(
        ((o, round(s, 4)) for o, s in scored.items()), key=lambda item: (-item[1], item[0])
    )


def sensitivity(matrix: Matrix) -> list[Sensitivity]:
    """For each criterion, the nearest weight (other weights fixed) at which the winner changes.

    The winner W leads option O by N = sum(w_i * (s_W,i - s_O,i)); moving weight c by d changes
    N by d * (s_W,c - s_O,c), so O catches up at d = -N / (s_W,c - s_O,c), if the weight stays
    above 0. The smallest such move over all O is reported.
    """
    winner = ranking(matrix)[0][0]
    results = []
    for criterion, weight in matrix.criteria.items():
        best: tuple[float, str] | None = None
        for other in matrix.options:
            if other == winner:
                continue
            lead = sum(
                w * (matrix.scores[winner][c] - matrix.scores[other][c])
                for c, w in matrix.criteria.items()
            )
            slope = matrix.scores[winner][criterion] - matrix.scores[other][criterion]
            if slope == 0:
                continue
            move = -lead / slope
            if weight + move <= 0:  # weights stay positive; at 0 the options would only tie
                continue
            if best is None or (abs(move), other) < (abs(best[0]), best[1]):
                best = (move, other)
        if best is None:
            results.append(Sensitivity(criterion, weight, None, None))
        else:
            results.append(Sensitivity(criterion, weight, best[1], round(weight + best[0], 4)))
    return results


def matrix_template(title: str, options: list[str], criteria: list[tuple[str, float]]) -> str:
    """A new matrix file with every score at 3, for the team to fill in."""
    lines = [
        f"title = {_toml_string(title)}",
        f"options = [{', '.join(map(_toml_string, options))}]",
        "",
    ]
    lines += ["# name = weight (any positive number)", "[criteria]"]
    lines += [f"{_toml_key(name)} = {weight:g}" for name, weight in criteria]
    for option in options:
        lines += ["", "# 1 (poor) to 5 (excellent)", f"[scores.{_toml_key(option)}]"]
        lines += [f"{_toml_key(name)} = 3" for name, _ in criteria]
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_key(value: str) -> str:
    bare = value.replace("-", "").replace("_", "").isalnum() and value.isascii()
    return value if bare else _toml_string(value)
