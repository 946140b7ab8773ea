"""MTTD/MTTA/MTTM/MTTR read the same in `incident stats` and on the dashboard: the mean and the
median, each labelled, in the tables, the cards and both JSON documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gitrepo import GitRepo
from techlead.cli import main
from techlead.config import load_settings
from techlead.store.database import open_store
from techlead.web.app import create_app, served


def test_means_and_medians_are_shown_and_labelled_in_both_places(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("first", {"app.py": "x = 1\n", ".gitignore": ".techlead/\n"})
    url = f"sqlite:///{tmp_path / 'records.db'}"
    here = ["--db", url]
    for title, resolved in (("A", "10:10"), ("B", "10:20"), ("C", "11:30")):
        day = {"A": "01", "B": "02", "C": "03"}[title]
        for argv in (
            ["incident", "open", title, "-s", "SEV3", "--at", f"2026-11-{day} 10:00"],
            ["incident", "status", str(ord(title) - 64), "resolved", "--at",
             f"2026-11-{day} {resolved}"],
        ):  # fmt: skip
            assert main([*here, *argv, "-C", str(repo.path)]) == 0
    capsys.readouterr()
    # MTTR over 10, 20 and 90 minutes: mean 40m, median 20m
    assert main([*here, "incident", "stats", "-C", str(repo.path)]) == 0
    table = capsys.readouterr().out
    assert "mean 40m, median 20m" in table
    assert main([*here, "incident", "stats", "-f", "json", "-C", str(repo.path)]) == 0
    cli = json.loads(capsys.readouterr().out)
    mttr = {iv["name"]: iv for iv in cli["intervals"]}["MTTR"]
    assert (mttr["mean_seconds"], mttr["median_seconds"]) == (40 * 60, 20 * 60)

    store = open_store(url, "repo")
    repository = served(repo.path, load_settings(repo.path), store)
    repository.evidence.refresh()
    try:
        with TestClient(create_app([repository])) as client:
            twin = client.get("/api/repos/repo/incidents").json()
            page = client.get("/repos/repo/incidents").text
    finally:
        store.close()
    assert twin["stats"] == cli
    assert '<h2>MTTR</h2><div class="figure">40m</div>' in page
    assert "mean (median 20m) over 3: resolved - detected" in page
