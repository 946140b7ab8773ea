"""Benchmark `techlead risk evaluate` and `risk train`: cold, warm, and where the time goes.

Usage: python benchmarks/bench_risk.py REPO [--runs 3] [--baseline-src DIR] [--phases-only]

REPO must have been scanned (`techlead scan REPO`); the history cache is kept, only the risk
cache (`.techlead/cache/risk/`) is cleared before a cold run. Printed, each as the median of
`--runs` runs, wall-clock and CPU seconds (git children included, which is what the two
cores spend whatever else runs on the machine):

* the split of a cold evaluation into its three phases, measured in one process: the change
  metrics, SZZ (diffs and blames of every fix) and the models (fits and scores of every fold);
* `techlead risk evaluate` cold (risk cache cleared), as its own process;
* `techlead risk evaluate` warm (run again: metrics, blames and evaluation kept);
* `techlead risk train` right after `risk evaluate`.

The baseline is the same run with another source tree (`--baseline-src`, e.g. a checkout of
the commit before the speed-up), or, without one, the figures measured on sqlalchemy before
it (17.5 min for evaluate, 15 min more for train).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RECORDED_BASELINE = {"evaluate cold": 17.5 * 60, "train after evaluate": 15 * 60}

PHASES = r"""
import json, os, sys, tempfile, time
from pathlib import Path
from techlead.config import load_settings
from techlead.history.scan import scan
from techlead.risk.dataset import labelled_changes
from techlead.risk.evaluate import evaluate
from techlead.risk.features import change_metrics

def cpu():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system

repo = Path(sys.argv[1])
settings = load_settings(repo)
result = scan(repo, settings)
cache = Path(tempfile.mkdtemp(prefix="bench-risk-"))
found = {}
wall, spent = time.perf_counter(), cpu()
metrics = change_metrics(result.history, settings.risk)
found["metrics"] = (time.perf_counter() - wall, cpu() - spent)
wall, spent = time.perf_counter(), cpu()
data, kept = labelled_changes(result.history, settings, {}, cache, metrics=metrics)
found["szz"] = (time.perf_counter() - wall, cpu() - spent)
wall, spent = time.perf_counter(), cpu()
risk = settings.risk
evaluation = evaluate(data, risk.gaps, risk.period_days, risk.effort_share)
found["models"] = (time.perf_counter() - wall, cpu() - spent)
found["changes"] = (data.height, int(data["label"].sum()))
print(json.dumps(found))
"""


def _cpu_of_children() -> float:
    times = os.times()
    return times.children_user + times.children_system


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process (its own children included)."""
    spent, started = _cpu_of_children(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=True)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command[2:])} failed: {done.stderr.decode()[-500:]}")
    return time.perf_counter() - started, _cpu_of_children() - spent


def environment(source: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return env


def risk_cache(repo: Path) -> Path:
    return repo / ".techlead" / "cache" / "risk"


def median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def phases(repo: Path, env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    found: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PHASES, str(repo)], env=env, capture_output=True, check=True
        ).stdout
        for name, value in json.loads(out).items():
            found.setdefault(name, []).append(tuple(value))
    return {name: median(values) for name, values in found.items()}


def commands(repo: Path, env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    techlead = [sys.executable, "-m", "techlead", "risk"]
    evaluate = [*techlead, "evaluate", "-q", "-f", "json"]
    cold, warm, train = [], [], []
    for _ in range(runs):
        shutil.rmtree(risk_cache(repo), ignore_errors=True)
        cold.append(timed(evaluate, repo, env))
        warm.append(timed(evaluate, repo, env))
        train.append(timed([*techlead, "train", "-q"], repo, env))
    return {
        "evaluate cold": median(cold),
        "evaluate warm": median(warm),
        "train after evaluate": median(train),
    }


def report(title: str, figures: dict[str, tuple[float, float]]) -> None:
    print(title)
    for name, value in figures.items():
        if name == "changes":
            print(f"  {value[0]:,} changes, {value[1]:,} defect-inducing")
        else:
            print(f"  {name:<22} wall {value[0]:8.1f} s   cpu {value[1]:8.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-src", type=Path, help="src/ of the version to compare with")
    parser.add_argument("--phases-only", action="store_true", help="only the phase split")
    args = parser.parse_args()
    repo = args.repo.resolve()
    mine = environment(None)
    report(f"phases of a cold evaluation (median of {args.runs})", phases(repo, mine, args.runs))
    baseline: dict[str, float] = dict(RECORDED_BASELINE)
    if args.baseline_src is not None:
        before = environment(args.baseline_src.resolve())
        report("baseline phases (1 run)", phases(repo, before, 1))
        if not args.phases_only:
            measured = commands(repo, before, 1)
            report("baseline commands (1 run)", measured)
            baseline = {name: wall for name, (wall, _) in measured.items()}
    if args.phases_only:
        return
    figures = commands(repo, mine, args.runs)
    report(f"commands (median of {args.runs})", figures)
    source = "the baseline source" if args.baseline_src else "recorded on sqlalchemy"
    for name, wall in baseline.items():
        if name in figures:
            print(
                f"  {name}: {wall:.0f} s before ({source}), {figures[name][0]:.0f} s now "
                f"({wall / figures[name][0]:.1f}x)"
            )


if __name__ == "__main__":
    main()
