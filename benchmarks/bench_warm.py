"""Benchmark warm analyses: `techlead debt hotspots`, `debt coupling` and `team truck-factor`
over an unchanged HEAD, together, against one `git log --no-merges --name-status HEAD`.

Usage: python benchmarks/bench_warm.py [--repo PATH] [--runs 7] [--before OLD/src]
(the repository: /work/trials/sqlalchemy unless given)

The repository must have been scanned (`techlead scan`). Each command is its own process, its
output piped (not a terminal), as in a script or CI. The runs are interleaved (the baseline,
then each command, then again), so that a machine whose load changes during the run slows all
of them alike. Printed: the median wall time of each, the three together, and their ratio to
the baseline (goal: at most 0.5x); with `--no-cache`, the same commands computed afresh (the
history and the complexity measures still cached: what a warm command cost before ADR 0032).
With `--before`, the three run from another source tree too (PYTHONPATH=OLD/src).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench_startup import interleaved, techlead

GOAL = 0.5
COMMANDS = (("debt", "hotspots"), ("debt", "coupling"), ("team", "truck-factor"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path("/work/trials/sqlalchemy"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another source tree to measure too")
    args = parser.parse_args()
    repo = str(args.repo.resolve())
    baseline = "git log --no-merges --name-status HEAD (baseline)"
    commands = {baseline: ["git", "-C", repo, "log", "--no-merges", "--name-status", "HEAD"]}
    for group, name in COMMANDS:
        commands[f"techlead {group} {name}"] = [*techlead(), group, name, "-C", repo]
    for group, name in COMMANDS:
        commands[f"techlead --no-cache {group} {name}"] = [
            *techlead(),
            "--no-cache",
            group,
            name,
            "-C",
            repo,
        ]
    if args.before:
        before = f"PYTHONPATH={args.before.resolve()}"
        for group, name in COMMANDS:
            commands[f"techlead {group} {name} from {args.before}"] = [
                before,
                *techlead(),
                group,
                name,
                "-C",
                repo,
            ]
    measured = interleaved(commands, args.runs)
    base = measured[baseline]
    print(f"\n| warm, {args.runs} runs interleaved | median s | vs git log |")
    print("|---|---:|---:|")
    for name, seconds in measured.items():
        print(f"| {name} | {seconds:.3f} | {seconds / base:.2f}x |")
    for prefix in ("techlead ", "techlead --no-cache "):
        together = sum(measured[f"{prefix}{group} {name}"] for group, name in COMMANDS)
        print(f"| the three, `{prefix.strip()}` | {together:.3f} | {together / base:.2f}x |")
    together = sum(measured[f"techlead {group} {name}"] for group, name in COMMANDS)
    verdict = "met" if together / base <= GOAL else "NOT met"
    print(f"the three warm: {together / base:.2f}x git log (goal <= {GOAL}x): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
