"""`techlead org` on a LocalCluster of processes over generated repositories, one of them
broken: the same caches as `techlead scan` alone, failures reported, worker deaths survived."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.history.scan import scan
from techlead.org.cluster import cluster, run
from techlead.org.sources import SourcesError, read_sources
from techlead.org.tasks import Options, Outcome, run_repository

PEOPLE = ["Ana <ana@acme.test>", "Ben <ben@acme.test>", "Chen <chen@acme.test>"]


def build(path: Path, commits: int, authors: list[str]) -> GitRepo:
    repo = GitRepo(path)
    for number in range(commits):
        body = "def f(x):\n" + "".join(
            f"    if x > {i}:\n        x += {i}\n" for i in range(number % 7)
        )
        repo.commit(
            f"change {number}",
            {f"src/m{number % 3}.py": body + f"# {number}\n", "README.md": f"v{number}\n"},
            author=authors[number % len(authors)],
        )
        if number % 5 == 4:
            repo.git("tag", f"v1.{number}")
    return repo


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three repositories (one with a single author) and a broken one."""
    root = tmp_path_factory.mktemp("org")
    build(root / "shop", 23, PEOPLE)
    build(root / "billing", 12, PEOPLE[:2])
    build(root / "solo", 8, PEOPLE[:1])
    broken = root / "broken"
    (broken / ".git").mkdir(parents=True)
    (broken / ".git" / "HEAD").write_text("garbage\n")
    (root / "notes").mkdir()  # not a repository: left out
    return root


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with cluster(None, 2) as connected:
        yield connected


def _tables(path: Path) -> tuple[object, ...]:
    history = scan(path).history  # read back from the cache: nothing left to mine
    return history.raw_commits, history.file_changes, history.tags


def test_cluster_scan_leaves_the_same_tables_as_scanning_each_repository_alone(
    organisation: Path, client: object, tmp_path: Path
) -> None:
    alone = tmp_path / "alone"
    for name in ("shop", "billing", "solo"):
        shutil.copytree(organisation / name, alone / name)
        assert main(["scan", str(alone / name), "--quiet"]) == 0
    outcomes = run(client, read_sources(organisation), Options(), None)  # type: ignore[arg-type]
    assert [(o.name, o.ok) for o in outcomes] == [
        ("billing", True),
        ("broken", False),
        ("shop", True),
        ("solo", True),
    ]
    for name in ("shop", "billing", "solo"):
        for ours, theirs in zip(_tables(organisation / name), _tables(alone / name), strict=True):
            assert ours.equals(theirs), name  # type: ignore[attr-defined]
    assert "not a git repository" in (outcomes[1].error or "")


def test_a_second_run_mines_only_new_commits(organisation: Path, client: object) -> None:
    sources = [s for s in read_sources(organisation) if s.name == "billing"]
    run(client, sources, Options(), None)  # type: ignore[arg-type]
    again = run(client, sources, Options(), None)  # type: ignore[arg-type]
    assert (again[0].commits, again[0].new_commits) == (12, 0)
    GitRepo(organisation / "billing", init=False).commit("one more", {"x.py": "x = 1\n"})
    after = run(client, sources, Options(), None)  # type: ignore[arg-type]
    assert (after[0].commits, after[0].new_commits) == (13, 1)


def test_a_long_history_is_mined_in_chunk_tasks_with_the_same_result(
    organisation: Path, client: object, tmp_path: Path
) -> None:
    copy = tmp_path / "shop"
    shutil.copytree(organisation / "shop", copy)
    shutil.rmtree(copy / ".techlead", ignore_errors=True)
    sources = read_sources(tmp_path)
    [outcome] = run(client, sources, Options(chunk_commits=5), None)  # type: ignore[arg-type]
    assert outcome.ok
    assert outcome.chunks == 5
    assert outcome.new_commits == 23
    alone = tmp_path / "alone"
    shutil.copytree(organisation / "shop", alone)
    shutil.rmtree(alone / ".techlead", ignore_errors=True)
    for ours, theirs in zip(_tables(copy), _tables(alone), strict=True):
        assert ours.equals(theirs)  # type: ignore[attr-defined]


MARK = "TECHLEAD_TEST_DIE_ONCE"


def dying_once(source: object, options: Options, analysis: object) -> Outcome:
    """Kills its worker process the first time it runs, then scans as usual."""
    marker = Path(os.environ[MARK])
    if not marker.exists():
        marker.write_text("died")
        os._exit(1)
    return run_repository(source, options, analysis)  # type: ignore[arg-type]


def test_a_worker_dying_mid_task_is_replaced_and_the_task_run_again(
    organisation: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    monkeypatch.setenv(MARK, str(tmp_path / "died"))  # the local workers inherit it
    sources = [s for s in read_sources(organisation) if s.name == "solo"]
    with cluster(None, 2) as fresh:
        [outcome] = run(fresh, sources, Options(), None, task=dying_once)  # type: ignore[arg-type]
    assert (tmp_path / "died").exists()
    assert outcome.ok
    assert outcome.commits == 8


def test_repositories_listed_in_a_file_by_path_or_url(organisation: Path, tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(
        f"# the team's repositories\n{organisation / 'shop'}\n../nowhere   # gone\n"
        f"file://{organisation / 'billing'}  # a comment\n"
        f"{organisation}/../{organisation.name}/shop\n\n",
        encoding="utf-8",
    )
    sources = read_sources(listing)
    assert [(s.name, s.is_url) for s in sources] == [
        ("shop", False),
        ("nowhere", False),
        ("billing", True),
    ]
    assert sources[1].location == str((tmp_path / "../nowhere").resolve())
    (tmp_path / "a" / "x").mkdir(parents=True)
    (tmp_path / "b" / "x").mkdir(parents=True)
    listing.write_text(f"{tmp_path / 'a' / 'x'}\n{tmp_path / 'b' / 'x'}\n", encoding="utf-8")
    assert [s.name for s in read_sources(listing)] == ["a/x", "b/x"]
    listing.write_text("/deep/a/svc/api\n/deep/b/svc/api\n/other/web\n", encoding="utf-8")
    assert [s.name for s in read_sources(listing)] == ["a/svc/api", "b/svc/api", "web"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourcesError, match="no git repository among its immediate children"):
        read_sources(empty)
    with pytest.raises(SourcesError, match="no such file or directory"):
        read_sources(tmp_path / "missing.txt")


def test_org_commands_report_across_repositories_and_exit_1_for_a_broken_one(
    organisation: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["org", "truck-factor", str(organisation), "--workers", "2", "-f", "json", "-q"])
    captured = capsys.readouterr()
    assert code == 1
    assert "failed: broken:" in captured.err
    result = json.loads(captured.out)
    factors = {r["repository"]: r["truck_factor"] for r in result["truck_factors"]}
    assert factors["solo"] == 1
    sole = {r["person"]: r for r in result["sole_authors"]}
    assert sole["Ana"]["repositories"] >= 1
    listing = tmp_path / "repos.txt"
    clones = tmp_path / "clones"
    listing.write_text(f"file://{organisation / 'billing'}\n{organisation / 'shop'}\n")
    code = main(
        [
            "org",
            "delivery",
            str(listing),
            "--clone-dir",
            str(clones),
            "--workers",
            "1",
            "-f",
            "json",
            "-q",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    rows = {r["repository"]: r for r in json.loads(captured.out)["delivery"]}
    assert rows["billing"]["deployments"] == 2
    assert rows["shop"]["deployments"] == 4
    assert [p.name[:8] for p in clones.iterdir()] == ["billing-"]  # the worker cloned it
    config = tmp_path / "techlead.toml"
    config.write_text('[debt]\nsince = "10y"\n', encoding="utf-8")  # the fixtures are old
    code = main(
        ["--config", str(config), "org", "hotspots", str(listing),
         "--clone-dir", str(clones), "--top", "3", "-q"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "src/m" in out


def test_an_unreachable_scheduler_is_one_line(
    organisation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["org", "scan", str(organisation), "--scheduler", "tcp://127.0.0.1:1", "-q"])
    assert code == 2
    assert "--scheduler tcp://127.0.0.1:1: cannot reach it" in capsys.readouterr().err


def test_a_cloned_long_history_is_mined_in_chunks_on_the_worker_that_cloned_it(
    organisation: Path, client: object, tmp_path: Path
) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(f"file://{organisation / 'shop'}\n", encoding="utf-8")
    options = Options(clone_dir=tmp_path / "clones", chunk_commits=10)
    [outcome] = run(client, read_sources(listing), options, None)  # type: ignore[arg-type]
    assert outcome.ok, outcome.error
    assert (outcome.chunks, outcome.new_commits) == (3, 23)


def test_each_repository_counts_its_own_chunks_while_others_mine_beside_it(
    client: object, tmp_path: Path
) -> None:
    # built here, not copied from the shared fixture, which another test gives one more commit
    build(tmp_path / "shop", 23, PEOPLE)
    build(tmp_path / "billing", 13, PEOPLE[:2])
    outcomes = run(client, read_sources(tmp_path), Options(chunk_commits=4), None)  # type: ignore[arg-type]
    assert {o.name: o.chunks for o in outcomes} == {"billing": 4, "shop": 6}


def test_organisation_hotspots_show_the_value_they_are_ranked_by() -> None:
    import polars as pl

    from techlead.org.analyses import organisation_hotspots
    from techlead.org.tasks import Outcome

    def hotspots(rows: list[tuple[str, int, int, float]]) -> pl.DataFrame:
        return pl.DataFrame(
            rows, schema=["path", "revisions", "complexity", "score"], orient="row"
        ).with_columns(authors=pl.lit(1))

    outcomes = [
        Outcome("small", "small", True, tables={"hotspots": hotspots([("s.py", 5, 4, 1.0)])}),
        Outcome(
            "big",
            "big",
            True,
            tables={"hotspots": hotspots([("b.py", 30, 10, 1.0), ("c.py", 10, 10, 0.3)])},
        ),
    ]
    found = organisation_hotspots(outcomes, 10)
    assert found.columns[:3] == ["repository", "path", "changes_x_complexity"]
    ranked = found.get_column("changes_x_complexity").to_list()
    assert ranked == [300, 100, 20] == sorted(ranked, reverse=True)
