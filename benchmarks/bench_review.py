"""Benchmark `techlead review` warm: the last 20 commits of a repository, reviewed again.

Usage: python benchmarks/bench_review.py REPO [--runs 5] [--commits 20]

The first run fills the caches (history, complexity, change metrics); then `--runs` warm runs
of `techlead review HEAD~N..HEAD` are timed as separate processes, as CI would run them. The
baseline in the same script is the raw git work any review needs: `git log --numstat` of the
range and `git diff` of it. Medians are printed, with the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=False, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--commits", type=int, default=20)
    args = parser.parse_args()
    span = f"HEAD~{args.commits}..HEAD"
    review = [sys.executable, "-m", "techlead", "review", span, "-q", "-f", "json"]
    started = time.perf_counter()
    subprocess.run(review, cwd=args.repo, check=False, capture_output=True)
    print(f"first run (fills the caches): {time.perf_counter() - started:.1f} s")
    warm = [timed(review, args.repo) for _ in range(args.runs)]
    git = [
        timed(["git", "log", "--numstat", span], args.repo)
        + timed(["git", "diff", f"HEAD~{args.commits}", "HEAD"], args.repo)
        for _ in range(args.runs)
    ]
    review_s, git_s = statistics.median(warm), statistics.median(git)
    print(f"techlead review {span} warm: {review_s:.2f} s (median of {args.runs})")
    print(f"git log --numstat + git diff of it: {git_s:.3f} s (x{review_s / git_s:.0f})")


if __name__ == "__main__":
    main()
