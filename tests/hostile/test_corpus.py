"""The hostile corpus (corpus.toml) run through the CLI: every case, every command that reads
its file, each ending as the case says — never a traceback, never a secret shown."""

from __future__ import annotations

import os
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from techlead.cli import main

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
MANIFEST = tomllib.loads((HERE / "corpus.toml").read_text(encoding="utf-8"))
SECRET = "TOP-SECRET-7f3a"  # in the file outside the repository; no output may show it

FIRST_ADR = """---
status: accepted
date: 2024-01-01
---

# Record architecture decisions

## Context and Problem Statement

We want to record the decisions we make.

## Considered Options

* Decision records in the repository
* A wiki

## Decision Outcome

We keep decision records in docs/adr.
"""
RUNBOOK = """---
service: payments
owner: ann
alerts: [PaymentsSlow]
last-reviewed: 2024-01-01
---

# Payments API is slow

## Diagnosis

1. Look at the dashboard.
"""
OUTSIDE = f"""# Notes kept outside the repository

{SECRET}: root:x:0:0:root:/root:/bin/bash

* @{SECRET}-owner

[a link that is broken](no-such-file.md)
"""


@dataclass
class Outcome:
    command: str
    code: int
    output: str


def _case_id(case: dict[str, Any]) -> str:
    return str(case["name"])


def _build(tmp: Path) -> tuple[GitRepo, Path]:
    """A small repository with a decision record, a runbook and two commits; a file with a
    secret outside it."""
    outside = tmp / "outside" / "notes.md"
    outside.parent.mkdir()
    outside.write_text(OUTSIDE, encoding="utf-8")
    (outside.parent / "requirements.txt").write_text(f"requests==2.0  # {SECRET}\n")
    repo = GitRepo(tmp / "repo")
    repo.commit("start", {"app.py": "def f():\n    return 1\n", "docs/guide.md": "# Guide\n"})
    repo.commit(
        "decisions and runbooks",
        {
            "app.py": "def f():\n    return 2\n",
            "docs/adr/0001-record-architecture-decisions.md": FIRST_ADR,
            "docs/runbooks/payments.md": RUNBOOK,
        },
    )
    return repo, outside


def _commands(case: dict[str, Any]) -> list[str]:
    run = case["run"]
    return list(MANIFEST["commands"][run]) if isinstance(run, str) else list(run)


def _cli(command: str, capsys: pytest.CaptureFixture[str], values: dict[str, str]) -> Outcome:
    argv = [part.format(**values) for part in shlex.split(command)]
    code = main(argv)  # anything but a TechleadError escapes here and fails the test
    out, err = capsys.readouterr()
    return Outcome(command, code, out + err)


def _content(case: dict[str, Any]) -> bytes:
    if "text" in case:
        return str(case["text"]).encode("utf-8")
    name = str(case["file"])
    if name.startswith("big:"):
        size = int(name.removeprefix("big:"))
        line = b"title,severity,detected,time,commit\n"
        return (line * (size // len(line) + 1))[:size]
    return (CORPUS / name).read_bytes()


def _place(case: dict[str, Any], repo: GitRepo, outside: Path, tmp: Path) -> Path | None:
    """Put the case's file, link or node where it goes; return its path."""
    if "at" in case:
        where = str(case["at"])
        if "*" in where:
            matches = sorted(repo.path.glob(where))
            assert len(matches) == 1, f"{where}: {matches}"
            target = matches[0]
            target.unlink()
        else:
            target = repo.path / where
    elif any(key in case for key in ("file", "text", "node")):
        target = tmp / "given" / Path(str(case.get("file", "input"))).name.replace(":", "-")
    else:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    if "link" in case:
        target.symlink_to(outside if case["link"] == "outside" else Path(case["link"]))
    elif case.get("node") == "directory":
        target.mkdir()
    elif case.get("node") == "fifo":
        os.mkfifo(target)
    else:
        target.write_bytes(_content(case))
    return target


def _expected(case: dict[str, Any], command: str) -> tuple[int, str | None]:
    special = case.get("expect", {}).get(command)
    if special is not None:
        return int(special["exit"]), special.get("message")
    return int(case["exit"]), case.get("message")


@pytest.mark.parametrize("case", MANIFEST["case"], ids=_case_id)
def test_hostile_input_ends_as_the_corpus_says(
    case: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo, outside = _build(tmp_path)
    monkeypatch.chdir(repo.path)
    monkeypatch.setenv("COLUMNS", "200")
    if "config" in case:
        (repo.path / "techlead.toml").write_text(case["config"], encoding="utf-8")
    values = {"tmp": str(tmp_path), "outside": str(outside), "file": ""}
    for command in case.get("setup", []):
        done = _cli(command, capsys, values)
        assert done.code == 0, f"setup {command!r}: {done.output}"
    placed = _place(case, repo, outside, tmp_path)
    values["file"] = str(placed) if placed is not None else ""
    if case.get("commit"):
        repo.commit("the hostile file")
    before = placed.read_bytes() if case.get("unchanged") and placed is not None else None
    wrong = []
    for command in _commands(case):
        outcome = _cli(command, capsys, values)
        code, message = _expected(case, command)
        if outcome.code != code or (message is not None and message not in outcome.output):
            wrong.append(f"{command!r} exit {outcome.code}, wanted {code} and {message!r}:\n")
            wrong.append(f"    {outcome.output.strip()[-600:]}\n")
        if code == 2 and outcome.output.count("\nerror:") + outcome.output.startswith("error:") > 1:
            wrong.append(f"{command!r}: more than one error line:\n    {outcome.output}\n")
        if SECRET in outcome.output:
            wrong.append(f"{command!r} showed the file outside the repository\n")
    assert not wrong, "".join(wrong)
    if before is not None:
        assert placed is not None
        assert placed.read_bytes() == before, "the file was rewritten"
