"""Only the shells import the CLI and web frameworks, directly or through another module
(ADR 0005's front matter): a library that imports a shell's helper imports the framework."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from gitrepo import GitRepo
from techlead.cli import main
from techlead.decisions.records import parse_record

PROJECT = Path(__file__).resolve().parents[1]
LAYERING = next((PROJECT / "docs" / "adr").glob("0005-*.md"))
RULES = ("only the shells import the CLI framework", "only the web shells import the web framework")

# The shells and their helpers import the frameworks, as they may; two libraries reach a
# framework through a helper, as they must not.
PRODUCT = {
    "src/techlead/__init__.py": "",
    "src/techlead/options.py": "import typer\n",
    "src/techlead/shell.py": "import typer\n",
    "src/techlead/pages.py": "import fastapi\nimport starlette\n",
    "src/techlead/debt/__init__.py": "",
    "src/techlead/debt/cli.py": "import typer\nfrom techlead import options, shell\n",
    "src/techlead/debt/web.py": "import fastapi\nimport starlette\nfrom techlead import pages\n",
    "src/techlead/debt/hotspots.py": "from techlead.options import RepoOption\n",
    "src/techlead/hiring/__init__.py": "",
    "src/techlead/hiring/cli/__init__.py": "from techlead.hiring.cli import records\n",
    "src/techlead/hiring/cli/records.py": "import typer\nfrom techlead import options, shell\n",
    "src/techlead/report/__init__.py": "",
    "src/techlead/report/tradeoff.py": "from techlead.pages import markdown_html\n",
}


def _product() -> dict[str, str]:
    """PRODUCT, with every other module the rules name as an empty package."""
    rules = [r for r in parse_record(LAYERING).front["rules"] if r["name"] in RULES]
    files = dict(PRODUCT)
    for module in sorted({m for rule in rules for m in rule["source_modules"]}):
        path = module.replace(".", "/")
        if not any(f"src/{path}{end}" in files for end in (".py", "/__init__.py")):
            files[f"src/{path}/__init__.py"] = ""
    front = yaml.safe_dump({"status": "accepted", "date": "2026-01-01", "rules": rules})
    files["docs/adr/0005-frameworks.md"] = f"---\n{front}---\n\n# Only the shells\n"
    return files


def test_a_library_reaching_a_framework_through_a_shell_helper_is_a_violation(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("product", _product())
    code = main(["adr", "check", "-C", str(repo.path), "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    found = sorted(v["violation"].split(" (")[0] for v in json.loads(out))
    assert found == [
        "techlead.debt.hotspots -> techlead.options -> typer",
        "techlead.report.tradeoff -> techlead.pages -> fastapi",
        "techlead.report.tradeoff -> techlead.pages -> starlette",
    ]
