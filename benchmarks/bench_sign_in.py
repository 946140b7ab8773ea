"""Benchmark authenticated reads of the team server while clients flood the sign-in form.

Usage: python benchmarks/bench_sign_in.py REPO [--clients 8] [--seconds 10] [--spread]
       [--config FILE]

`techlead serve --team` runs as its own process on a fresh SQLite record store with one
user; a signed-in browser (its session cookie) reads the overview's JSON twin one request
after another, first alone (the baseline, same run), then while `--clients` processes post
wrong passwords to `/login` as fast as they are answered. Printed: the median and p95 of the
reads in both phases, their ratio, and what the sign-in flood was answered (401: checked,
429: refused by the rate limit).

With `--spread` the server runs `--behind-proxy` and every flooding request claims another
client address (X-Forwarded-For) and another user name, so the per-address and per-user
limits never trigger: what is left to protect the reads is the bounded hashing. `--config`
passes a techlead.toml (to raise the `[server]` limits, say).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import free_port, wait_until_up

PASSWORD = "correct horse battery staple"


def techlead(*args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "techlead", *args], input=stdin, text=True, check=True)


def sign_in(port: int) -> str:
    """The session cookie of a fresh sign-in as `reader`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urllib.parse.urlencode({"name": "reader", "password": PASSWORD})
    connection.request(
        "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = connection.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie") or ""
    if response.status != 303 or not cookie:
        sys.exit(f"sign-in failed: {response.status}")
    return cookie.split(";", 1)[0]


def reads(port: int, path: str, cookie: str, seconds: float) -> list[float]:
    """Milliseconds of each authenticated read, one after another for `seconds`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    taken: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"{path}: {response.status}")
        taken.append((time.perf_counter() - started) * 1000)
    return taken


def flood(
    port: int, client: int, spread: bool, seconds: float, answers: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    """Post wrong passwords until `seconds` are over; put the status counts on `answers`."""
    counts: Counter[int] = Counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    deadline = time.monotonic() + seconds
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        name = f"guess{client}-{attempt}" if spread else "reader"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if spread:
            headers["X-Forwarded-For"] = f"10.{client}.{attempt // 250 % 250}.{attempt % 250}"
        body = urllib.parse.urlencode({"name": name, "password": "wrong password!!"})
        try:
            connection.request("POST", "/login", body, headers)
            response = connection.getresponse()
            response.read()
            counts[response.status] += 1
        except (OSError, http.client.HTTPException):
            counts[0] += 1
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    answers.put(dict(counts))


def summary(taken: list[float]) -> tuple[float, float]:
    ordered = sorted(taken)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--spread", action="store_true")
    parser.add_argument("--config", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'records.db'}"
        given = ["--config", str(args.config)] if args.config else []
        techlead(
            *given, "--db", url, "user", "add", "reader", "--role", "admin",
            "--password-stdin", "-C", str(args.repo), stdin=PASSWORD + "\n",
        )  # fmt: skip
        port = free_port()
        mode = ["--behind-proxy"] if args.spread else ["--insecure-http"]
        server = subprocess.Popen(
            [
                sys.executable, "-m", "techlead", *given, "--db", url, "serve", str(args.repo),
                "--team", *mode, "--port", str(port), "-q",
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/login")
            cookie = sign_in(port)
            path = "/api/repos"
            reads(port, path, cookie, 1)  # warm
            alone = summary(reads(port, path, cookie, args.seconds))
            answers: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
            flooders = [
                multiprocessing.Process(
                    target=flood, args=(port, client, args.spread, args.seconds + 1, answers)
                )
                for client in range(args.clients)
            ]
            for process in flooders:
                process.start()
            time.sleep(0.5)
            flooded = summary(reads(port, path, cookie, args.seconds))
            counts: Counter[int] = Counter()
            for _ in flooders:
                counts.update(answers.get(timeout=120))
            for process in flooders:
                process.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"authenticated reads of {path}, {args.seconds:g} s each phase")
    print(f"{'':24} {'median':>9} {'p95':>9}")
    print(f"{'alone':24} {alone[0]:7.1f}ms {alone[1]:7.1f}ms")
    label = f"{args.clients} clients flooding"
    print(f"{label:24} {flooded[0]:7.1f}ms {flooded[1]:7.1f}ms")
    print(f"median ratio x{flooded[0] / alone[0]:.1f}")
    shown = ", ".join(f"{status or 'error'}: {count:,}" for status, count in sorted(counts.items()))
    print(f"sign-in answers: {shown}")


if __name__ == "__main__":
    main()
