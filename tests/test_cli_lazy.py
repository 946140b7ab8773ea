"""The lazy CLI: `--version` and `--help` import no capability, `--help` lists every command
with the help the command itself has, and a command imports its capability when invoked."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer

from techlead.cli import COMMANDS, app, main
from techlead.lazy_commands import LazyCommands, one_line_help

# What the root command may import before a command is chosen.
ROOT_MODULES = {
    "techlead",
    "techlead.capabilities",
    "techlead.cli",
    "techlead.errors",
    "techlead.extras",
    "techlead.lazy_commands",
    "techlead.result_cache",
    "techlead.terminal",
}


def imported_after(*argv: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh `techlead ARGV` process has imported when it is done."""
    script = (
        "import json, sys\n"
        "from techlead.cli import main\n"
        f"code = main({list(argv)!r})\n"
        "sys.__stderr__.write(json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    code, modules = json.loads(done.stderr.splitlines()[-1])
    assert code == 0, done.stderr
    return set(modules)


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["-h"]])
def test_version_and_help_import_no_capability(argv: list[str]) -> None:
    modules = imported_after(*argv)
    assert {name for name in modules if name.startswith("techlead")} == ROOT_MODULES
    assert not {"polars", "pydantic", "numpy", "sqlalchemy"} & modules


def test_a_command_imports_only_its_own_capability() -> None:
    modules = imported_after("adr", "--help")
    assert "techlead.decisions.cli" in modules
    assert not {"techlead.incidents", "techlead.planning", "techlead.web", "techlead.org"} & modules


def test_the_table_shows_each_command_the_help_it_has() -> None:
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    assert isinstance(commands, LazyCommands)
    for name, entry in COMMANDS.items():
        real = commands[name]
        assert real.name == name
        assert one_line_help(real) == entry.help, f"{name}: the help in techlead.capabilities"


def test_help_lists_every_command_in_the_tables_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    listed = [
        line.split()[1]
        for line in out.splitlines()
        if line.startswith("│ ") and len(line.split()) > 2 and line.split()[1] in COMMANDS
    ]
    assert listed == list(COMMANDS)


def test_a_mistyped_command_is_one_line_with_a_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["incidnet"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: No such command 'incidnet'. Did you mean 'incident'?",
        "hint: see techlead --help",
    ]


def test_completion_offers_commands_as_they_describe_themselves() -> None:
    group = typer.main.get_command(app)
    context = typer.Context(group, resilient_parsing=True)
    offered = {item.value: item.help for item in group.shell_complete(context, "d")}
    commands = group.commands  # type: ignore[attr-defined]
    assert offered == {
        name: commands[name].get_short_help_str() for name in ("debt", "decide", "delivery", "docs")
    }


def test_completion_of_a_command_name_imports_no_capability() -> None:
    completing = {"_TECHLEAD_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "techlead d"}
    modules = imported_after(env=completing)
    assert {name for name in modules if name.startswith("techlead")} == ROOT_MODULES


def _imported_by_program(*argv: str, cwd: str | None = None) -> tuple[str, set[str]]:
    """What `python -m techlead ARGV` prints, and every module it imports (-X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "techlead", *argv],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
    return done.stdout, imported


def test_the_version_is_said_before_the_cli_framework_is_imported() -> None:
    out, imported = _imported_by_program("--version")
    assert out.startswith("techlead ")
    assert out.count("\n") == 1
    assert "techlead.launch" in imported
    assert not {name for name in imported if name.split(".")[0] in ("typer", "rich", "click")}
