"""`techlead serve`: the dashboard on this machine."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from techlead import terminal
from techlead.errors import TechleadError
from techlead.options import QuietOption

if TYPE_CHECKING:
    from techlead.web.app import Served


def serve_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="The repositories (or paths inside them); the current one by default.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    team: Annotated[
        bool, typer.Option("--team", help="Team mode: users sign in; roles decide who may change.")
    ] = False,
    behind_proxy: Annotated[
        bool,
        typer.Option(
            "--behind-proxy",
            help="Team mode behind a TLS-terminating proxy: trust its X-Forwarded-* headers.",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="Proxy addresses trusted with --behind-proxy.")
    ] = "127.0.0.1",
    insecure_http: Annotated[
        bool,
        typer.Option(
            "--insecure-http", help="Team mode over plain HTTP (passwords and cookies in clear)."
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes (each keeps its own caches); 1 by default."
        ),
    ] = 1,
    quiet: QuietOption = False,
) -> None:
    """Open the dashboard: scans the repositories, then serves their pages on 127.0.0.1.

    Each repository is at /repos/NAME/ (NAME: its directory name, or `repository` in the
    store section of its techlead.toml). With --team, users sign in (add them with
    `techlead user add`) and see the repositories granted to them; a team server must sit
    behind a TLS-terminating proxy (--behind-proxy) unless --insecure-http is given."""
    import uvicorn

    from techlead.web.app import (
        ENVIRONMENT,
        close_stores,
        create_app,
        open_repositories,
        warm_up,
    )

    obj: dict[str, Any] = ctx.obj or {}
    if team and not (behind_proxy or insecure_http):
        raise TechleadError(
            "team mode needs HTTPS: run it behind a TLS-terminating proxy with --behind-proxy "
            "(see docs/dashboard.md), or accept plain HTTP with --insecure-http"
        )
    if not team and (behind_proxy or insecure_http):
        raise TechleadError("--behind-proxy and --insecure-http are for team mode (--team)")
    _check_port(host, port)
    repositories = open_repositories(paths or [Path(".")], obj.get("config"), obj.get("db"))
    try:
        app = create_app(
            repositories, team=team, insecure_http=insecure_http, behind_proxy=behind_proxy
        )
        if team:
            _need_users(repositories[0].store)
        for repository in repositories:
            with terminal.ProgressBar(f"Mining {repository.name}", quiet, unit="commits") as bar:
                repository.evidence.refresh(progress=bar)
    except BaseException:
        close_stores(repositories)
        raise
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "proxy_headers": behind_proxy,
        "forwarded_allow_ips": forwarded_allow_ips if behind_proxy else None,
    }
    if workers > 1:
        # each worker process builds its app from these; the cache mined above is warm
        os.environ[ENVIRONMENT] = json.dumps(
            {
                "repos": [str(r.evidence.repo.root) for r in repositories],
                "config": str(obj["config"]) if obj.get("config") else None,
                "db": repositories[0].store.url if obj.get("db") else None,
                "team": team,
                "insecure_http": insecure_http,
                "behind_proxy": behind_proxy,
            }
        )
        close_stores(repositories)
        _announce(repositories, host, port)
        uvicorn.run(
            "techlead.web.app:app_from_environment", factory=True, workers=workers, **options
        )
        return
    threading.Thread(target=warm_up, args=(repositories,), daemon=True).start()
    _announce(repositories, host, port)
    try:
        uvicorn.run(app, **options)
    finally:
        close_stores(repositories)


def _announce(repositories: Sequence[Served], host: str, port: int) -> None:
    shown = "localhost" if host in {"127.0.0.1", "::1"} else host
    address = f"http://{shown}:{port}"
    if len(repositories) == 1:
        name = repositories[0].name
        terminal.stdout.print(
            f"techlead dashboard for {name}: {address}/repos/{name}/", soft_wrap=True
        )
    else:
        terminal.stdout.print(f"techlead dashboard: {address}/", soft_wrap=True)
        for repository in repositories:
            terminal.stdout.print(f"  {repository.name}: {address}/repos/{repository.name}/")
    terminal.stdout.print("press Ctrl+C to stop")


def _check_port(host: str, port: int) -> None:
    """Refuse a port that is taken before the (long) scan, not after it."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise TechleadError(
            f"cannot listen on {host}:{port}: {exc.strerror}", hint="choose another with --port"
        ) from None


def _need_users(store: Any) -> None:
    from techlead.accounts.users import list_users

    if not list_users(store):
        store.close()
        raise TechleadError(
            "team mode: no users yet, and there is no default account",
            hint="add one: techlead user add NAME --role admin",
        )
