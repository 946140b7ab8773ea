"""The baseline named once ([decisions] baseline) is what `adr check`, `review`, `release
check` and the dashboard read: a frozen violation passes every gate and is counted, a new one
still fails, and `--baseline` overrides the configured file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gitrepo import GitRepo
from techlead.cli import main
from techlead.config import load_settings
from techlead.store.database import open_store
from techlead.web.app import create_app, served

RULE = (
    "---\nstatus: accepted\ndate: 2024-06-01\nrules:\n"
    "  - name: legacy frozen\n    type: files\n    forbid: [legacy/]\n---\n\n"
    "# Freeze legacy\n\n## Context and Problem Statement\n\nOld code.\n\n"
    "## Considered Options\n\n* freeze\n\n## Decision Outcome\n\nFreeze.\n"
)
CONFIG = '[decisions]\nbaseline = "adr-baseline.json"\n'


@pytest.fixture
def frozen(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[GitRepo, str]:
    """A repository whose one violation (legacy/old.py) is frozen in the configured baseline;
    returns it and the commit before the change that added the violating file."""
    repo.commit("start", {"app.py": "x = 1\n", ".gitignore": ".techlead/\n"},
                date="2026-01-01T00:00:00+00:00")  # fmt: skip
    base = repo.git("rev-parse", "HEAD")
    repo.write("docs/adr/0001-freeze-legacy.md", RULE)
    repo.write("techlead.toml", CONFIG)
    repo.commit("legacy", {"legacy/old.py": "y = 2\n"}, date="2026-01-02T00:00:00+00:00")
    assert main(["adr", "check", "--update-baseline", "-C", str(repo.path)]) == 0
    assert "1 violation frozen" in capsys.readouterr().err
    repo.commit("freeze", {}, date="2026-01-03T00:00:00+00:00")
    return repo, base


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rules_gate(out: str) -> dict[str, Any]:
    gates = {g["name"]: g for g in json.loads(out)["gates"]}
    found: dict[str, Any] = gates.get("rules") or gates["decision rules"]
    return found


def test_a_frozen_violation_passes_every_gate_and_is_counted(
    frozen: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base = frozen
    here = str(repo.path)
    code, out, err = _run(capsys, "adr", "check", "-f", "json", "-C", here)
    assert (code, json.loads(out)) == (0, [])
    assert "1 violation, 0 new, 1 frozen in the baseline adr-baseline.json" in err

    code, out, _ = _run(capsys, "review", f"{base}..HEAD", "-f", "json", "-q", "-C", here)
    review = json.loads(out)
    assert code == 0
    assert [f for f in review["findings"] if f["kind"] == "rule"] == []
    assert (review["frozen_rules"], review["baseline"]) == (1, "adr-baseline.json")
    assert _rules_gate(out)["reason"] == (
        "0 new decision-rule violation(s); 1 frozen in the baseline adr-baseline.json"
    )
    code, out, _ = _run(capsys, "review", f"{base}..HEAD", "-q", "-C", here)
    assert "1 frozen in the baseline adr-baseline.json" in out

    code, out, _ = _run(capsys, "release", "check", "-f", "json", "-C", here)
    gate = _rules_gate(out)
    assert (gate["status"], gate["evidence"]) == (
        "passed",
        "no new violation; 1 frozen in the baseline adr-baseline.json",
    )


def test_a_new_violation_still_fails_and_only_it_is_listed(
    frozen: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base = frozen
    here = str(repo.path)
    repo.commit("more legacy", {"legacy/new.py": "z = 3\n"}, date="2026-01-04T00:00:00+00:00")
    code, out, err = _run(capsys, "adr", "check", "-f", "json", "-C", here)
    assert code == 1
    assert [row["file"] for row in json.loads(out)] == ["legacy/new.py"]
    assert "2 violations, 1 new, 1 frozen" in err

    code, out, _ = _run(capsys, "review", f"{base}..HEAD", "-f", "json", "-q", "-C", here)
    assert code == 1
    rules = [f["file"] for f in json.loads(out)["findings"] if f["kind"] == "rule"]
    assert rules == ["legacy/new.py"]
    assert _rules_gate(out)["reason"].startswith("1 new decision-rule violation(s); 1 frozen")

    code, out, _ = _run(capsys, "release", "check", "-f", "json", "-C", here)
    gate = _rules_gate(out)
    assert (code, gate["status"]) == (1, "failed")
    assert gate["evidence"] == (
        "1 new violation: ADR 1 legacy frozen: legacy/new.py; "
        "1 frozen in the baseline adr-baseline.json"
    )


def test_baseline_option_overrides_the_configured_one(
    frozen: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo, base = frozen
    here = str(repo.path)
    other = tmp_path / "other.json"
    other.write_text('{"format": 1, "violations": []}\n')
    code, out, err = _run(capsys, "adr", "check", "--baseline", str(other), "-f", "json", "-C",
                          here)  # fmt: skip
    assert code == 1
    assert [row["file"] for row in json.loads(out)] == ["legacy/old.py"]
    assert f"0 frozen in the baseline {other}" in err
    argv = ["--baseline", str(other), "-f", "json", "-q", "-C", here]
    assert _run(capsys, "review", f"{base}..HEAD", *argv)[0] == 1
    assert _run(capsys, "release", "check", *argv[:-3], "-C", here)[0] == 1
    missing = tmp_path / "missing.json"
    code, _, err = _run(capsys, "adr", "check", "--baseline", str(missing), "-C", here)
    assert (code, err.splitlines()[0]) == (2, f"error: {missing}: no such baseline")


def test_a_configured_baseline_that_is_missing_is_a_one_line_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("docs/adr/0001-freeze-legacy.md", RULE)
    repo.commit("legacy", {"techlead.toml": CONFIG, "legacy/old.py": "y = 2\n"})
    code, _, err = _run(capsys, "adr", "check", "-C", str(repo.path))
    assert code == 2
    assert err.splitlines()[0] == (
        f"error: [decisions] baseline {repo.path / 'adr-baseline.json'}: no such baseline"
    )
    assert "techlead adr check --update-baseline" in err


def test_the_dashboard_shows_only_new_violations_with_the_frozen_count(
    frozen: tuple[GitRepo, str], tmp_path: Path
) -> None:
    repo, _ = frozen
    settings = load_settings(repo.path)
    store = open_store(f"sqlite:///{tmp_path / 'records.db'}", "repo")
    repository = served(repo.path, settings, store)
    repository.evidence.refresh()
    try:
        with TestClient(create_app([repository])) as client:
            check = client.get("/api/repos/repo/decisions").json()["check"]
            page = client.get("/repos/repo/decisions").text
    finally:
        store.close()
    assert (check["violations"], check["frozen"], check["baseline"]) == (
        [],
        1,
        "adr-baseline.json",
    )
    assert "1 frozen in the baseline adr-baseline.json" in page
