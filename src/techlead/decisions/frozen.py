"""Decision rules checked against the baseline named once ([decisions] baseline).

`adr check`, `review`, `release check` and the dashboard all read the same frozen violations,
so that on an existing code base a gate fails only on what is new, and each says how many
violations are frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from techlead.config import Settings
from techlead.decisions.check import Violation, check_log
from techlead.decisions.records import Decision
from techlead.decisions.report import BaselineError, Checked, compare, read_baseline
from techlead.decisions.rules import BoundRule
from techlead.history.git import Repository
from techlead.inputs.files import inside


@dataclass(frozen=True)
class RuleCheck:
    """Every violation of the accepted rules, each marked new or frozen in the baseline."""

    decisions: list[Decision]
    rules: list[BoundRule]
    checked: list[Checked]
    baseline: Path | None  # None: no baseline, every violation is new

    @property
    def new(self) -> list[Violation]:
        return [item.violation for item in self.checked if item.new]

    @property
    def frozen(self) -> list[Violation]:
        return [item.violation for item in self.checked if not item.new]


def baseline_path(root: Path, settings: Settings, given: Path | None = None) -> Path | None:
    """The baseline to use: the one given (--baseline), else [decisions] baseline (relative to
    the repository), else none."""
    if given is not None:
        return given
    configured = settings.decisions.baseline
    if configured is None:
        return None
    if configured.is_absolute():
        return configured
    path = root / configured
    try:
        inside(path, root, BaselineError)
    except BaselineError:
        raise BaselineError(
            f"[decisions] baseline {configured}: refused: it leads outside the repository {root}",
            hint="name a file inside the repository, or an absolute path",
        ) from None
    return path


def frozen_in(path: Path, configured: bool) -> set[tuple[str, str]]:
    """The (rule, key) pairs a baseline freezes; a missing file is an error, so that a
    mistyped name cannot pass as an empty baseline."""
    if not path.exists():
        where = "[decisions] baseline " if configured else ""
        option = "" if configured else f" --baseline {path}"
        raise BaselineError(
            f"{where}{path}: no such baseline",
            hint=f"create it with: techlead adr check{option} --update-baseline",
        )
    if path.is_dir():
        raise BaselineError(f"{path}: is a directory, not a baseline file")
    return read_baseline(path)


def checked_rules(
    repository: Repository, settings: Settings, baseline: Path | None = None
) -> RuleCheck:
    """The rules of accepted decisions checked against the working tree and the baseline
    (`baseline` if given, else the configured one)."""
    path = baseline_path(repository.root, settings, baseline)
    frozen = frozen_in(path, baseline is None) if path is not None else None
    decisions, rules, violations = check_log(repository, settings)
    return RuleCheck(decisions, rules, compare(violations, frozen), path)


def shown(path: Path, root: Path) -> str:
    """A baseline's name as the user wrote it: relative to the repository when inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
