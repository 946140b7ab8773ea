"""The shells stay thin: only the assemblers (`techlead.cli`, `techlead.web.app`) import a
`*.cli` or `*.web` module (ADR 0005's front matter, ADR 0030)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from gitrepo import GitRepo
from techlead.cli import main
from techlead.decisions.check import check
from techlead.decisions.records import parse_record
from techlead.decisions.rules import rules_of
from techlead.history.git import open_repository

PROJECT = Path(__file__).resolve().parents[1]
LAYERING = next((PROJECT / "docs" / "adr").glob("0005-*.md"))
RULE = "only the assemblers import the shells"

# A product shaped like this one: the assemblers, shells, libraries, and three shells imported
# where they must not be.
PRODUCT = {
    "src/techlead/__init__.py": "",
    "src/techlead/__main__.py": "from techlead.launch import run\n",
    "src/techlead/launch.py": "from techlead.cli import computed\n",
    "src/techlead/cli.py": 'COMMANDS = {"debt": "techlead.debt.cli:app"}\n',  # by name
    "src/techlead/debt/__init__.py": "",
    "src/techlead/debt/hotspots.py": "",
    "src/techlead/debt/cli.py": "from techlead.debt.hotspots import ranked\n",
    "src/techlead/debt/web.py": "from techlead.debt.hotspots import ranked\n",
    "src/techlead/team/__init__.py": "",
    "src/techlead/team/cli.py": "from techlead.debt.cli import measured\n",
    "src/techlead/hiring/__init__.py": "",
    "src/techlead/hiring/cli/__init__.py": "from techlead.hiring.cli import records\n",
    "src/techlead/hiring/cli/records.py": "",
    "src/techlead/report/__init__.py": "",
    "src/techlead/report/stakeholder.py": (
        "from techlead.debt.web import ranked\nfrom techlead.web.overview import overview\n"
    ),
    "src/techlead/web/__init__.py": "",
    "src/techlead/web/app.py": "from techlead.debt import web\nfrom techlead.web import overview\n",
    "src/techlead/web/cli.py": "from techlead.web.app import create_app\n",
    "src/techlead/web/overview.py": "",
}


def test_a_shell_imported_outside_the_assemblers_is_a_violation(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = next(r for r in parse_record(LAYERING).front["rules"] if r["name"] == RULE)
    front = yaml.safe_dump({"status": "accepted", "date": "2026-01-01", "rules": [rule]})
    record = f"---\n{front}---\n\n# Only the assemblers import the shells\n"
    repo.commit("product", {**PRODUCT, "docs/adr/0005-layers.md": record})
    code = main(["adr", "check", "-C", str(repo.path), "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    found = sorted(v["violation"].split(" (")[0] for v in json.loads(out) if v["rule"] == RULE)
    assert found == [
        "techlead.report.stakeholder -> techlead.debt.web",
        "techlead.report.stakeholder -> techlead.web.overview",
        "techlead.team.cli -> techlead.debt.cli",
    ]


def test_this_project_keeps_to_its_layering_record() -> None:
    record = parse_record(LAYERING)
    rules = rules_of(record)
    assert RULE in {bound.name for bound in rules}
    violations = check(open_repository(PROJECT), rules, [PROJECT / "src"], None)
    assert [f"{v.rule.rule_id}: {v.file}:{v.line}: {v.message}" for v in violations] == []
