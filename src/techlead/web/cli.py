"""`techlead serve`: the dashboard on this machine."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from techlead import terminal
from techlead.config import load_settings
from techlead.errors import TechleadError
from techlead.history.git import open_repository
from techlead.options import QuietOption


def serve_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The repository (or a path inside it).")] = Path("."),
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
    """Open the dashboard: scans the repository, then serves its pages on 127.0.0.1.

    With --team, users sign in (add them with `techlead user add`); a team server must sit
    behind a TLS-terminating proxy (--behind-proxy) unless --insecure-http is given."""
    import uvicorn

    from techlead.history.web import Evidence
    from techlead.store.database import database_url, open_store
    from techlead.web.app import ENVIRONMENT, create_app, warm_up

    obj: dict[str, Any] = ctx.obj or {}
    if team and not (behind_proxy or insecure_http):
        raise TechleadError(
            "team mode needs HTTPS: run it behind a TLS-terminating proxy with --behind-proxy "
            "(see docs/dashboard.md), or accept plain HTTP with --insecure-http"
        )
    if not team and (behind_proxy or insecure_http):
        raise TechleadError("--behind-proxy and --insecure-http are for team mode (--team)")
    _check_port(host, port)
    root = open_repository(path).root
    settings = load_settings(root, obj.get("config"))
    store = open_store(database_url(root, obj.get("db"), settings.store.url))
    if team:
        _need_users(store)
    evidence = Evidence(root, settings)
    with terminal.ProgressBar(f"Mining {root.name}", quiet=quiet) as bar:
        evidence.refresh(progress=bar)
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
                "repo": str(root),
                "config": str(obj["config"]) if obj.get("config") else None,
                "db": store.url,
                "team": team,
                "insecure_http": insecure_http,
            }
        )
        store.close()
        _announce(root.name, host, port)
        uvicorn.run(
            "techlead.web.app:app_from_environment", factory=True, workers=workers, **options
        )
        return
    app = create_app(evidence, store, settings, team=team, insecure_http=insecure_http)
    threading.Thread(target=warm_up, args=(evidence, store), daemon=True).start()
    _announce(root.name, host, port)
    try:
        uvicorn.run(app, **options)
    finally:
        store.close()


def _announce(name: str, host: str, port: int) -> None:
    shown = "localhost" if host in {"127.0.0.1", "::1"} else host
    terminal.stdout.print(f"techlead dashboard for {name}: http://{shown}:{port}/", soft_wrap=True)
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
