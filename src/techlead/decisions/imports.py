"""Import rules evaluated on grimp's graph of the working tree's Python packages.

Packages are looked up only in the configured roots (the repository and its `src/` by
default), never in the interpreter's installed packages, so the code checked is the code in
the working tree even when a copy of the same package is installed. A top-level name that is
in none of the roots is an external package (a distribution such as `requests`); grimp then
records imports of it as one squashed module.
"""

from __future__ import annotations

import copy
import difflib
import itertools
from dataclasses import dataclass
from importlib.machinery import PathFinder
from pathlib import Path
from typing import Any

import grimp
from grimp.application.config import settings as grimp_settings
from grimp.application.ports.filesystem import AbstractFileSystem
from grimp.application.ports.packagefinder import AbstractPackageFinder
from grimp.exceptions import GrimpException, NoSuchContainer, SourceSyntaxError

from techlead.decisions.rules import (
    BoundRule,
    ForbiddenRule,
    IndependenceRule,
    LayersRule,
    layer_names,
)
from techlead.errors import TechleadError


class RuleError(TechleadError):
    """A rule cannot be evaluated as written (unknown module, code that does not parse, ...)."""


@dataclass(frozen=True)
class ImportFinding:
    """One import chain that breaks a rule; `chain[0]` imports `chain[1]` at `line`."""

    chain: tuple[str, ...]
    target: str  # the forbidden module (or layer) the chain ends in
    file: Path | None
    line: int | None
    statement: str

    @property
    def key(self) -> str:
        """What identifies the finding across edits that move lines or reroute the chain's
        middle: the import statement that starts it and what it leads to."""
        return f"{self.chain[0]} -> {self.chain[1]} ~> {self.target}"


class _RootsPackageFinder(AbstractPackageFinder):
    """Finds top-level packages in the given directories only."""

    def __init__(self, roots: list[Path]) -> None:
        self._roots = [str(root) for root in roots]

    def determine_package_directories(
        self, package_name: str, file_system: AbstractFileSystem
    ) -> set[str]:
        spec = PathFinder.find_spec(package_name, self._roots)
        if spec is None or not spec.submodule_search_locations:
            raise ValueError(f"package {package_name!r} is not in {', '.join(self._roots)}")
        return set(spec.submodule_search_locations)


class ImportGraphs:
    """Graphs of the working tree's packages, built once per kind of question."""

    def __init__(self, repository_root: Path, roots: list[Path], cache_dir: Path | None) -> None:
        self._repository_root = repository_root
        self._roots = [root for root in roots if root.is_dir()]
        self._cache_dir = cache_dir
        self._graphs: dict[tuple[frozenset[str], bool, bool], grimp.ImportGraph] = {}
        self._directories: dict[str, list[Path]] = {}
        self._internal: list[str] | None = None

    def package_directories(self, name: str) -> list[Path]:
        """Where a top-level package lives in the roots; empty when it is external."""
        if name not in self._directories:
            spec = PathFinder.find_spec(name, [str(root) for root in self._roots])
            locations = spec.submodule_search_locations if spec is not None else None
            self._directories[name] = [Path(location) for location in locations or []]
        return self._directories[name]

    def where(self) -> str:
        return " or ".join(str(root) for root in self._roots) or "(no Python roots)"

    def module_file(self, module: str) -> Path | None:
        """The source file of a module, relative to the repository when inside it."""
        top, *rest = module.split(".")
        for base in self.package_directories(top):
            folder = base.joinpath(*rest)
            for candidate in (folder / "__init__.py", folder.with_suffix(".py")):
                if candidate.is_file():
                    try:
                        return candidate.relative_to(self._repository_root)
                    except ValueError:
                        return candidate
        return None

    def missing_reason(self, module: str) -> str:
        """Why a module of a package in the roots is not in its graph, when the files tell:
        it, or a directory above it, has no `__init__.py` (grimp leaves such namespace
        directories out of a package)."""
        top, *rest = module.split(".")
        for base in self.package_directories(top):
            for depth in range(1, len(rest) + 1):
                folder = base.joinpath(*rest[:depth])
                if folder.is_dir() and not (folder / "__init__.py").exists():
                    return f": {folder} has no __init__.py, so it is not part of the package"
        return ""

    def internal_packages(self) -> list[str]:
        """Top-level packages found in the roots."""
        if self._internal is None:
            names: set[str] = set()
            for root in self._roots:
                for child in root.iterdir():
                    if (child / "__init__.py").is_file() or (
                        child.suffix == ".py" and child.stem.isidentifier()
                    ):
                        names.add(child.stem if child.suffix == ".py" else child.name)
            self._internal = sorted(names)
        return self._internal

    def graph(
        self, packages: frozenset[str], *, external: bool, exclude_type_checking: bool
    ) -> grimp.ImportGraph:
        key = (packages, external, exclude_type_checking)
        if key not in self._graphs:
            self._graphs[key] = self._build(packages, external, exclude_type_checking)
        return self._graphs[key]

    def _build(
        self, packages: frozenset[str], external: bool, exclude_type_checking: bool
    ) -> grimp.ImportGraph:
        # grimp keeps one file of modification times per package for all its data files,
        # so each kind of graph gets a directory of its own or one would read another's stale.
        cache = self._cache_dir
        if cache is not None:
            cache = cache / f"external-{int(external)}-typing-{int(exclude_type_checking)}"
        previous = grimp_settings.PACKAGE_FINDER
        grimp_settings.configure(PACKAGE_FINDER=_RootsPackageFinder(self._roots))
        try:
            return grimp.build_graph(
                *sorted(packages),
                include_external_packages=external,
                exclude_type_checking_imports=exclude_type_checking,
                cache_dir=str(cache) if cache else None,
            )
        except SourceSyntaxError as exc:
            raise RuleError(
                f"{exc.filename}:{exc.lineno}: Python syntax error; import rules need code "
                "that parses"
            ) from None
        except GrimpException as exc:
            raise RuleError(f"import graph of {', '.join(sorted(packages))}: {exc}") from None
        except UnicodeError as exc:
            raise RuleError(
                f"import graph of {', '.join(sorted(packages))}: a source file is not valid "
                f"text ({exc})"
            ) from None
        except OSError as exc:
            raise RuleError(f"{exc.filename}: cannot read: {exc.strerror}") from None
        finally:
            grimp_settings.configure(PACKAGE_FINDER=previous)


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def _fail(bound: BoundRule, field: str, message: str) -> RuleError:
    return RuleError(f"{bound.decision.path}: rules[{bound.index}].{field}: {message}")


def _graph_for(
    bound: BoundRule, graphs: ImportGraphs, internal: list[tuple[str, str]], others: list[str]
) -> grimp.ImportGraph:
    """The rule's graph: its internal packages (named with the field they come from) plus the
    external packages it forbids, with its ignored imports taken out."""
    rule = bound.rule
    assert isinstance(rule, ForbiddenRule | LayersRule | IndependenceRule)
    packages: set[str] = set()
    for field, module in internal:
        if not graphs.package_directories(_top(module)):
            raise _fail(bound, field, f"module {module!r} is not found in {graphs.where()}")
        packages.add(_top(module))
    external = any(not graphs.package_directories(_top(module)) for module in others)
    packages.update(_top(m) for m in others if graphs.package_directories(_top(m)))
    graph = graphs.graph(
        frozenset(packages),
        external=external,
        exclude_type_checking=rule.exclude_type_checking_imports,
    )
    if rule.ignore_imports:
        graph = copy.deepcopy(graph)
        for expression in rule.ignore_imports:
            try:
                matched = graph.find_matching_direct_imports(expression)
            except GrimpException as exc:
                raise _fail(bound, "ignore_imports", f"{expression!r}: {exc}") from None
            if not matched:
                raise _fail(
                    bound, "ignore_imports", f"{expression!r} matches no import (remove it?)"
                )
            for found in matched:
                graph.remove_import(importer=found["importer"], imported=found["imported"])
    return graph


def _expand(
    bound: BoundRule, field: str, graph: grimp.ImportGraph, modules: list[str], graphs: ImportGraphs
) -> list[str]:
    """Module names with wildcards replaced by the modules they match."""
    found: list[str] = []
    for module in modules:
        if "*" in module:
            matched = sorted(graph.find_matching_modules(module))
            if not matched:
                raise _fail(bound, field, f"{module!r} matches no module")
            found.extend(matched)
        elif module in graph.modules:
            found.append(module)
        else:
            why = graphs.missing_reason(module)
            raise _fail(bound, field, f"module {module!r} is not in the import graph{why}")
    return found


def _finding(
    graphs: ImportGraphs, graph: grimp.ImportGraph, chain: tuple[str, ...], target: str
) -> ImportFinding:
    details: list[Any] = graph.get_import_details(importer=chain[0], imported=chain[1])
    first = min(details, key=lambda detail: detail["line_number"]) if details else None
    return ImportFinding(
        chain=chain,
        target=target,
        file=graphs.module_file(chain[0]),
        line=first["line_number"] if first else None,
        statement=first["line_contents"] if first else "",
    )


def _package(graph: grimp.ImportGraph, module: str) -> set[str]:
    if graph.is_module_squashed(module):
        return {module}
    return {module, *graph.find_descendants(module)}


def _chains(
    graph: grimp.ImportGraph,
    source: str,
    target: str,
    *,
    indirect: bool = True,
    as_packages: bool = True,
    avoid: frozenset[str] = frozenset(),
) -> list[tuple[str, ...]]:
    """One chain per import statement that leads from `source` (or a module inside it) to
    `target` (or a module inside it): the import from a module inside to one outside, then the
    shortest way on to the target that does not come back in or pass through `avoid`.

    grimp's own chain search returns a different set of chains from run to run when equally
    short ones exist; this walk breaks ties by module name, so the same code always gives the
    same findings (and a baseline stays valid).
    """
    inside = _package(graph, source) if as_packages else {source}
    targets = _package(graph, target) if as_packages else {target}
    if not indirect:
        return [
            (head, imported)
            for head in sorted(inside)
            for imported in sorted(graph.find_modules_directly_imported_by(head) & targets)
        ]
    blocked = inside | avoid
    next_hop: dict[str, str | None] = dict.fromkeys(targets)
    frontier = sorted(targets)
    while frontier:
        following: list[str] = []
        for module in frontier:
            for importer in sorted(graph.find_modules_that_directly_import(module)):
                if importer not in next_hop and importer not in blocked:
                    next_hop[importer] = module
                    following.append(importer)
        frontier = following
    chains: list[tuple[str, ...]] = []
    for head in sorted(inside):
        for imported in sorted(graph.find_modules_directly_imported_by(head) - inside):
            if imported in next_hop:
                chain = [head, imported]
                while (following_module := next_hop[chain[-1]]) is not None:
                    chain.append(following_module)
                chains.append(tuple(chain))
    return chains


def _check_external(bound: BoundRule, graphs: ImportGraphs, module: str) -> None:
    """A forbidden module outside the roots must be a whole distribution's top-level name
    (grimp sees an external package as one module), and not a misspelt internal package."""
    top = _top(module)
    internal = graphs.internal_packages()
    close = [name for name in internal if name.lower() == top.lower()]
    close += difflib.get_close_matches(top, internal, n=1, cutoff=0.75)
    if close:
        raise _fail(
            bound,
            "forbidden_modules",
            f"{module!r} is not a package in {graphs.where()}; did you mean {close[0]!r}?",
        )
    if module != top:
        raise _fail(
            bound,
            "forbidden_modules",
            f"{module!r} is inside the external package {top!r}; an import rule can only "
            f"forbid all of {top!r}",
        )


def _overlap(graph: grimp.ImportGraph, a: str, b: str) -> bool:
    return bool(_package(graph, a) & _package(graph, b))


def _overlapping(bound: BoundRule, field: str, a: str, b: str) -> RuleError:
    return _fail(bound, field, f"{a!r} and {b!r} overlap (one contains the other)")


def _forbidden(bound: BoundRule, rule: ForbiddenRule, graphs: ImportGraphs) -> list[ImportFinding]:
    graph = _graph_for(
        bound,
        graphs,
        [("source_modules", m) for m in rule.source_modules],
        rule.forbidden_modules,
    )
    sources = _expand(bound, "source_modules", graph, rule.source_modules, graphs)
    present: list[str] = []
    for module in rule.forbidden_modules:
        if "*" in module or graphs.package_directories(_top(module)):
            present.append(module)
            continue
        _check_external(bound, graphs, module)
        if module in graph.modules:  # external: grimp keeps one module per package
            present.append(module)
    forbidden = _expand(bound, "forbidden_modules", graph, present, graphs)
    wildcard_sources = set(sources) - set(rule.source_modules)
    findings: list[ImportFinding] = []
    for source, target in itertools.product(sources, forbidden):
        if rule.as_packages and _overlap(graph, source, target):
            if source in wildcard_sources:
                continue  # a wildcard matched the forbidden module itself, or a parent of it
            raise _overlapping(bound, "forbidden_modules", source, target)
        findings.extend(
            _finding(graphs, graph, chain, target)
            for chain in _chains(
                graph,
                source,
                target,
                indirect=not rule.allow_indirect_imports,
                as_packages=rule.as_packages,
            )
        )
    return findings


def _independence(
    bound: BoundRule, rule: IndependenceRule, graphs: ImportGraphs
) -> list[ImportFinding]:
    """As import-linter does it: one layer of independent siblings, so a chain from one module
    to another that passes through a third is reported as the two steps, not a third time."""
    graph = _graph_for(bound, graphs, [("modules", m) for m in rule.modules], [])
    modules = _expand(bound, "modules", graph, rule.modules, graphs)
    for source, target in itertools.combinations(modules, 2):
        if _overlap(graph, source, target):
            raise _overlapping(bound, "modules", source, target)
    return _layer_findings(bound, graphs, graph, [grimp.Layer(*modules)], [])


def _layer_findings(
    bound: BoundRule,
    graphs: ImportGraphs,
    graph: grimp.ImportGraph,
    layers: list[grimp.Layer],
    containers: list[str],
) -> list[ImportFinding]:
    try:
        dependencies = graph.find_illegal_dependencies_for_layers(
            layers=layers, containers=set(containers) or None
        )
    except (NoSuchContainer, ValueError) as exc:
        raise _fail(bound, "layers", str(exc)) from None
    layer_modules = {
        module: _package(graph, module)
        for layer in layers
        for name in layer.module_tails
        for module in ([f"{c}.{name}" for c in containers] if containers else [name])
        if module in graph.modules
    }
    findings: list[ImportFinding] = []
    for dependency in sorted(dependencies):
        # grimp decides which layers depend illegally on which; the chains reported are
        # walked the same way as for the other rules, not through any other layer.
        others = frozenset().union(
            *(
                modules
                for layer, modules in layer_modules.items()
                if layer not in {dependency.importer, dependency.imported}
            )
        )
        chains = _chains(graph, dependency.importer, dependency.imported, avoid=others) or [
            (head, *route.middle, min(route.tails))
            for route in sorted(dependency.routes)
            for head in sorted(route.heads)
        ]
        findings.extend(_finding(graphs, graph, chain, dependency.imported) for chain in chains)
    return findings


def _layers(bound: BoundRule, rule: LayersRule, graphs: ImportGraphs) -> list[ImportFinding]:
    containers = rule.containers
    parsed = [layer_names(layer) for layer in rule.layers]

    def absolute(name: str) -> list[str]:
        bare = name.strip("()")
        return [f"{container}.{bare}" for container in containers] if containers else [bare]

    internal = [("containers", c) for c in containers] or [
        ("layers", module) for names, _ in parsed for name in names for module in absolute(name)
    ]
    graph = _graph_for(bound, graphs, internal, [])
    for container in containers:
        if container not in graph.modules:
            raise _fail(bound, "containers", f"module {container!r} is not in the import graph")
    layers: list[grimp.Layer] = []
    for names, independent in parsed:
        present: list[str] = []
        for name in names:
            bare = name.strip("()")
            if any(module in graph.modules for module in absolute(name)):
                present.append(bare)
            elif not name.startswith("("):
                missing = ", ".join(absolute(name))
                why = graphs.missing_reason(absolute(name)[0])
                raise _fail(
                    bound,
                    "layers",
                    f"{missing} not in the import graph"
                    + (why if why else f" (write ({bare}) if optional)"),
                )
            elif why := graphs.missing_reason(absolute(name)[0]):
                # optional, but present on disk where grimp cannot see it: say so
                raise _fail(bound, "layers", f"optional layer {name} is not checked{why}")
        if present:
            layers.append(grimp.Layer(*present, independent=independent))
    return _layer_findings(bound, graphs, graph, layers, containers)


def check_import_rule(bound: BoundRule, graphs: ImportGraphs) -> list[ImportFinding]:
    """Every import chain that breaks one import rule."""
    rule = bound.rule
    if isinstance(rule, ForbiddenRule):
        return _forbidden(bound, rule, graphs)
    if isinstance(rule, IndependenceRule):
        return _independence(bound, rule, graphs)
    if isinstance(rule, LayersRule):
        return _layers(bound, rule, graphs)
    raise TypeError(f"not an import rule: {rule.type}")
