"""Benchmark `techlead adr check` against import-linter on the same contracts, and compare them.

Usage: python benchmarks/bench_adr_check.py REPO PACKAGE [--path src] [--runs 5]

From PACKAGE's immediate modules and sub-packages the script writes three contracts: all of
them independent, the first forbidden to import any other, and all of them as layers in
alphabetical order. It writes them once as an import-linter INI file and once as the rules of an
accepted decision record, both outside REPO, then runs `lint-imports` and `techlead adr check`
as separate processes (start-up included; each with its own cache, warmed once). It prints the
median wall time of each, the ratio, and whether both tools found the same broken
(source, forbidden) pairs.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def children(root: Path, package: str) -> list[str]:
    """PACKAGE's immediate modules and sub-packages."""
    directory = root / package.replace(".", "/")
    found = [
        child.name if child.is_dir() else child.stem
        for child in directory.iterdir()
        if (
            (child / "__init__.py").is_file()
            or (child.suffix == ".py" and child.stem != "__init__")
        )
    ]
    return sorted(f"{package}.{name}" for name in found if name.isidentifier())


CONTRACTS = ("independent", "forbidden", "layered")


def write_contracts(where: Path, root: Path, path: str, package: str, modules: list[str]) -> None:
    """The same three contracts for import-linter and as an accepted record's rules."""
    indent = "\n    "
    tails = [module.rsplit(".", 1)[1] for module in modules]
    (where / "importlinter.ini").write_text(
        f"[importlinter]\nroot_package = {package}\n\n"
        "[importlinter:contract:independent]\nname = independent\ntype = independence\n"
        f"modules ={indent}{indent.join(modules)}\n\n"
        "[importlinter:contract:forbidden]\nname = forbidden\ntype = forbidden\n"
        f"source_modules = {modules[0]}\nforbidden_modules ={indent}{indent.join(modules[1:])}\n\n"
        "[importlinter:contract:layered]\nname = layered\ntype = layers\n"
        f"containers = {package}\nlayers ={indent}{indent.join(tails)}\n"
    )
    log = where / "adr"
    log.mkdir()
    (log / "0001-contracts.md").write_text(
        "---\nstatus: accepted\ndate: 2020-01-01\nrules:\n"
        f"  - name: independent\n    type: independence\n    modules: {json.dumps(modules)}\n"
        f"  - name: forbidden\n    type: forbidden\n    source_modules: [{modules[0]}]\n"
        f"    forbidden_modules: {json.dumps(modules[1:])}\n"
        f"  - name: layered\n    type: layers\n    containers: [{package}]\n"
        f"    layers: {json.dumps(tails)}\n"
        "---\n\n# Contracts\n"
    )
    (where / "techlead.toml").write_text(
        f'[decisions]\ndirectory = "{log}"\npython_path = ["{root / path}"]\n'
    )


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in {0, 1}:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed, result.stdout


def owner(module: str, modules: list[str]) -> str:
    return next(m for m in modules if module == m or module.startswith(m + "."))


def linter_pairs(output: str) -> dict[str, set[tuple[str, str]]]:
    """Broken (source, forbidden) pairs per contract, from import-linter's report."""
    found: dict[str, set[tuple[str, str]]] = {name: set() for name in CONTRACTS}
    contract = None
    for line in output.splitlines():
        if line in found:
            contract = line
        match = re.match(r"^(\S+) is not allowed to import (\S+):$", line)
        if match and contract:
            found[contract].add((match.group(1), match.group(2)))
    return found


def techlead_pairs(output: str, modules: list[str]) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {name: set() for name in CONTRACTS}
    for row in json.loads(output):
        chain = row["violation"].split(" (", 1)[0].split(" -> ")
        found[row["rule"]].add((owner(chain[0], modules), owner(chain[-1], modules)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("package")
    parser.add_argument("--path", default=".", help="directory holding PACKAGE, in REPO")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = args.repo.resolve()
    modules = children(root / args.path, args.package)
    if len(modules) < 2:
        sys.exit(f"{args.package}: fewer than two modules to write contracts about")
    with tempfile.TemporaryDirectory() as temporary:
        where = Path(temporary)
        write_contracts(where, root, args.path, args.package, modules)
        env = {"PYTHONPATH": str(root / args.path), "PATH": str(BIN)}
        linter = [
            str(BIN / "lint-imports"),
            "--no-logo",
            "--cache-dir",
            str(where / "linter-cache"),
            str(where / "importlinter.ini"),
        ]
        ours = [
            str(BIN / "techlead"),
            "--config",
            str(where / "techlead.toml"),
            "adr",
            "check",
            "-C",
            str(root),
            "-f",
            "json",
        ]
        _, linter_out = timed(linter, root, env)  # warm both caches
        _, ours_out = timed(ours, root)
        linter_times = [timed(linter, root, env)[0] for _ in range(args.runs)]
        ours_times = [timed(ours, root)[0] for _ in range(args.runs)]
    theirs, mine = linter_pairs(linter_out), techlead_pairs(ours_out, modules)
    linter_median, ours_median = statistics.median(linter_times), statistics.median(ours_times)
    print(f"repository {root} package {args.package}: contracts over its {len(modules)} modules")
    for contract in CONTRACTS:
        same = "same" if theirs[contract] == mine[contract] else "DIFFERENT"
        print(
            f"  {contract}: import-linter {len(theirs[contract])} broken pairs, "
            f"techlead {len(mine[contract])} ({same})"
        )
        for pair in sorted(theirs[contract] ^ mine[contract]):
            print(
                f"    only in {'import-linter' if pair in theirs[contract] else 'techlead'}: {pair}"
            )
    print(f"  lint-imports       median {linter_median:.3f} s over {args.runs} runs")
    print(f"  techlead adr check median {ours_median:.3f} s over {args.runs} runs")
    print(f"  ratio techlead / import-linter: {ours_median / linter_median:.2f}")


if __name__ == "__main__":
    main()
