"""A real PostgreSQL server for the tests: the one CI started, or a throwaway one started here.

`TECHLEAD_TEST_POSTGRES_URL` (set by `.ci/run`) names an administrative connection to a
running server. Without it, a temporary cluster is initialised and started from the installed
PostgreSQL binaries (as the `postgres` user when running as root), listening only on a Unix
socket, and stopped at the end of the session. Each test gets a database of its own.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ENVIRONMENT_VARIABLE = "TECHLEAD_TEST_POSTGRES_URL"


class UnavailableError(Exception):
    """No PostgreSQL server can be used or started here."""


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb and Path(initdb).with_name("pg_ctl").exists():
        return Path(initdb).parent
    raise UnavailableError("no PostgreSQL binaries (initdb, pg_ctl) installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def throwaway_server(base: Path) -> Iterator[str]:
    """Start a temporary cluster under `base`; yield an admin URL; stop it afterwards."""
    binaries = _binaries()
    prefix: list[str] = []
    user = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise UnavailableError("running as root and there is no postgres user") from None
        prefix = ["runuser", "-u", "postgres", "--"]
        user = "postgres"
        shutil.chown(base, "postgres")
        base.chmod(0o700)
    data, sockets = base / "data", base / "sockets"
    port = _free_port()
    commands = [
        [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8"],
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "server.log"),
            "-o",
            f"-k {sockets} -p {port} -c listen_addresses='' -c fsync=off",
            "-w",
            "start",
        ],
    ]
    for command in commands:
        if command[0].endswith("pg_ctl"):
            sockets.mkdir()
            if prefix:
                shutil.chown(sockets, "postgres")
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise UnavailableError(
                f"{Path(command[0]).name} failed: {result.stderr.strip()[-300:]}"
            )
    try:
        yield f"postgresql://{user}@/postgres?host={sockets}&port={port}"
    finally:
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )


@contextlib.contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server; dropped afterwards."""
    name = f"techlead_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    scheme, _, rest = admin_url.partition("://")
    authority, _, tail = rest.partition("/")
    _, _, query = tail.partition("?")
    try:
        yield f"{scheme}://{authority}/{name}" + (f"?{query}" if query else "")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
