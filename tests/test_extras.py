"""Without its optional extra a command says, in one line, which extra to install (exit 2, no
traceback); the core commands need none of them. Each case runs in a fresh process in which
the extras' modules cannot be imported, as in an install without them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from gitrepo import GitRepo
from techlead.extras import EXTRA_OF_MODULE, PURPOSE, missing_extra

ROOT = Path(__file__).resolve().parent.parent
EVERY_EXTRA = sorted(EXTRA_OF_MODULE)

# Runs `techlead ARGV` for each ARGV of a JSON list with MODULES uninstallable, and writes the
# exit codes as the last line of stderr; risk's thresholds are lowered so that a small history
# reaches the model.
SCRIPT = """
import json, sys
hidden, runs = sys.argv[1].split(","), json.loads(sys.argv[2])
for name in hidden:
    sys.modules[name] = None  # what `import name` then raises is what a missing install raises
import techlead.risk.evaluate
techlead.risk.evaluate.MIN_TRAINING, techlead.risk.evaluate.MIN_DEFECTIVE = 5, 1
from techlead.cli import main
codes = [main(argv) for argv in runs]
sys.stderr.write("\\n" + json.dumps(codes) + "\\n")
"""


def techlead_without(modules: list[str], runs: list[list[str]], cwd: Path) -> tuple[list[int], str]:
    """The exit code of each run and everything the runs wrote to stderr."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(modules), json.dumps(runs)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, "TECHLEAD_DATABASE_URL": f"sqlite:///{cwd.parent / 'records.db'}"},
    )
    assert done.returncode == 0, done.stderr
    *errors, codes = done.stderr.rstrip("\n").split("\n")
    return json.loads(codes), "\n".join(errors)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """Forty-five commits by two people over the last 60 days, every seventh a fix of the lines
    before it, a release tag every fifteenth."""
    repo = GitRepo(tmp_path_factory.mktemp("extras") / "shop")
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    for n in range(1, 46):
        lines = "".join(f"    if x > {i}:\n        x -= {i}\n" for i in range(n % 6 + 1))
        repo.commit(
            f"fix: price rounding {n}" if n % 7 == 0 else f"change {n}",
            {f"app/module{n % 4}.py": f"def price(x):\n{lines}    return x\n"},
            author="Ben <ben@shop.test>" if n % 3 == 0 else "Ann <ann@shop.test>",
            date=(today - timedelta(days=60 - n)).isoformat(),
        )
        if n % 15 == 0:
            repo.git("tag", f"v0.{n // 15}")
    return repo


@pytest.mark.parametrize(
    ("extra", "argv"),
    [
        ("web", ["serve", ".", "--port", "9"]),
        ("web", ["user", "list"]),
        ("org", ["org", "scan", ".", "--workers", "1"]),
        ("risk", ["risk", "evaluate", "--gap", "0", "--period", "10", "-q"]),
        ("charts", ["plan", "forecast", "when", "--items", "5", "--chart", "when.svg", "-q"]),
        ("postgres", ["--db", "postgresql://nobody@127.0.0.1:9/none", "incident", "list"]),
    ],
)
def test_a_command_without_its_extra_names_the_extra_in_one_line(
    shop: GitRepo, extra: str, argv: list[str]
) -> None:
    [code], errors = techlead_without(EVERY_EXTRA, [argv], cwd=shop.path)
    assert code == 2, errors
    error = errors.splitlines()[-1]
    assert error.startswith(f"error: this needs the {extra} extra ({PURPOSE[extra]}) and ")
    assert error.endswith(f"is not installed: pip install 'techlead[{extra}]'")
    assert "Traceback" not in errors


CORE_COMMANDS = [
    ["scan", "."],
    ["debt", "hotspots"],
    ["debt", "coupling"],
    ["team", "truck-factor"],
    ["adr", "init"],
    ["incident", "open", "Checkout is slow", "-s", "SEV3"],
    ["plan", "forecast", "when", "--items", "5"],
    ["risk", "changes"],
    ["review", "HEAD~3..HEAD"],
    ["delivery"],
    ["hire", "questions"],
]


def test_the_core_commands_need_no_extra(shop: GitRepo) -> None:
    codes, errors = techlead_without(EVERY_EXTRA, CORE_COMMANDS, cwd=shop.path)
    assert dict(zip(map(" ".join, CORE_COMMANDS), codes, strict=True)) == {
        " ".join(argv): 0 for argv in CORE_COMMANDS
    }, errors
    assert "Traceback" not in errors


def test_a_module_of_no_extra_is_not_blamed_on_one() -> None:
    assert missing_extra(ModuleNotFoundError("No module named 'polars'", name="polars")) is None


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    """The core distributions and each extra's (its own and those it includes)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {canonicalize_name(Requirement(spec).name) for spec in project["dependencies"]}
    extras: dict[str, set[str]] = {}
    for extra, specs in project["optional-dependencies"].items():
        extras[extra] = set()
        for spec in specs:
            requirement = Requirement(spec)
            if requirement.name == "techlead":
                for included in requirement.extras:
                    extras[extra] |= extras[included]
            else:
                extras[extra].add(canonicalize_name(requirement.name))
    return core, extras


def _installed_with(names: set[str]) -> set[str]:
    """The distributions NAMES install, their own requirements (installed here) included."""
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for spec in requirements:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return found


def test_each_extra_module_comes_from_that_extra_and_none_from_the_core() -> None:
    core, extras = _declared()
    with_core = _installed_with(core)
    providers = metadata.packages_distributions()
    for module, extra in EXTRA_OF_MODULE.items():
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        assert distributions, f"{module}: not installed here, so not checked"
        assert distributions & _installed_with(extras[extra]), f"{module}: not from {extra}"
        assert not distributions & with_core, f"{module}: installed by the core dependencies"
    assert extras["all"] == set().union(*(extras[name] for name in PURPOSE))
