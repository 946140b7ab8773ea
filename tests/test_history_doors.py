"""`techlead.history`'s public modules and `techlead.project` are the only doors into mined
facts (ADR 0005's front matter, ADR 0035): a capability that imports a mining internal
(`miner`, `cache`, `log_format`, `lineage`) is a finding; one that goes through a door is not,
though the door itself imports the internals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitrepo import GitRepo
from techlead.cli import main
from techlead.decisions.records import parse_record

PROJECT = Path(__file__).resolve().parents[1]
LAYERING = next((PROJECT / "docs" / "adr").glob("0005-*.md"))
RULE = "history and project are the only doors into mined facts"

# The history package mines through its internals; the project and two capabilities use the
# doors, as they may; two capabilities reach past them, as they must not.
PRODUCT = {
    "src/techlead/__init__.py": "",
    "src/techlead/atomic_files.py": "",
    "src/techlead/history/__init__.py": "from techlead.history.miner import mine\n"
    "from techlead.history.scan import History, scan\n",
    "src/techlead/history/scan.py": "from techlead.history import cache, miner\n",
    "src/techlead/history/cache.py": "from techlead.atomic_files import atomic_write\n",
    "src/techlead/history/miner.py": "from techlead.history import log_format\n",
    "src/techlead/history/log_format.py": "",
    "src/techlead/history/files.py": "from techlead.history import lineage\n",
    "src/techlead/history/lineage.py": "from techlead.history.scan import History\n",
    "src/techlead/project.py": "from techlead.history.files import CurrentFiles\n"
    "from techlead.history.scan import ScanResult\n",
    "src/techlead/team/__init__.py": "",
    "src/techlead/team/identities.py": "from techlead.history.scan import History\n",
    "src/techlead/debt/__init__.py": "",
    "src/techlead/debt/complexity.py": "from techlead.atomic_files import atomic_write\n"
    "from techlead.history.cache import HistoryCache\n",
    "src/techlead/org/__init__.py": "",
    "src/techlead/org/tasks.py": "from techlead.history import mine\n"
    "from techlead.project import Project\n",
    "src/techlead/org/cluster.py": "from techlead.history.log_format import parse\n",
}


def _rule() -> dict[str, Any]:
    rules = [r for r in parse_record(LAYERING).front["rules"] if r["name"] == RULE]
    assert len(rules) == 1, f"ADR 0005 has no rule named {RULE!r}"
    return rules[0]


def _product(files: dict[str, str]) -> dict[str, str]:
    front = yaml.safe_dump({"status": "accepted", "date": "2026-01-01", "rules": [_rule()]})
    return {**files, "docs/adr/0005-doors.md": f"---\n{front}---\n\n# The doors\n"}


def test_a_capability_importing_a_mining_internal_is_a_violation(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("product", _product(PRODUCT))
    code = main(["adr", "check", "-C", str(repo.path), "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    found = sorted(v["violation"].split(" (")[0] for v in json.loads(out))
    assert found == [
        "techlead.debt.complexity -> techlead.history.cache",
        "techlead.org.cluster -> techlead.history.log_format",
    ]


def test_going_through_the_doors_is_not(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    product = dict(PRODUCT)
    product["src/techlead/debt/complexity.py"] = "from techlead.atomic_files import atomic_write\n"
    product["src/techlead/org/cluster.py"] = "from techlead.history import scan\n"
    repo.commit("product", _product(product))
    code = main(["adr", "check", "-C", str(repo.path), "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert json.loads(out) == []


def test_the_rule_forbids_every_mining_internal() -> None:
    assert set(_rule()["forbidden_modules"]) == {
        "techlead.history.miner",
        "techlead.history.cache",
        "techlead.history.log_format",
        "techlead.history.lineage",
    }
