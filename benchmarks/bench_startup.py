"""Benchmark techlead's start-up: `--version` and `--help` against `python -c "import typer"`.

Usage: python benchmarks/bench_startup.py [--runs 11] [--before OLD/src]

Each command is its own process. The runs are interleaved (baseline, then each command, then
again), so that a machine whose load changes during the run slows all of them alike. Printed:
the median wall time of each, its ratio to the baseline (goal: at most 1.5x), what Typer's Rich
help alone costs to import (the floor of any `--help`), and for every command group the modules
invoking it imports (`python -X importtime`, self-time of what is new after `techlead.cli`) and
the wall time of `techlead GROUP --help`. With `--before`, the same two commands run from
another source tree too (PYTHONPATH=OLD/src), in the same rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 1.5
BIN = Path(sys.executable).parent


def techlead() -> list[str]:
    """The console script next to this interpreter, as a user runs it; else `python -m`."""
    script = BIN / "techlead"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "techlead"]


def timed(argv: list[str]) -> float:
    env = None
    if argv[0].startswith("PYTHONPATH="):  # a command to run from another source tree
        env = {**os.environ, "PYTHONPATH": argv[0].partition("=")[2]}
        argv = argv[1:]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode().strip()}")
    return elapsed


def interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The median seconds of each command over `runs` rounds, one process each, after one
    round to warm the file cache."""
    for argv in commands.values():
        timed(argv)
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            seconds[name].append(timed(argv))
    return {name: statistics.median(values) for name, values in seconds.items()}


def import_cost(module: str) -> float:
    """Seconds spent importing what `module` adds to an already imported `techlead.cli`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import techlead.cli; import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith("| techlead.cli"))
    own = [int(line.split("|")[0].split(":")[1]) for line in lines[start + 1 :]]
    return sum(own) / 1e6


def group_costs(runs: int) -> list[tuple[str, str, float, float]]:
    """(commands, their module, median import seconds, median `techlead COMMAND --help`
    seconds of the first of them), one row per module."""
    from techlead.cli import COMMANDS

    by_module: dict[str, list[str]] = {}
    for name, entry in COMMANDS.items():
        by_module.setdefault(entry.target.partition(":")[0], []).append(name)
    found = []
    for module, names in by_module.items():
        imports = statistics.median(import_cost(module) for _ in range(runs))
        helping = interleaved({names[0]: [*techlead(), names[0], "--help"]}, runs)[names[0]]
        found.append((", ".join(names), module, imports, helping))
        print(f"  {module}: {imports:.3f} s of imports", file=sys.stderr)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--before", type=Path, help="another source tree to measure too")
    args = parser.parse_args()
    commands = {
        'python -c "import typer" (baseline)': [sys.executable, "-c", "import typer"],
        "techlead --version": [*techlead(), "--version"],
        "techlead --help": [*techlead(), "--help"],
        'python -c "import typer.rich_utils" (the floor of --help)': [
            sys.executable,
            "-c",
            "import typer.rich_utils",
        ],
    }
    if args.before:
        before = f"PYTHONPATH={args.before.resolve()}"
        commands[f"techlead --version from {args.before}"] = [before, *techlead(), "--version"]
        commands[f"techlead --help from {args.before}"] = [before, *techlead(), "--help"]
    measured = interleaved(commands, args.runs)
    base = next(iter(measured.values()))
    print(f"\n| start-up, {args.runs} runs interleaved | median s | vs import typer |")
    print("|---|---:|---:|")
    for name, seconds in measured.items():
        print(f"| {name} | {seconds:.3f} | {seconds / base:.2f}x |")
    for name in ("techlead --version", "techlead --help"):
        ratio = measured[name] / base
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(f"{name}: {ratio:.2f}x import typer (goal <= {GOAL}x): {verdict}")
    print("\n| command groups | module | imports s | `techlead GROUP --help` s |")
    print("|---|---|---:|---:|")
    for name, module, imports, helping in group_costs(max(3, args.runs // 2)):
        print(f"| {name} | `{module}` | {imports:.3f} | {helping:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
