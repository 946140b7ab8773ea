"""Benchmark `techlead org scan`: many repositories, cold, on a LocalCluster of 1 and 2 workers.

Usage: python benchmarks/bench_org.py SOURCE... [--count 24] [--runs 3] [--workdir DIR]

Each SOURCE is a git repository (a clone or a bare mirror). The work directory gets `--count`
clones: every source once, then further copies of them in turn until there are enough. Each
run removes every cache (a cold scan) and times `techlead org scan` as a separate process with
`--workers 1` and `--workers 2`. The baseline in the same script is raw `git log --numstat` of
every repository one after the other. Medians are printed with the ratios, then per-repository
commits, seconds and cache sizes of the last run (the data a projection to a larger cluster
needs, see docs/scaling.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def prepare(sources: list[Path], count: int, workdir: Path) -> list[Path]:
    workdir.mkdir(parents=True, exist_ok=True)
    clones = []
    for index in range(count):
        source = sources[index % len(sources)]
        base = source.name if source.name != "repo" else source.parent.name.split("+")[-1]
        name = base.removesuffix(".git") + ("" if index < len(sources) else f"-{index}")
        target = workdir / name
        if not target.exists():
            subprocess.run(
                ["git", "clone", "--quiet", "--no-checkout", str(source), str(target)], check=True
            )
            subprocess.run(["git", "-C", str(target), "checkout", "--quiet"], check=False)
        clones.append(target)
    return clones


def cold(clones: list[Path]) -> None:
    for clone in clones:
        shutil.rmtree(clone / ".techlead", ignore_errors=True)


def org_scan(workdir: Path, workers: int) -> tuple[float, list[dict[str, object]]]:
    command = [sys.executable, "-m", "techlead", "org", "scan", str(workdir), "-q", "-f", "json"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--workers", str(workers)], check=False, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"techlead org scan failed: {done.stderr.strip()}")
    return seconds, json.loads(done.stdout)


def git_log(clones: list[Path]) -> float:
    started = time.perf_counter()
    for clone in clones:
        subprocess.run(
            ["git", "-C", str(clone), "log", "--numstat", "-M", "HEAD"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - started


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path, nargs="+")
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/techlead-bench-org"))
    args = parser.parse_args()
    clones = prepare(args.sources, args.count, args.workdir)
    timings: dict[str, list[float]] = {"git": [], "1": [], "2": []}
    last: list[dict[str, object]] = []
    for _ in range(args.runs):
        timings["git"].append(git_log(clones))
        for workers in ("1", "2"):
            cold(clones)
            seconds, last = org_scan(args.workdir, int(workers))
            timings[workers].append(seconds)
    git_s, one, two = (statistics.median(timings[k]) for k in ("git", "1", "2"))
    commits = sum(int(str(row["commits"])) for row in last)
    print(f"{len(clones)} repositories, {commits:,} commits; medians of {args.runs} cold runs")
    print(f"git log --numstat, one after the other: {git_s:.1f} s")
    print(f"techlead org scan --workers 1: {one:.1f} s (x{one / git_s:.2f} of git log)")
    print(f"techlead org scan --workers 2: {two:.1f} s (x{two / git_s:.2f} of git log)")
    print(f"speed-up from 1 to 2 workers: x{one / two:.2f}")
    print("\nrepository, commits, seconds (2 workers), chunks, cache MB")
    for row in sorted(last, key=lambda r: -float(str(r["seconds"]))):
        cache = args.workdir / str(row["repository"]) / ".techlead" / "cache"
        print(
            f"{row['repository']}, {row['commits']}, {row['seconds']}, {row['chunks']}, "
            f"{size(cache) / 1e6:.1f}"
        )


if __name__ == "__main__":
    main()
