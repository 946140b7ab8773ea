"""Benchmark `techlead scan` against one `git log --numstat` process and PyDriller.

Usage: python benchmarks/bench_scan.py REPO [--runs 5] [--pydriller-runs 1]
       [--pydriller-commits N]

Everything runs in one go on the same machine, each tool as its own process: a single
`git log --numstat`, `techlead scan` cold (empty cache) and incremental (one new commit on top),
and PyDriller reading the same commits' per-file line counts. Medians of several runs and ratios
against the `git log` baseline are printed; peak RSS is each measured process's own.
The repository given is never modified: the incremental runs commit in a throwaway shared clone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# PyDriller reads the same fields techlead stores, commit by commit.
PYDRILLER_SCRIPT = """
import sys
from pydriller import Repository
limit = int(sys.argv[2])
seen = lines = 0
for commit in Repository(sys.argv[1], order="reverse").traverse_commits():
    facts = (commit.hash, commit.parents, commit.author.name, commit.author.email,
             commit.author_date, commit.author_timezone, commit.committer.name,
             commit.committer_date, commit.msg, commit.co_authors, commit.merge)
    for change in commit.modified_files:
        facts = (change.old_path, change.new_path, change.change_type)
        lines += change.added_lines + change.deleted_lines
    seen += 1
    if seen == limit:
        break
print(seen, lines)
"""


@dataclass
class Measure:
    label: str
    seconds: list[float]
    peak_rss_kib: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def timed(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one process run to completion, output discarded."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {stderr.strip()}")
    return elapsed, usage.ru_maxrss


def repeat(label: str, runs: int, argv: list[str], **kwargs: object) -> Measure:
    results = [timed(argv, **kwargs) for _ in range(runs)]  # type: ignore[arg-type]
    measure = Measure(label, [seconds for seconds, _ in results], max(rss for _, rss in results))
    print(f"  {label}: {', '.join(f'{s:.2f}' for s in measure.seconds)} s", file=sys.stderr)
    return measure


def techlead_argv(repo: Path, cache: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ}
    config = cache / "techlead.toml"
    config.write_text(f'[history]\ncache_dir = "{cache / "store"}"\n', encoding="utf-8")
    argv = [
        sys.executable,
        "-m",
        "techlead",
        "--config",
        str(config),
        "scan",
        str(repo),
        "--quiet",
        *extra,
    ]
    return argv, env


def commit_count(repo: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, check=True
    )
    return int(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pydriller-runs", type=int, default=1)
    parser.add_argument("--pydriller-commits", type=int, default=0, help="0 = all of HEAD")
    args = parser.parse_args()
    repo = args.repo.resolve()
    total = commit_count(repo)
    print(f"repository {repo}: {total:,} commits on HEAD, {os.cpu_count()} cores", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="techlead-bench-") as scratch:
        work = Path(scratch)
        git_log = repeat(
            "git log --numstat", args.runs, ["git", "-C", str(repo), "log", "--numstat"]
        )

        cold_runs = []
        for run in range(args.runs):
            cache = work / f"cold{run}"
            cache.mkdir()
            argv, env = techlead_argv(repo, cache)
            cold_runs.append(timed(argv, env=env))
            print(f"  techlead scan (cold): {cold_runs[-1][0]:.2f} s", file=sys.stderr)
        cold = Measure(
            "techlead scan, cold", [s for s, _ in cold_runs], max(r for _, r in cold_runs)
        )

        clone = work / "clone"
        subprocess.run(["git", "clone", "-q", "--shared", str(repo), str(clone)], check=True)
        cache = work / "incremental"
        cache.mkdir()
        argv, env = techlead_argv(clone, cache)
        timed(argv, env=env)
        incremental_runs = []
        for run in range(args.runs):
            (clone / f"bench-{run}.txt").write_text(f"run {run}\n", encoding="utf-8")
            subprocess.run(["git", "-C", str(clone), "add", "-A"], check=True)
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(clone),
                    "-c",
                    "user.name=bench",
                    "-c",
                    "user.email=bench@example.com",
                    "commit",
                    "-q",
                    "-m",
                    f"bench {run}",
                ],
                check=True,
            )
            incremental_runs.append(timed(argv, env=env))
            print(f"  techlead scan (+1 commit): {incremental_runs[-1][0]:.2f} s", file=sys.stderr)
        incremental = Measure(
            "techlead scan, +1 commit",
            [s for s, _ in incremental_runs],
            max(r for _, r in incremental_runs),
        )
        shutil.rmtree(clone)

        limit = args.pydriller_commits or total
        pydriller = repeat(
            f"PyDriller ({limit:,} commits)",
            args.pydriller_runs,
            [sys.executable, "-c", PYDRILLER_SCRIPT, str(repo), str(limit)],
        )
        if limit < total:
            print(
                "  (PyDriller read fewer commits: its time is scaled to the whole history)",
                file=sys.stderr,
            )
            pydriller.seconds = [s * total / limit for s in pydriller.seconds]

    rows = [git_log, cold, incremental, pydriller]
    print(f"\n| {repo.name}: {total:,} commits | median s | runs | peak RSS MiB | vs git log |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row.label} | {row.median:.2f} | {len(row.seconds)} "
            f"| {row.peak_rss_kib / 1024:.0f} | {row.median / git_log.median:.2f}x |"
        )
    print(f"\ncold scan / git log: {cold.median / git_log.median:.2f}x  (goal <= 0.75x)")
    print(f"PyDriller / cold scan: {pydriller.median / cold.median:.1f}x  (goal >= 20x)")
    peak = max(cold.peak_rss_kib, incremental.peak_rss_kib)
    print(f"incremental scan after one new commit: {incremental.median:.2f} s  (goal < 1 s)")
    print(f"peak RSS of techlead: {peak / 1024:.0f} MiB  (goal < 1024)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
