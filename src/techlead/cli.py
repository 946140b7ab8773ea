"""The `techlead` command: one Typer app; each capability's commands, listed in
`techlead.capabilities`, are imported only when invoked."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from techlead import __version__, result_cache, terminal
from techlead.capabilities import CAPABILITIES, replayed_answers
from techlead.errors import TechleadError
from techlead.extras import missing_extra
from techlead.lazy_commands import LazyCommand, LazyGroup

# Every command, in the order --help lists them: where it lives and the line --help shows for
# it, so that listing them imports none (tests/test_cli_lazy.py keeps the lines true).
COMMANDS = {
    command.name: LazyCommand(command.target, command.help)
    for capability in CAPABILITIES
    for command in capability.commands
}

# Read-only analyses whose answers are kept per HEAD and replayed before their module is
# imported (techlead.result_cache, ADR 0032). Each must depend only on what the key holds, and
# say when a window relative to now makes its answer expire (result_cache.expires).
CACHED_RESULTS = replayed_answers()


class Commands(LazyGroup):
    """techlead's commands, each imported when it is invoked."""

    table = COMMANDS


app = typer.Typer(
    name="techlead",
    cls=Commands,
    help="A technical lead's workbench, built on the evidence in your repository.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # "[delivery]" in help is a config section, not Rich markup
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        terminal.stdout.print(f"techlead {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Configuration file (default: techlead.toml or pyproject.toml at the repo root).",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Record store: sqlite:///PATH, an SQLite file, or postgresql://USER@HOST/DB "
            "(default: $TECHLEAD_DATABASE_URL, else .techlead/techlead.db).",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            result_cache.OFF_OPTION,
            help="Compute the answer afresh: do not replay or keep it in .techlead/cache/results.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A technical lead's workbench, built on the evidence in your repository."""
    ctx.obj = {"config": config, "db": db}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code (2 for a user error, 1 for a failed check)."""
    args = list(sys.argv[1:] if argv is None else argv)
    found = result_cache.invocation(args, CACHED_RESULTS)
    kept = result_cache.lookup(found) if found is not None else None
    if kept is not None and result_cache.replayed(kept):
        return 0
    return computed(args, found, kept)


def computed(
    args: list[str], found: result_cache.Invocation | None, kept: result_cache.Lookup | None
) -> int:
    """Run the command the cache did not answer; keep its answer when `kept` says where."""
    if found is None or kept is None:
        return _invoked(args)
    terminal.forget_progress()
    with result_cache.recording(found, kept, terminal.progress_was_shown) as run:
        code = _invoked(args)
        run.keep(code)
    return code


def _invoked(args: list[str]) -> int:
    try:
        result = app(
            args=args,
            prog_name="techlead",
            standalone_mode=False,
        )
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except typer.Abort:
        terminal.stderr.print("aborted")
        return 1
    except typer.TyperException as error:  # a usage error: unknown option, value out of range
        return _usage_error(error)
    except TechleadError as error:
        return _error(error)
    except ModuleNotFoundError as error:
        needed = missing_extra(error)
        if needed is None:  # not an optional part: a broken install or a bug, shown as it is
            raise
        return _error(needed)
    except KeyboardInterrupt:
        terminal.stderr.print("interrupted")
        return 130
    return result if isinstance(result, int) else 0


def _error(error: TechleadError) -> int:
    terminal.stderr.print(
        f"[bold red]error:[/] {escape(error.message)}", soft_wrap=True, markup=True
    )
    if error.hint:
        terminal.stderr.print(f"hint: {error.hint}", soft_wrap=True)
    return error.exit_code


def _usage_error(error: typer.TyperException) -> int:
    """One line, like every other error, instead of the framework's box."""
    message = getattr(error, "format_message", lambda: str(error))()
    code = getattr(error, "exit_code", 2)
    if message:  # empty when a command group was called alone and printed its help
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "techlead"
        terminal.stderr.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True, markup=True)
        terminal.stderr.print(f"hint: see {command} --help", soft_wrap=True)
    return code if isinstance(code, int) else 2
