"""Rules a decision record carries in its front matter, so that the decision can be checked.

A record lists them under `rules:`. Import rules use import-linter's contract vocabulary
(`forbidden`, `layers`, `independence`, with `source_modules`, `forbidden_modules`,
`ignore_imports`, `allow_indirect_imports`, `containers`, `layers`, `modules`); besides them,
`files` forbids new files matching gitignore-style patterns and `dependency` forbids packages
from being declared in pyproject.toml or requirements files::

    rules:
      - name: engine stays independent of the analyses
        type: forbidden
        source_modules: [techlead.history]
        forbidden_modules: [techlead.debt, techlead.team]
      - type: files
        forbid: ["legacy/**"]
      - type: dependency
        forbid: [requests]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from techlead.decisions.records import Decision, RecordError

_MODULE = re.compile(r"^(\*\*?|[A-Za-z_][A-Za-z0-9_]*)(\.(\*\*?|[A-Za-z_][A-Za-z0-9_]*))*$")
_IMPORT = re.compile(r"^\s*(?P<importer>\S+)\s*->\s*(?P<imported>\S+)\s*$")
_PACKAGE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")
_LAYER_SEPARATORS = re.compile(r"\s*[|:]\s*")


def _modules(values: list[str]) -> list[str]:
    for value in values:
        if not _MODULE.match(value):
            raise ValueError(f"{value!r} is not a module name or module expression")
    return values


def _imports(values: list[str]) -> list[str]:
    for value in values:
        found = _IMPORT.match(value)
        if found is None:
            raise ValueError(f"{value!r} is not like 'importer.module -> imported.module'")
        _modules([found.group("importer"), found.group("imported")])
    return values


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(
        min_length=1,
        description="What the rule keeps true; also its id (ADR-NNNN/name) in baselines and SARIF.",
    )


class _ImportRule(_Rule):
    ignore_imports: list[str] = Field(
        default_factory=list, description="Direct imports that do not count: 'a.b -> c.d'."
    )
    exclude_type_checking_imports: bool = Field(
        default=False, description="Leave out imports under `if TYPE_CHECKING:`."
    )

    _check_ignores = field_validator("ignore_imports")(_imports)


class ForbiddenRule(_ImportRule):
    """Source modules must not import the forbidden modules, directly or through others."""

    type: Literal["forbidden"]
    source_modules: list[str] = Field(min_length=1)
    forbidden_modules: list[str] = Field(min_length=1)
    allow_indirect_imports: bool = False
    as_packages: bool = Field(
        default=True, description="Count modules inside the source and forbidden modules too."
    )

    _check_modules = field_validator("source_modules", "forbidden_modules")(_modules)


class LayersRule(_ImportRule):
    """Higher layers may import lower ones, never the reverse.

    A layer is a module, or siblings joined by `|` (independent of each other) or `:` (free to
    import each other); a name in parentheses is optional.
    """

    type: Literal["layers"]
    layers: list[str] = Field(min_length=2)
    containers: list[str] = Field(default_factory=list)

    _check_containers = field_validator("containers")(_modules)

    @field_validator("layers", mode="before")
    @classmethod
    def _unquoted_colon(cls, layers: Any) -> Any:
        if isinstance(layers, list):
            for layer in layers:
                if isinstance(layer, dict):
                    raise ValueError(
                        f"layer {layer!r} was read as a mapping: quote a layer that uses ':', "
                        'e.g. "a : b"'
                    )
        return layers

    @field_validator("layers")
    @classmethod
    def _check_layers(cls, layers: list[str]) -> list[str]:
        for layer in layers:
            if "|" in layer and ":" in layer:
                raise ValueError(f"layer {layer!r} mixes '|' and ':'")
            names = [name.strip("()") for name in _LAYER_SEPARATORS.split(layer.strip())]
            _modules(names)
        return layers


class IndependenceRule(_ImportRule):
    """None of the modules may import another of them, directly or through others."""

    type: Literal["independence"]
    modules: list[str] = Field(min_length=2)

    _check_modules = field_validator("modules")(_modules)


class FilesRule(_Rule):
    """No new files matching the patterns (gitignore syntax) since the decision."""

    type: Literal["files"]
    forbid: list[str] = Field(min_length=1)
    since: str | None = Field(
        default=None,
        description="Date (YYYY-MM-DD) or revision from which files count as new; "
        "default: the record's date.",
    )

    @field_validator("since", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        if isinstance(value, str) and "\0" in value:
            raise ValueError("holds a NUL byte; give a date (YYYY-MM-DD) or a revision")
        return value.isoformat() if isinstance(value, dt.date) else value


class DependencyRule(_Rule):
    """The packages must not be declared in pyproject.toml or requirements files."""

    type: Literal["dependency"]
    forbid: list[str] = Field(min_length=1)
    files: list[str] = Field(
        default_factory=list,
        description="Files to read; default pyproject.toml and requirements*.txt / *.in.",
    )

    @field_validator("forbid")
    @classmethod
    def _check_packages(cls, names: list[str]) -> list[str]:
        for name in names:
            if not _PACKAGE.match(name):
                raise ValueError(f"{name!r} is not a package name")
        return names


Rule = Annotated[
    ForbiddenRule | LayersRule | IndependenceRule | FilesRule | DependencyRule,
    Field(discriminator="type"),
]
_RULES: TypeAdapter[list[Rule]] = TypeAdapter(list[Rule])


@dataclass(frozen=True)
class BoundRule:
    """A rule together with the record it belongs to and its identifier there."""

    decision: Decision
    index: int
    rule: ForbiddenRule | LayersRule | IndependenceRule | FilesRule | DependencyRule

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def rule_id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or self.rule.type
        return f"ADR-{self.decision.number:04d}/{slug}"


_TYPES = frozenset({"forbidden", "layers", "independence", "files", "dependency"})


def _location(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the user wrote it: rules[0].source_modules."""
    text = "rules"
    after_index = False
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            after_index = True
            continue
        if not (after_index and part in _TYPES):  # the union's tag is not in the file
            text += f".{part}"
        after_index = False
    return text


def rules_of(decision: Decision) -> list[BoundRule]:
    """The rules in a record's front matter; RecordError names the file and field when wrong."""
    raw: Any = decision.front.get("rules")
    if raw is None:
        return []
    path = decision.path
    if not isinstance(raw, list):
        raise RecordError(f"{path}: front matter field 'rules' must be a list of rules")
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise RecordError(f"{path}: rules[{index}] must be a mapping with a 'type'")
        if "type" not in item:
            raise RecordError(
                f"{path}: rules[{index}].type: missing "
                "(forbidden, layers, independence, files or dependency)"
            )
    try:
        parsed = _RULES.validate_python(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _location(error["loc"])
        if str(error["type"]).startswith("union_tag"):
            where += ".type"
        raise RecordError(f"{path}: {where}: {_message(error)}") from None
    bound = [BoundRule(decision, index, rule) for index, rule in enumerate(parsed)]
    seen: dict[str, int] = {}
    for rule in bound:
        if rule.rule_id in seen:
            raise RecordError(
                f"{path}: rules[{rule.index}].name: {rule.name!r} gives the same id "
                f"({rule.rule_id}) as rules[{seen[rule.rule_id]}]; rename one"
            )
        seen[rule.rule_id] = rule.index
    return bound


def _message(error: Any) -> str:
    """pydantic's message in the words of this file format."""
    kind = error["type"]
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        given = error.get("input", {}).get("type") if isinstance(error.get("input"), dict) else None
        return f"unknown rule type {given!r} (use {', '.join(sorted(_TYPES))})"
    return str(error["msg"]).removeprefix("Value error, ")


def layer_names(layer: str) -> tuple[list[str], bool]:
    """The module names in one layer string and whether they are independent of each other."""
    independent = ":" not in layer
    return [name.strip() for name in _LAYER_SEPARATORS.split(layer.strip())], independent
