"""Deployments from release tags as a project really tags them: `1.2.3` style, pre-releases,
a release branch with a backport, a revert years later; DORA levels only from enough of them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.history.tags import detect_pattern, is_prerelease


def _tag(repo: GitRepo, name: str, date: str) -> None:
    """An annotated tag made a day after its commit, so each change waits a day or more."""
    repo.git("tag", "-a", name, "-m", name, env={"GIT_COMMITTER_DATE": date})


@pytest.fixture
def released(repo: GitRepo) -> dict[str, str]:
    """1.0.0; a backport on the release branch rel_1_0 tagged 1.0.1; 1.1.0, 1.2.0rc1, 1.2.0;
    1.2.1 ships a revert of a 1.2.0 change 5 days later; 2.0.0 a revert of a 1.0.0 change
    three years later; and one stray tag the old default `v*` matched."""
    ids = {"start": repo.commit("start", {"a.py": "0\n"}, date="2020-01-01T00:00:00+00:00")}
    ids["a"] = repo.commit("feature a", {"a.py": "1\n"}, date="2020-01-05T00:00:00+00:00")
    _tag(repo, "1.0.0", "2020-01-06T00:00:00+00:00")
    repo.git("tag", "vendor-snapshot")
    repo.git("checkout", "-q", "-b", "rel_1_0")
    ids["backport"] = repo.commit(
        "fix b (backport)", {"b.py": "fix\n"}, date="2020-01-20T00:00:00+00:00"
    )
    _tag(repo, "1.0.1", "2020-01-22T00:00:00+00:00")
    repo.git("checkout", "-q", "main")
    ids["c"] = repo.commit("feature c", {"c.py": "1\n"}, date="2020-02-01T00:00:00+00:00")
    _tag(repo, "1.1.0", "2020-02-02T00:00:00+00:00")
    ids["d"] = repo.commit("feature d", {"d.py": "1\n"}, date="2020-02-10T00:00:00+00:00")
    _tag(repo, "1.2.0rc1", "2020-02-11T00:00:00+00:00")
    ids["e"] = repo.commit("feature e", {"e.py": "1\n"}, date="2020-02-14T00:00:00+00:00")
    _tag(repo, "1.2.0", "2020-02-15T00:00:00+00:00")
    ids["undo_e"] = repo.commit(
        f'Revert "feature e"\n\nThis reverts commit {ids["e"]}.',
        {"e.py": None},
        date="2020-02-20T00:00:00+00:00",
    )
    _tag(repo, "1.2.1", "2020-02-21T00:00:00+00:00")
    ids["undo_a"] = repo.commit(
        f'Revert "feature a"\n\nThis reverts commit {ids["a"]}.',
        {"a.py": "0\n"},
        date="2023-03-01T00:00:00+00:00",
    )
    _tag(repo, "2.0.0", "2023-03-02T00:00:00+00:00")
    return ids


def _json(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> Any:
    code = main([*argv, "-f", "json", "-q", "-C", str(repo.path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


@pytest.mark.parametrize(
    ("tags", "pattern"),
    [
        (["v1.2.3", "v1.3.0", "v2.0.0-beta.1", "docs-2024"], "v[0-9]*"),
        (["1.2.3", "1.2.4", "v1", "nightly"], "[0-9]*"),
        (["rel_1_2_3", "rel_1_3_0b1", "rel_1_3_0", "git-to-hg-map"], "rel_[0-9]*"),
        (["release-1.2", "release-1.3", "1.0"], "release-[0-9]*"),
        (["name-1.2.3", "name-1.2.4", "other-2.0"], "name-[0-9]*"),
        (["latest", "stable"], None),
    ],
)
def test_the_release_tag_pattern_is_the_prefix_most_version_like_tags_share(
    tags: list[str], pattern: str | None
) -> None:
    assert detect_pattern(tags) == pattern


def test_pre_release_and_development_tags_are_recognised() -> None:
    pre = ["1.2.0a1", "1.2.0b2", "1.2.0rc1", "1.2.0.dev3", "v1.0.0-alpha", "v1.0-beta.2",
           "2.0-pre", "nightly-2024-01-01", "rel_2_1_0b1"]  # fmt: skip
    final = ["1.2.0", "v1.2.3+build5", "1.2.3.post1", "devtools-1.0", "rel_2_0_36", "v2-hotfix1"]
    assert [t for t in pre + final if is_prerelease(t)] == pre


def test_detected_tags_say_which_pattern_and_refuse_a_level_from_few_deployments(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _json(capsys, repo, "delivery")
    assert (result["tag_pattern"], result["tag_pattern_detected"]) == ("[0-9]*", True)
    assert result["prereleases_left_out"] == 1  # 1.2.0rc1
    assert result["deployments"] == 6
    assert result["source"] == (
        "tags [0-9]* (detected: 7 of 7 version-like tags; 1 pre-release tag left out)"
    )
    assert result["levels"] == {}
    assert result["not_rated"] == (
        "no DORA level: 6 deployments, fewer than the 10 a level needs ([delivery] min_deployments)"
    )
    assert main(["delivery", "-q", "-C", str(repo.path)]) == 0
    table = capsys.readouterr().out
    assert "deployments: tags [0-9]* (detected" in table
    assert "no DORA level: 6 deployments" in table
    assert "elite" not in table
    (repo.path / "techlead.toml").write_text(
        "[delivery]\nmin_deployments = 5\n[release]\nprereleases = true\n"
    )
    result = _json(capsys, repo, "delivery")
    assert result["deployments"] == 7  # the release candidate too
    assert set(result["levels"]) == {
        "deployment frequency",
        "change lead time",
        "change failure rate",
        "failed deployment recovery time",
    }
    assert result["not_rated"] is None
    assert main(["delivery", "-f", "csv", "-q", "-C", str(repo.path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["period"] == "all"
    assert rows[0]["change_lead_time_level"] == "high (a day to a week)"
    assert rows[1]["change_lead_time_level"] == ""  # levels rate the whole only
    assert {r["source"] for r in rows} == {result["source"]}
    assert main(["delivery", "-f", "markdown", "-q", "-C", str(repo.path)]) == 0
    markdown = capsys.readouterr().out
    assert "- change lead time: high (a day to a week)" in markdown
    assert f"- deployments: {result['source']}" in markdown


def test_one_setting_for_the_release_tags_and_the_old_key_is_one_line(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.path / "techlead.toml").write_text('[release]\ntag_pattern = "1.*"\n')
    result = _json(capsys, repo, "delivery")
    assert (result["tag_pattern"], result["tag_pattern_detected"]) == ("1.*", False)
    assert result["deployments"] == 5  # 2.0.0 is not 1.*; the candidate left out
    assert main(["release", "check", "-f", "json", "-C", str(repo.path)]) in (0, 1)
    check = json.loads(capsys.readouterr().out)
    assert check["compared_with"] == "1.2.1"  # the latest 1.* tag before HEAD (2.0.0 is HEAD)
    (repo.path / "techlead.toml").write_text('[delivery]\ntag_pattern = "v*"\n')
    assert main(["delivery", "-C", str(repo.path)]) == 2
    err = capsys.readouterr().err
    assert "delivery: tag_pattern moved to [release] tag_pattern" in err
    assert len(err.strip().splitlines()) == 1


def test_release_check_finds_the_last_release_with_the_detected_pattern(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("after 2.0.0", {"f.py": "1\n"}, date="2023-04-01T00:00:00+00:00")
    assert main(["release", "check", "-f", "json", "-C", str(repo.path)]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["compared_with"] == "2.0.0"


def test_a_backport_on_a_release_branch_is_shipped_and_timed(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = _json(capsys, repo, "delivery", "deployments")
    assert listing["source"].startswith("tags [0-9]* (detected")
    rows = {r["deployment"]: r for r in listing["deployments"]}
    # rel_1_0's fix is reachable from 1.0.1 only (not from HEAD): shipped there, 48 h after
    assert (rows["1.0.1"]["commits"], rows["1.0.1"]["lead_time_median_h"]) == (1, 48.0)
    # 1.1.0 ships feature c (the backport is not on main)
    assert (rows["1.1.0"]["commits"], rows["1.1.0"]["lead_time_median_h"]) == (1, 24.0)
    # 1.2.0 ships d (the candidate is left out) and e: 5 days and 1 day
    assert (rows["1.2.0"]["commits"], rows["1.2.0"]["lead_time_median_h"]) == (2, 72.0)
    assert rows["1.0.0"]["lead_time_median_h"] is None  # the baseline


def test_a_revert_fails_a_deployment_only_within_the_window(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = released
    listed = _json(capsys, repo, "delivery", "deployments")["deployments"]
    assert [r["deployment"] for r in listed] == ["2.0.0", "1.2.1", "1.2.0", "1.1.0", "1.0.1",
                                                 "1.0.0"]  # fmt: skip
    rows = {r["deployment"]: r for r in listed}
    assert rows["1.2.0"]["failed"] is True
    assert rows["1.2.0"]["why"] == (
        f"{ids['undo_e'][:10]} reverts {ids['e'][:10]} 5 days after it shipped (within 14 days)"
    )
    assert rows["1.2.0"]["recovery_h"] == 6 * 24.0  # 1.2.1, six days later
    # the baseline's change reverted three years later: no failure of 1.0.0
    assert (rows["1.0.0"]["failed"], rows["1.0.0"]["why"]) == (False, None)
    assert [r["deployment"] for r in listed if r["failed"]] == ["1.2.0"]
    overall = _json(capsys, repo, "delivery")["rows"][0]
    assert overall["change_failure_rate"] == round(1 / 6, 3)
    (repo.path / "techlead.toml").write_text("[delivery]\nrevert_window_days = 3\n")
    overall = _json(capsys, repo, "delivery")["rows"][0]
    assert overall["change_failure_rate"] == 0.0


def test_deployments_say_why_in_every_format(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    log = tmp_path / "deploys.csv"
    log.write_text(
        "time,version,status\n"
        "2020-02-02T00:00:00+00:00,1.1.0,rolled_back\n"
        "2020-02-15T00:00:00+00:00,1.2.0,success\n"
        f"2020-02-21T00:00:00+00:00,{released['undo_e']},success\n"
    )
    here = ["-C", str(repo.path)]
    assert main(["delivery", "deployments", "--log", str(log), "-f", "csv", *here]) == 0
    rows = {r["deployment"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["1.1.0"]["why"] == "deploy log status rolled_back"
    assert rows["1.1.0"]["source"] == "deploy log deploys.csv"
    assert rows["1.2.0"]["why"].endswith("5 days after it shipped (within 14 days)")
    assert main(["delivery", "deployments", "--log", str(log), "-f", "markdown", *here]) == 0
    markdown = capsys.readouterr().out
    assert "| deployment | commit | deployed_at | commits |" in markdown
    assert "deploy log status rolled_back" in markdown
    assert "**3 deployments, 2 failed** (deployments: deploy log deploys.csv)" in markdown
    assert main(["delivery", "deployments", "--log", str(log), *here]) == 0
    table = capsys.readouterr().out
    assert "3 deployments, 2 failed" in table
    assert "rolled_back" in table
    assert max(len(line) for line in table.splitlines() if line.startswith("│")) <= 80


def test_options_written_before_a_subcommand_are_refused_not_ignored(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    here = ["-C", str(repo.path)]
    assert main(["delivery", "--tags", "1.*", "deployments", *here]) == 2
    err = capsys.readouterr().err
    assert "--tags before 'deployments' would be ignored" in err
    assert len(err.strip().splitlines()) <= 2
    assert "Traceback" not in err


def test_periods_are_newest_first_and_the_whole_does_not_change_with_them(
    released: dict[str, str], repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    monthly = _json(capsys, repo, "delivery")
    periods = [r["period"] for r in monthly["rows"]]
    assert periods[:3] == ["all", "2023-03", "2023-02"]
    assert len(periods) == 1 + 12  # the newest 12 of 39 months
    assert (monthly["periods_shown"], monthly["periods_total"]) == (12, 39)
    every = _json(capsys, repo, "delivery", "--all")
    assert [r["period"] for r in every["rows"]][-1] == "2020-01"
    assert len(every["rows"]) == 1 + 39
    weekly = _json(capsys, repo, "delivery", "--period", "week")["rows"][0]
    quarterly = _json(capsys, repo, "delivery", "--period", "quarter")["rows"][0]
    assert weekly == quarterly == monthly["rows"][0]
    assert main(["delivery", "-C", str(repo.path), "-q"]) == 0
    assert "the newest 12 of 39 months (--all shows every one)" in capsys.readouterr().out


def test_delivery_ai_carries_the_share_per_period_in_every_format(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    for month in range(1, 15):  # 14 months, one assisted commit in the newest
        year, number = 2024 + (month - 1) // 12, (month - 1) % 12 + 1
        trailer = "\n\nCo-authored-by: Claude <noreply@anthropic.com>" if month == 14 else ""
        repo.commit(
            f"change {month}{trailer}",
            {"a.py": f"{month}\n"},
            date=f"{year}-{number:02d}-03T00:00:00+00:00",
        )
    here = ["-q", "-C", str(repo.path), "--period", "month"]
    result = _json(capsys, repo, "delivery", "ai", "--period", "month")
    assert [g["group"] for g in result["groups"]] == ["AI-assisted", "other"]
    shares = result["share_per_period"]
    assert (result["periods_shown"], result["periods_total"]) == (12, 14)
    assert [s["period"] for s in shares[:2]] == ["2025-02-01", "2025-01-01"]  # newest first
    assert (shares[0]["ai_assisted"], shares[0]["share"]) == (1, 1.0)
    every = _json(capsys, repo, "delivery", "ai", "--period", "month", "--all")
    assert len(every["share_per_period"]) == 14
    assert main(["delivery", "ai", "-f", "csv", *here]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["table"] for r in rows].count("share_per_month") == 12
    assert rows[0]["table"] == "groups"
    assert main(["delivery", "ai", "-f", "markdown", *here]) == 0
    markdown = capsys.readouterr().out
    assert "### AI-assisted share per month" in markdown
    assert "the newest 12 of 14 months (--all shows every one)" in markdown


def test_the_delivery_page_and_twin_follow_the_same_results(
    released: dict[str, str], repo: GitRepo
) -> None:
    from fastapi.testclient import TestClient

    from techlead.config import load_settings
    from techlead.store.database import open_store
    from techlead.web.app import create_app, served

    assert main(["scan", str(repo.path), "-q"]) == 0
    store = open_store(f"sqlite:///{repo.path / '.techlead' / 'techlead.db'}", "repo")
    try:
        repository = served(repo.path, load_settings(repo.path), store)
        repository.evidence.refresh()
        with TestClient(create_app([repository])) as client:
            twin = client.get("/api/repos/repo/delivery?period=month").json()
            assert (twin["tag_pattern"], twin["tag_pattern_detected"]) == ("[0-9]*", True)
            assert twin["levels"] == {}
            assert twin["not_rated"].startswith("no DORA level: 6 deployments")
            assert [r["period"] for r in twin["rows"]][:2] == ["all", "2023-03"]
            assert len(twin["rows"]) == 13
            assert len(client.get("/api/repos/repo/delivery?period=month&all=true").json()[
                "rows"]) == 40  # fmt: skip
            failed = [d["deployment"] for d in twin["deployment_list"] if d["failed"]]
            assert failed == ["1.2.0"]
            page = client.get("/repos/repo/delivery?period=month").text
            assert "No DORA level: 6 deployments" in page
            assert "tags [0-9]* (detected" in page
            assert "within 14 days" in page
    finally:
        store.close()
