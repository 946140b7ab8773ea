"""DORA keys on a fixture repository with tags and a deploy log, computed by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from techlead.cli import main

LOG = """time,version,environment,status
2026-01-03T00:00:00+00:00,v1,production,success
2026-01-10T00:00:00+00:00,v2,production,success
2026-01-11T00:00:00+00:00,v2-hotfix1,production,success
2026-01-12T00:00:00+00:00,v3,staging,success
"""


@pytest.fixture
def deployed(repo: GitRepo) -> tuple[GitRepo, list[str]]:
    commits = [
        repo.commit("one", {"a.py": "1\n"}, date="2026-01-01T00:00:00+00:00"),
        repo.commit("two", {"a.py": "2\n"}, date="2026-01-02T00:00:00+00:00"),
    ]
    repo.git("tag", "v1")
    commits.append(repo.commit("three", {"b.py": "3\n"}, date="2026-01-09T00:00:00+00:00"))
    repo.git("tag", "v2")
    commits.append(
        repo.commit(
            f'Revert "three"\n\nThis reverts commit {commits[2]}.',
            {"b.py": None},
            date="2026-01-10T12:00:00+00:00",
        )
    )
    repo.git("tag", "v2-hotfix1")
    commits.append(repo.commit("four", {"c.py": "4\n"}, date="2026-01-11T12:00:00+00:00"))
    repo.git("tag", "v3")
    return repo, commits


def _result(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> dict[str, Any]:
    assert main(["delivery", *argv, "-f", "json", "-q", "-C", str(repo.path)]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _keys(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> list[dict[str, Any]]:
    return _result(capsys, repo, *argv)["rows"]  # type: ignore[no-any-return]


def test_keys_from_a_deploy_log_by_hand(
    deployed: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo, _ = deployed
    log = tmp_path / "deploys.csv"
    log.write_text(LOG)
    rows = _keys(capsys, repo, "--log", str(log), "--environment", "production")
    overall = rows[0]
    assert overall["period"] == "all"
    # v1 is the baseline (it ships the whole history before it); v2 ships three (24 h), the
    # hotfix ships the revert (12 h): median 18 h, P85 24 h. v2 failed (reverted after it
    # shipped, and followed by a hotfix), recovered by the hotfix a day later; the hotfix is
    # rework. 3 deployments in January (31 days).
    assert overall == {
        "period": "all",
        "deployments": 3,
        "per_week": round(3 / 31 * 7, 2),
        "lead_time_median_h": 18.0,
        "lead_time_p85_h": 24.0,
        "change_failure_rate": round(1 / 3, 3),
        "recovery_median_h": 24.0,
        "rework_rate": round(1 / 3, 3),
    }
    assert [r["period"] for r in rows[1:]] == ["2026-01"]


def test_an_incident_linked_to_a_commit_fails_its_deployment(
    deployed: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo, commits = deployed
    here = str(repo.path)
    assert main(["incident", "open", "Login broken", "-s", "SEV2", "-C", here]) == 0
    assert main(["incident", "link", "1", "--commit", commits[0][:10], "-C", here]) == 0
    capsys.readouterr()
    log = tmp_path / "deploys.csv"
    log.write_text(LOG)
    overall = _keys(capsys, repo, "--log", str(log), "--environment", "production")[0]
    assert overall["change_failure_rate"] == round(2 / 3, 3)  # v1 and v2


def test_keys_from_tags_and_errors(
    deployed: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo, _ = deployed
    overall = _keys(capsys, repo, "--period", "week")[0]
    assert overall["deployments"] == 4  # v1, v2, v2-hotfix1, v3 (tags at their commits' times)
    bad = tmp_path / "bad.csv"
    bad.write_text("time,version\n2026-01-03T00:00:00+00:00,v9\n")
    assert main(["delivery", "--log", str(bad), "-C", str(repo.path)]) == 2
    assert "bad.csv:2: 'v9' is no commit, tag or branch here" in capsys.readouterr().err
    bad.write_text("time,version\n3 Jan 2026,v1\n")
    assert main(["delivery", "--log", str(bad), "-C", str(repo.path)]) == 2
    assert "time '3 Jan 2026' is not ISO 8601" in capsys.readouterr().err
    chart = tmp_path / "keys.svg"
    assert main(["delivery", "--chart", str(chart), "-q", "-C", str(repo.path)]) == 0
    assert chart.read_text().startswith("<svg")


def test_the_delivery_and_release_pages(
    deployed: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from techlead.config import load_settings
    from techlead.store.database import open_store
    from techlead.web.app import create_app, served

    repo, _ = deployed
    assert main(["release", "check", "--release", "v3", "-C", str(repo.path)]) == 0
    capsys.readouterr()
    store = open_store(f"sqlite:///{repo.path / '.techlead' / 'techlead.db'}", "repo")
    try:
        repository = served(repo.path, load_settings(repo.path), store)
        repository.evidence.refresh()
        with TestClient(create_app([repository])) as client:
            page = client.get("/repos/repo/delivery?period=week")
            assert page.status_code == 200
            assert 'class="chart"' in page.text
            twin = client.get("/api/repos/repo/delivery").json()
            assert twin["rows"][0]["deployments"] == 4
            releases = client.get("/api/repos/repo/release").json()
            assert releases["latest"]["release"] == "v3"
            assert [c["verdict"] for c in releases["checks"]] == ["go"]
            assert "Gates of v3" in client.get("/repos/repo/release").text
    finally:
        store.close()


def test_ai_assisted_changes_against_the_others_by_hand(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    four = "".join(f"line {i}\n" for i in range(4))
    first = repo.commit("add a", {"a.py": four}, date="2026-01-01T00:00:00+00:00")
    repo.commit(
        "add b\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        {"b.py": four},
        date="2026-01-02T00:00:00+00:00",
    )
    repo.commit(
        "rewrite the top of b",
        {"b.py": "new 0\nnew 1\nline 2\nline 3\n"},
        date="2026-01-05T00:00:00+00:00",
    )
    repo.commit(
        f'Revert "add a"\n\nThis reverts commit {first}.',
        {"a.py": None},
        date="2026-01-06T00:00:00+00:00",
    )
    assert main(["delivery", "ai", "-f", "json", "-q", "-C", str(repo.path)]) == 0
    groups = {g["group"]: g for g in json.loads(capsys.readouterr().out)["groups"]}
    ai, other = groups["AI-assisted"], groups["other"]
    # the assistant's 4 lines: 2 rewritten within 21 days
    assert (ai["commits"], ai["lines_added"], ai["lines_rewritten_21d"]) == (1, 4, 2)
    assert ai["rework_rate"] == 0.5
    assert ai["revert_rate"] == 0
    # people: "add a" (4 lines, all reverted), the rewrite (2 lines, kept); the revert adds none
    assert (other["commits"], other["reverted"], other["revert_rate"]) == (3, 1, round(1 / 3, 3))
    assert (other["rework_measured_commits"], other["lines_added"]) == (2, 6)
    assert other["lines_rewritten_21d"] == 4
    assert other["mean_risk"] is None  # no model trained


def test_github_deployments_json(
    deployed: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo, commits = deployed
    log = tmp_path / "deployments.json"
    log.write_text(
        json.dumps(
            [
                {"id": 2, "sha": commits[2], "ref": "v2", "environment": "production",
                 "created_at": "2026-01-10T00:00:00Z"},
                {"id": 1, "sha": commits[1], "ref": "v1", "environment": "production",
                 "created_at": "2026-01-03T00:00:00Z"},
                {"id": 3, "sha": commits[4], "ref": "v3", "environment": "staging",
                 "created_at": "2026-01-12T00:00:00Z"},
            ]
        )
    )  # fmt: skip
    overall = _keys(capsys, repo, "--log", str(log), "--environment", "production")[0]
    # v1 is the baseline, v2 ships three (24 h); nothing failed
    assert (overall["deployments"], overall["lead_time_median_h"]) == (2, 24.0)
    assert overall["change_failure_rate"] == 0.0


def test_a_commit_naming_an_item_labelled_ai_assisted_is_ai_assisted() -> None:
    import polars as pl

    from techlead.delivery.ai import ai_flags
    from techlead.planning.backlog import keys_labelled

    items = pl.DataFrame(
        {"key": ["acme/shop#12", "SHOP-7", "acme/shop#13"],
         "labels": [["AI-Assisted"], ["backend"], []]}
    )  # fmt: skip
    labelled = keys_labelled(items, ["ai-assisted"])
    assert labelled == {"#12"}
    commits = pl.DataFrame(
        {
            "is_ai_assisted": [False, False, False, True],
            "subject": ["Fix login (#12)", "Fix cart (#13)", "SHOP-7 tune", "x"],
            "body": ["", "", "Generated with Claude Code", None],
        }
    )
    assert ai_flags(commits, [r"generated with claude"], labelled).to_list() == [
        True,  # names #12, labelled AI-assisted
        False,
        True,  # a marker in its message
        True,  # an assistant among its identities
    ]


def test_what_a_first_trial_found_in_delivery(
    deployed: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo, _ = deployed
    log = tmp_path / "deploys.csv"
    # Excel's byte-order mark, an environment in another case, a row logged twice; one
    # deployment: its frequency is per week of its month, not of its day
    log.write_text(
        "\ufefftime,version,environment\n"
        "2026-01-10T00:00:00+00:00,v2,Production\n"
        "2026-01-10T00:00:00+00:00,v2,Production\n",
        encoding="utf-8",
    )
    overall = _keys(capsys, repo, "--log", str(log), "--environment", "production")[0]
    assert (overall["deployments"], overall["per_week"]) == (1, round(7 / 31, 2))
    assert overall["lead_time_median_h"] is None  # the first deployment is the baseline
    assert overall["change_failure_rate"] == 0.0  # its own history's revert is no failure
    log.write_text("time,version\n9999-12-31T23:59:59+14:00,v1\n")
    assert main(["delivery", "--log", str(log), "-C", str(repo.path)]) == 2
    assert "is in the future" in capsys.readouterr().err
    log.write_text("time,version,environment\n2026-01-10T00:00:00+00:00,v2,production\n")
    assert main(["delivery", "--log", str(log), "--environment", "qa", "-C", str(repo.path)]) == 2
    assert "no deployments in" in capsys.readouterr().err
