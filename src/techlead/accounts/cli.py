"""`techlead user ...`: accounts of the team server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer

from techlead import terminal
from techlead.options import FormatOption, RepoOption
from techlead.output import OutputFormat, render_frame
from techlead.shell import opened_store

if TYPE_CHECKING:
    from techlead.accounts.users import Account

app = typer.Typer(
    help="Users of the team server (techlead serve --team): roles, passwords, API tokens, "
    "sessions.",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="API tokens for scripts (Authorization: Bearer TOKEN): create, list, revoke.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")
NameArgument = Annotated[str, typer.Argument(help="User name.")]
RepositoriesArgument = Annotated[
    list[str], typer.Argument(help="Repository names (as on the dashboard: /repos/NAME/).")
]


def _password(from_stdin: bool) -> str:
    from techlead.accounts.users import AccountError

    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise AccountError("no password given")
    return password


StdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


@app.command("add")
def add_command(
    ctx: typer.Context,
    name: NameArgument,
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")] = "viewer",
    grants: Annotated[
        list[str] | None,
        typer.Option(
            "--grant",
            help="A repository the user may see (repeatable); default: this repository. "
            "Admins see every repository.",
        ),
    ] = None,
    password_stdin: StdinOption = False,
    repo: RepoOption = Path("."),
) -> None:
    """Add a user (the password is asked for twice, never taken from the command line)."""
    from techlead.accounts.users import add_user, check_repositories, check_role

    check_role(role)
    check_repositories(grants or [])
    password = _password(password_stdin)
    with opened_store(ctx, repo) as (_, _settings, store):
        account = add_user(store, name, role, password, grants or [store.repository])
    terminal.stdout.print(f"added {account.name} ({account.role}, {_sees(account)})")


def _sees(account: Account) -> str:
    if account.role == "admin":
        return "every repository"
    return ", ".join(account.repositories) or "no repository"


@app.command("grant")
def grant_command(
    ctx: typer.Context,
    name: NameArgument,
    repositories: RepositoriesArgument,
    repo: RepoOption = Path("."),
) -> None:
    """Let a user see more repositories on the team server."""
    _change_grants(ctx, repo, name, repositories, revoking=False)


@app.command("revoke")
def revoke_command(
    ctx: typer.Context,
    name: NameArgument,
    repositories: RepositoriesArgument,
    repo: RepoOption = Path("."),
) -> None:
    """Stop a user from seeing repositories on the team server."""
    _change_grants(ctx, repo, name, repositories, revoking=True)


def _change_grants(
    ctx: typer.Context, repo: Path, name: str, repositories: list[str], revoking: bool
) -> None:
    from techlead.accounts.users import grant, revoke

    with opened_store(ctx, repo) as (_, _settings, store):
        account = (revoke if revoking else grant)(store, name, repositories)
    terminal.stdout.print(f"{account.name} sees {_sees(account)}")


@app.command("list")
def list_command(
    ctx: typer.Context, repo: RepoOption = Path("."), output: FormatOption = OutputFormat.table
) -> None:
    """Every user, their role and the repositories they see."""
    from techlead.accounts.users import list_users

    with opened_store(ctx, repo) as (_, _settings, store):
        accounts = list_users(store)
    frame = pl.DataFrame(
        [(a.name, a.role, _sees(a), a.hiring_role or "-", a.created_at) for a in accounts],
        schema={
            "name": pl.String,
            "role": pl.String,
            "repositories": pl.String,
            "hiring": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    render_frame(frame, output, "Users")


@app.command("role")
def role_command(
    ctx: typer.Context,
    name: NameArgument,
    role: Annotated[str, typer.Argument(help="viewer, editor or admin.")],
    repo: RepoOption = Path("."),
) -> None:
    """Change a user's role (which ends their sessions: they sign in again)."""
    from techlead.accounts.users import set_role

    with opened_store(ctx, repo) as (_, _settings, store):
        account = set_role(store, name, role)
    terminal.stdout.print(f"{account.name} is now {account.role}")


@app.command("hiring")
def hiring_command(
    ctx: typer.Context,
    name: NameArgument,
    role: Annotated[
        str,
        typer.Argument(
            help="interviewer (sees the candidates they interview), manager (every candidate, "
            "debriefs, calibration) or none."
        ),
    ],
    repo: RepoOption = Path("."),
) -> None:
    """Give a user access to hiring records (candidates are personal data: nobody else sees
    them on the team server; admins are hiring managers)."""
    from techlead.accounts.users import set_hiring

    with opened_store(ctx, repo) as (_, _settings, store):
        account = set_hiring(store, name, None if role == "none" else role)
    terminal.stdout.print(f"{account.name}: hiring {account.hiring_role or 'none'}")


@app.command("password")
def password_command(
    ctx: typer.Context,
    name: NameArgument,
    password_stdin: StdinOption = False,
    repo: RepoOption = Path("."),
) -> None:
    """Set a user's password (which ends their sessions: they sign in again)."""
    from techlead.accounts.users import set_password

    password = _password(password_stdin)
    with opened_store(ctx, repo) as (_, _settings, store):
        ended = set_password(store, name, password)
    terminal.stdout.print(f"password of {name} changed{_ended(ended)}")


def _ended(count: int) -> str:
    return f"; {count} session{'s' * (count != 1)} ended" if count else ""


@app.command("remove")
def remove_command(ctx: typer.Context, name: NameArgument, repo: RepoOption = Path(".")) -> None:
    """Remove a user, their tokens and sessions."""
    from techlead.accounts.users import remove_user

    with opened_store(ctx, repo) as (_, _settings, store):
        ended = remove_user(store, name)
    terminal.stdout.print(f"removed {name}{_ended(ended)}")


@app.command("sessions")
def sessions_command(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Only this user's sessions.", show_default=False)
    ] = None,
    end: Annotated[
        bool, typer.Option("--end", help="End the sessions listed: they must sign in again.")
    ] = False,
    ids: Annotated[
        list[int] | None,
        typer.Option(
            "--id", min=1, max=2**31 - 1, help="Only the session with this number (repeatable)."
        ),
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """The live sign-in sessions on the team server (every user's, or NAME's); with --end,
    end them. Sessions also end when a user's password or role changes."""
    from techlead.accounts.sessions import end_sessions, list_sessions

    with opened_store(ctx, repo) as (_, _settings, store):
        found = (end_sessions if end else list_sessions)(store, name, ids or [])
    if end:
        whose = f" of {name}" if name else ""
        terminal.stdout.print(f"ended {len(found)} session{'s' * (len(found) != 1)}{whose}")
        return
    frame = pl.DataFrame(
        [(s.id, s.user, s.created_at, s.expires_at) for s in found],
        schema={
            "session": pl.Int64,
            "user": pl.String,
            "started_at": pl.Datetime("us", "UTC"),
            "expires_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    render_frame(frame, output, "Sessions")


@token_app.command("create")
def token_create_command(
    ctx: typer.Context,
    name: NameArgument,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "script",
    repo: RepoOption = Path("."),
) -> None:
    """Create an API token for scripts (Authorization: Bearer TOKEN); shown only once."""
    from techlead.accounts.users import create_token

    with opened_store(ctx, repo) as (_, _settings, store):
        token = create_token(store, name, label)
    sys.stdout.write(token + "\n")
    terminal.stderr.print("store it now: it is not shown again", soft_wrap=True)


@token_app.command("list")
def token_list_command(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Only this user's tokens.", show_default=False)
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """The API tokens (every user's, or NAME's): number, label, when created and last used."""
    from techlead.accounts.users import list_tokens

    with opened_store(ctx, repo) as (_, _settings, store):
        tokens = list_tokens(store, name)
    frame = pl.DataFrame(
        [(t.id, t.user, t.label, t.created_at, t.last_used_at) for t in tokens],
        schema={
            "token": pl.Int64,
            "user": pl.String,
            "label": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "last_used_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    render_frame(frame, output, "API tokens")


@token_app.command("revoke")
def token_revoke_command(
    ctx: typer.Context,
    token: Annotated[
        str,
        typer.Argument(
            help="The token's number (from `techlead user token list`), or the token itself."
        ),
    ],
    repo: RepoOption = Path("."),
) -> None:
    """Revoke one API token: requests carrying it are refused from now on."""
    from techlead.accounts.users import revoke_token

    with opened_store(ctx, repo) as (_, _settings, store):
        revoked = revoke_token(store, token)
    terminal.stdout.print(f"revoked token {revoked.id} of {revoked.user} ({revoked.label})")
