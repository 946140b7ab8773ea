"""The `techlead` command: one Typer app; each capability adds its commands here."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from techlead import __version__, terminal
from techlead.accounts.cli import app as user_app
from techlead.debt.cli import app as debt_app
from techlead.decisions.cli import app as adr_app
from techlead.decisions.cli import decide_app
from techlead.delivery.cli import app as delivery_app
from techlead.docs.cli import app as docs_app
from techlead.errors import TechleadError
from techlead.hiring.cli import app as hire_app
from techlead.history.cli import scan_command
from techlead.incidents.cli import action_app, runbook_app
from techlead.incidents.cli import app as incident_app
from techlead.org.cli import app as org_app
from techlead.planning.cli import app as plan_app
from techlead.release.cli import app as release_app
from techlead.report.cli import app as report_app
from techlead.review.cli import review_command
from techlead.risk.cli import app as risk_app
from techlead.team.cli import app as team_app
from techlead.web.cli import serve_command

app = typer.Typer(
    name="techlead",
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
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A technical lead's workbench, built on the evidence in your repository."""
    ctx.obj = {"config": config, "db": db}


app.command("scan")(scan_command)
app.add_typer(debt_app, name="debt")
app.add_typer(team_app, name="team")
app.add_typer(adr_app, name="adr")
app.add_typer(decide_app, name="decide")
app.add_typer(incident_app, name="incident")
app.add_typer(action_app, name="action")
app.add_typer(runbook_app, name="runbook")
app.add_typer(plan_app, name="plan")
app.add_typer(risk_app, name="risk")
app.command("review")(review_command)
app.add_typer(release_app, name="release")
app.add_typer(delivery_app, name="delivery")
app.add_typer(docs_app, name="docs")
app.add_typer(report_app, name="report")
app.add_typer(hire_app, name="hire")
app.add_typer(org_app, name="org")
app.command("serve")(serve_command)
app.add_typer(user_app, name="user")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code (2 for a user error, 1 for a failed check)."""
    try:
        result = app(
            args=list(sys.argv[1:] if argv is None else argv),
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
        terminal.stderr.print(
            f"[bold red]error:[/] {escape(error.message)}", soft_wrap=True, markup=True
        )
        if error.hint:
            terminal.stderr.print(f"hint: {error.hint}", soft_wrap=True)
        return error.exit_code
    except KeyboardInterrupt:
        terminal.stderr.print("interrupted")
        return 130
    return result if isinstance(result, int) else 0


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


def run() -> None:
    """Console-script entry point."""
    code = main()
    # Interpreter teardown (freeing Polars' and pydantic's objects) takes 0.1-0.2 s and has
    # nothing left to do: files are closed and pools joined by now. Flush and leave at once.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. stdout piped into `head`, which has exited
        code = code or 1
    os._exit(code)
