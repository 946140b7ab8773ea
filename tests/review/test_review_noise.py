"""`techlead review` stays short enough to post: test code is recognised by [review]
test_paths (testing/, conftest.py, ... by default) and gets no security findings; hotspot and
AI lists are capped in the Markdown comment and kept whole in JSON and SARIF."""

from __future__ import annotations

import json

import pytest

from gitrepo import GitRepo
from techlead.cli import main

RISKY = "import subprocess\n\n\ndef run(x):\n    assert x\n    subprocess.call(x, shell=True)\n"


def _review(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> tuple[int, str]:
    code = main(["review", *argv, "-q", "-C", str(repo.path)])
    return code, capsys.readouterr().out


def _start(repo: GitRepo) -> str:
    return repo.commit("start", {"lib/app.py": "x = 1\n", ".gitignore": ".techlead/\n"})


def _security(out: str) -> list[str]:
    return sorted({f["file"] for f in json.loads(out)["findings"] if f["kind"] == "security"})


def test_security_findings_are_not_reported_in_test_code(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _start(repo)
    repo.commit(
        "helpers",
        {
            "lib/pkg/testing/helpers.py": RISKY,
            "conftest.py": RISKY,
            "src/pkg/tests/test_run.py": RISKY,
            "lib/pkg/run.py": RISKY,
        },
    )
    code, out = _review(capsys, repo, f"{base}..HEAD", "-f", "json")
    assert code == 0
    assert _security(out) == ["lib/pkg/run.py"]
    messages = [f["message"] for f in json.loads(out)["findings"] if f["kind"] == "tests"]
    assert messages == []  # testing/ and conftest.py are the change's tests


def test_test_paths_can_be_configured(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _start(repo)
    repo.commit("checks", {"checks/run.py": RISKY, "lib/pkg/testing/helpers.py": RISKY})
    _code, out = _review(capsys, repo, f"{base}..HEAD", "-f", "json")
    assert _security(out) == ["checks/run.py"]
    repo.write("techlead.toml", '[review]\ntest_paths = ["checks/"]\n')
    _, out = _review(capsys, repo, f"{base}..HEAD", "-f", "json")
    assert _security(out) == ["lib/pkg/testing/helpers.py"]
    tests = [f["message"] for f in json.loads(out)["findings"] if f["kind"] == "tests"]
    assert tests == []  # checks/ is now the tree of tests


def test_long_lists_are_capped_in_markdown_and_whole_in_json_and_sarif(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _start(repo)
    body = "def f(x):\n" + "".join(f"    if x > {i}:\n        x += {i}\n" for i in range(8))
    for n in range(8):
        repo.commit(
            f"change {n}\n\nCo-authored-by: Copilot <copilot@github.com>",
            {f"lib/m{k}.py": body + f"# {n}\n" for k in range(8)},
        )
    code, out = _review(capsys, repo, f"{base}..HEAD", "-f", "json")
    assert code == 0
    findings = json.loads(out)["findings"]
    kinds = [f["kind"] for f in findings]
    assert (kinds.count("ai"), kinds.count("hotspot")) == (8, 8)
    _, out = _review(capsys, repo, f"{base}..HEAD", "-f", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert sum(r["ruleId"] == "techlead/ai" for r in results) == 8
    _, out = _review(capsys, repo, f"{base}..HEAD")
    assert "**AI-assisted commits** (8)" in out
    assert "**Hotspots touched** (8)" in out
    assert out.count("and 3 more; full list in --format json / --sarif") == 2
    assert out.count("is AI-assisted") == 5
    repo.write("techlead.toml", "[review]\nlisted = 10\n")
    _, out = _review(capsys, repo, f"{base}..HEAD")
    assert out.count("is AI-assisted") == 8
    assert "more; full list" not in out
