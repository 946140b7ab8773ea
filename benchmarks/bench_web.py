"""Benchmark the dashboard under load: wrk at 50 connections on loopback.

Usage: python benchmarks/bench_web.py REPO [--incidents 2000] [--seconds 10] [--runs 3]

`techlead serve REPO` runs as its own process on a fresh record store holding `--incidents`
incidents (each with a few timeline entries); every page is opened once to warm the caches,
then wrk (Debian package `wrk`) loads each page for `--seconds`. The baseline in the same run
is a static file served by the same server: what the framework costs before any page logic.
Medians of `--runs` runs of p50 and p99 latency and requests per second are printed.

On a machine with two cores or more the server is pinned to the first core and wrk to the
others (`--no-pin` turns this off): sharing cores, the load generator takes CPU from the
server at random moments and the p99 measures that fight rather than the server. Each run
starts 3 s after the previous one ended (see `wrk`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

PAGES = ["/static/techlead.css", "/", "/hotspots", "/incidents"]  # under /repos/NAME but static
DRAIN_SECONDS = 3
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def load_incidents(url: str, repository: str, count: int) -> None:
    from techlead.incidents import service
    from techlead.store.database import open_store

    store = open_store(url, repository)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=count)
    for number in range(count):
        detected = start + dt.timedelta(days=number, hours=number % 24)
        incident = service.open_incident(
            store,
            f"Incident {number}: latency on checkout",
            f"SEV{1 + number % 4}",
            service=f"service-{number % 12}",
            detected_at=detected,
        )
        service.add_update(store, incident.id, "rolled back", "on-call", None)
        if number % 10:  # most are over; a tenth stay open
            service.change_status(
                store, incident.id, "resolved", {}, at=detected + dt.timedelta(hours=2), root=None
            )
    store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(base: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/", timeout=120) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("the dashboard did not come up")


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def cores(pin: bool) -> tuple[set[int] | None, set[int] | None]:
    """CPUs for the server and for wrk (None: not pinned)."""
    available = sorted(os.sched_getaffinity(0))
    if not pin or len(available) < 2:
        return None, None
    return {available[0]}, set(available[1:])


def taskset(on: set[int] | None) -> list[str]:
    return ["taskset", "-c", ",".join(map(str, sorted(on)))] if on else []


def wrk(
    url: str, seconds: int, connections: int, on: set[int] | None
) -> tuple[float, float, float]:
    # A run that starts right after another one shows a tail of up to ~1 s (seen for pages,
    # not for the static file; no CPU work shows it): wait for the last run's connections.
    time.sleep(DRAIN_SECONDS)
    output = subprocess.run(
        # as a browser asks: compressed
        [
            *taskset(on),
            "wrk",
            f"-t{len(on) if on else 2}",  # one thread per core it has: none waits for a core
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)\s*$", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)\s*$", output, re.M).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in output:
        sys.exit(f"{url}: some responses were errors\n{output}")
    return p50, p99, rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--no-pin", action="store_true", help="Let server and wrk share cores.")
    args = parser.parse_args()
    server_cores, wrk_cores = cores(not args.no_pin)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'records.db'}"
        started = time.perf_counter()
        from techlead.config import load_settings, repository_name
        from techlead.history.git import open_repository

        root = open_repository(args.repo).root
        name = repository_name(root, load_settings(root))
        load_incidents(url, name, args.incidents)
        print(f"{args.incidents:,} incidents loaded in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = subprocess.Popen(
            [
                *taskset(server_cores),
                sys.executable,
                "-m",
                "techlead",
                "--db",
                url,
                "serve",
                str(args.repo),
                "--port",
                str(port),
                "-q",
            ],
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            addresses = [p if p.startswith("/static/") else f"/repos/{name}{p}" for p in PAGES]
            for page in addresses:
                urllib.request.urlopen(base + page, timeout=600).read()
            where = (
                f"server on CPU {server_cores}, wrk on {wrk_cores}" if server_cores else "shared"
            )
            print(
                f"wrk -c{args.connections}, {args.seconds} s, median of {args.runs} runs, {where}\n"
            )
            print(f"{'page':22} {'p50':>9} {'p99':>9} {'req/s':>8}  p99 / static p99")
            floor = None
            for page in addresses:
                runs = [
                    wrk(base + page, args.seconds, args.connections, wrk_cores)
                    for _ in range(args.runs)
                ]
                p50, p99, rate = (statistics.median(r[i] for r in runs) for i in range(3))
                floor = floor or p99
                shown = page.replace(f"/repos/{name}", "")
                print(f"{shown:22} {p50:7.1f}ms {p99:7.1f}ms {rate:8.0f}  x{p99 / floor:.2f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
