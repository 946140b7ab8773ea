"""Benchmark `techlead debt hotspots`, `debt coupling` and `team truck-factor` on a warm cache.

Usage: python benchmarks/bench_analyses.py REPO [--runs 5]

The three commands run one after another, each as its own process (start-up included), after
one warm-up that fills the history and complexity caches. As a baseline in the same run, a plain
pure-Python pass over `git log --name-status` computes change coupling and a truck factor from
scratch. Medians of several runs, the ratio, and the peak RSS of each command are printed.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

COMMANDS = (("debt", "hotspots"), ("debt", "coupling"), ("team", "truck-factor"))


def run_command(argv: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(argv)} failed: {error.strip()}")
    return elapsed, usage.ru_maxrss


def baseline(repo: Path) -> tuple[int, int]:
    """Coupling pairs and truck factor from `git log --name-status`, plain Python, no cache."""
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--no-merges", "--name-status", "--format=@%H%x00%aN"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")
    commits: list[tuple[str, list[tuple[str, str]]]] = []
    for block in log.split("@")[1:]:
        header, _, body = block.partition("\n")
        author = header.split("\0")[1]
        changes = [
            (line.split("\t")[0][0], line.split("\t")[-1])
            for line in body.splitlines()
            if "\t" in line
        ]
        commits.append((author, changes))
    revisions: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for _, changes in commits:
        files = sorted({path for _, path in changes})
        if len(files) <= 30:
            revisions.update(files)
            shared.update(combinations(files, 2))
    coupled = sum(
        1
        for (a, b), count in shared.items()
        if count >= 5
        and (revisions[a] + revisions[b]) / 2 >= 5
        and count / ((revisions[a] + revisions[b]) / 2) >= 0.3
    )
    changes_by: dict[str, Counter[str]] = defaultdict(Counter)
    creator: dict[str, str] = {}
    for author, changes in reversed(commits):
        for kind, path in changes:
            changes_by[path][author] += 1
            if kind == "A":
                creator[path] = author
    authors: dict[str, set[str]] = {}
    for path, counts in changes_by.items():
        total = sum(counts.values())
        doa = {
            dev: 3.293
            + 1.098 * (creator.get(path) == dev)
            + 0.164 * n
            - 0.321 * math.log1p(total - n)
            for dev, n in counts.items()
        }
        best = max(doa.values())
        authors[path] = {
            dev for dev, value in doa.items() if value / best > 0.75 and value >= 3.293
        }
    removed = 0
    while authors and sum(1 for people in authors.values() if people) / len(authors) >= 0.5:
        top = Counter(dev for people in authors.values() for dev in people).most_common(1)[0][0]
        for people in authors.values():
            people.discard(top)
        removed += 1
    return coupled, removed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    repo = args.repo.resolve()
    techlead = [sys.executable, "-m", "techlead"]
    for group, command in COMMANDS:
        run_command([*techlead, group, command, "-C", str(repo), "-q"])  # warm the caches
    totals: list[float] = []
    per_command: dict[str, list[float]] = defaultdict(list)
    peak = 0
    for _ in range(args.runs):
        total = 0.0
        for group, command in COMMANDS:
            seconds, rss = run_command([*techlead, group, command, "-C", str(repo), "-q"])
            per_command[f"{group} {command}"].append(seconds)
            total += seconds
            peak = max(peak, rss)
        totals.append(total)
        print(f"  three commands: {total:.2f} s", file=sys.stderr)
    base = []
    for _ in range(args.runs):
        started = time.perf_counter()
        baseline(repo)
        base.append(time.perf_counter() - started)
        print(f"  pure-Python baseline: {base[-1]:.2f} s", file=sys.stderr)
    print(f"\n| {repo.name}, warm cache | median s | runs |")
    print("|---|---:|---:|")
    for name, seconds in per_command.items():
        print(f"| techlead {name} | {statistics.median(seconds):.2f} | {len(seconds)} |")
    print(f"| all three, one after another | {statistics.median(totals):.2f} | {len(totals)} |")
    label = "pure-Python pass over git log --name-status"
    print(f"| {label} | {statistics.median(base):.2f} | {len(base)} |")
    ratio = statistics.median(totals) / statistics.median(base)
    print(f"\nthree commands / baseline: {ratio:.2f}x  (goal: all three < 1.5 s)")
    print(f"peak RSS of one command: {peak / 1024:.0f} MiB  (goal < 1024)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
