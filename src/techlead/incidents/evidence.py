"""Checking what an incident links to: commits in the mined history, decision records."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from techlead import terminal
from techlead.config import Settings
from techlead.decisions.store import decision_directory, find, load_decisions
from techlead.history.git import run_git
from techlead.incidents.service import IncidentError
from techlead.project import Project


def verify_commit(root: Path, settings: Settings, given: str, quiet: bool) -> tuple[str, str]:
    """The full id and subject of the one mined commit whose id starts with `given`."""
    prefix = given.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{4,64}", prefix):
        # a ref (HEAD~2, a tag, a branch): git names the commit, the history must hold it
        resolved = run_git(
            root, ["rev-parse", "--verify", "--quiet", f"{given.strip()}^{{commit}}"], check=False
        )
        if resolved.returncode != 0:
            raise IncidentError(
                f"commit {given!r}: neither a commit id nor a revision git knows here"
            )
        prefix = resolved.stdout.decode().strip()
    with terminal.ProgressBar(f"Mining {root.name}", quiet=quiet) as bar:
        history = Project(root, settings).refresh(progress=bar).history
    found = history.raw_commits.filter(pl.col("commit").str.starts_with(prefix)).select(
        "commit", "subject"
    )
    if found.height == 0:
        raise IncidentError(
            f"commit {given!r}: not in the mined history of {root}",
            hint="give a commit reachable from HEAD (or set history.all_refs)",
        )
    if found.height > 1:
        raise IncidentError(
            f"commit {given!r}: ambiguous ({found.height} commits); give more digits"
        )
    commit, subject = found.row(0)
    return str(commit), str(subject)


def verify_adr(root: Path, settings: Settings, given: str) -> str:
    number = given.strip().upper().removeprefix("ADR-").lstrip("0") or "0"
    if not number.isdigit():
        raise IncidentError(f"ADR {given!r}: not a record number")
    record = find(
        load_decisions(decision_directory(root, settings.decisions.directory)), int(number)
    )
    return f"ADR-{record.number:04d} {record.title}"
