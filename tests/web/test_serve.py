"""`techlead serve` as a process: several workers share the record store."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import build_repository
from gitrepo import GitRepo


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_several_workers_serve_the_same_records(repo: GitRepo, tmp_path: Path) -> None:
    build_repository(repo)
    port = _port()
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "techlead",
            "--db",
            database,
            "serve",
            str(repo.path),
            "--workers",
            "2",
            "--port",
            str(port),
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _get(base + "/api/repos/repo/overview")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the workers did not come up"
            time.sleep(0.5)
        request = urllib.request.Request(
            base + "/api/repos/repo/incidents",
            data=json.dumps({"title": "Seen by every worker", "severity": "SEV3"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as created:
            assert created.status == 201
        for _ in range(8):  # whichever worker answers, the new incident is there
            status, body = _get(base + "/api/repos/repo/incidents")
            assert status == 200
            titles = [i["title"] for i in json.loads(body)["incidents"]]
            assert titles == ["Seen by every worker"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
