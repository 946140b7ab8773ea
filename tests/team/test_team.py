"""Ownership, truck factor (Avelino et al.) and off-boarding, worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from analysis_fixtures import ANN, BOB, build_small_project, day, files_of
from gitrepo import GitRepo
from techlead.team.offboard import UnknownDeveloperError, orphaned_files, resolve_people
from techlead.team.ownership import directory_ownership, file_ownership
from techlead.team.truck_factor import degree_of_authorship, truck_factor, truck_factor_by_directory


@pytest.fixture
def project(tmp_path: Path) -> GitRepo:
    return build_small_project(tmp_path / "project")


def test_ownership_by_lines_and_revisions(project: GitRepo) -> None:
    rows = {row["path"]: row for row in file_ownership(files_of(project)).iter_rows(named=True)}
    a = rows["a.py"]  # Ann added 4 + 1 lines, Bob 1 + 1; two revisions each
    assert (a["main_developer"], a["ownership"], a["contributors"]) == (
        "Ann Lead",
        round(5 / 7, 3),
        2,
    )
    assert a["fragmentation"] == round(1 - (5 / 7) ** 2 - (2 / 7) ** 2, 3)
    assert (a["main_developer_by_revisions"], a["revision_share"]) == ("Ann Lead", 0.5)
    c = rows["c.yml"]  # Ann 3 lines in one revision, Cy 1 line in one
    assert (c["main_developer"], c["ownership"]) == ("Ann Lead", 0.75)


def test_directory_ownership_sums_files_beneath(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("1", {"api/a.py": "1\n2\n3\n", "api/b.py": "1\n"}, author=ANN, date=day(1))
    repo.commit("2", {"api/b.py": "1\n2\n3\n4\n5\n"}, author=BOB, date=day(2))
    rows = {
        row["directory"]: row for row in directory_ownership(files_of(repo)).iter_rows(named=True)
    }
    assert (rows["api"]["main_developer"], rows["api"]["ownership"]) == ("Ann Lead", 0.5)
    assert rows["api"]["added"] == 8


def test_degree_of_authorship_formula(project: GitRepo) -> None:
    doa = degree_of_authorship(files_of(project))
    row = doa.filter((pl.col("file") == "a.py") & (pl.col("author") == "Ann Lead")).row(
        0, named=True
    )
    assert (row["fa"], row["dl"], row["ac"]) == (1, 2, 2)
    assert row["doa"] == pytest.approx(3.293 + 1.098 + 0.164 * 2 - 0.321 * math.log(3))
    bob = doa.filter((pl.col("file") == "a.py") & (pl.col("author") == "Bob Dev")).row(
        0, named=True
    )
    assert bob["doa"] == pytest.approx(3.293 + 0.164 * 2 - 0.321 * math.log(3))
    assert bob["is_author"] is False  # below 3.293 and normalised 0.748


def test_truck_factor_of_one_author_of_everything(project: GitRepo) -> None:
    result = truck_factor(files_of(project))
    assert (result.truck_factor, result.removed, result.files, result.orphaned_share) == (
        1,
        ["Ann Lead"],
        3,
        1.0,
    )


def two_owners(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit("ann", {"a/x1": "1\n", "a/x2": "2\n"}, author=ANN, date=day(1))
    repo.commit("bob", {"b/x3": "3\n", "b/x4": "4\n"}, author=BOB, date=day(2))
    return repo


def test_removal_continues_while_half_the_files_still_have_an_author(tmp_path: Path) -> None:
    result = truck_factor(files_of(two_owners(tmp_path / "r")))
    # after Ann leaves, 2 of 4 files (50%) still have an author: Bob must leave too
    assert (result.truck_factor, result.removed, result.orphaned_share) == (
        2,
        ["Ann Lead", "Bob Dev"],
        1.0,
    )


def test_truck_factor_per_directory(tmp_path: Path) -> None:
    results = truck_factor_by_directory(files_of(two_owners(tmp_path / "r")))
    assert [(r.scope, r.truck_factor, r.removed) for r in results] == [
        ("a", 1, ["Ann Lead"]),
        ("b", 1, ["Bob Dev"]),
    ]


def test_bots_are_never_authors(tmp_path: Path) -> None:
    repo = two_owners(tmp_path / "r")
    bot = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
    for n in range(5):
        repo.commit(f"bump {n}", {"a/x1": f"{n}\n"}, author=bot, date=day(3 + n))
    doa = degree_of_authorship(files_of(repo))
    assert "dependabot[bot]" not in doa.get_column("author").to_list()


def test_offboarding_lists_files_left_without_an_author(tmp_path: Path) -> None:
    repo = two_owners(tmp_path / "r")
    files = files_of(repo)
    leaving = resolve_people(files, ["ann@example.com"])
    assert leaving == ["Ann Lead"]
    hotspots = pl.DataFrame({"path": ["b/x3", "a/x2"], "score": [0.9, 0.5]})
    orphaned = orphaned_files(files, leaving, hotspots)
    assert orphaned.select("path", "hotspot_rank").rows() == [("a/x2", 2), ("a/x1", None)]


def test_unknown_person_suggests_close_names(project: GitRepo) -> None:
    with pytest.raises(UnknownDeveloperError, match="no developer") as raised:
        resolve_people(files_of(project), ["Ann Led"])
    assert raised.value.hint is not None
    assert "Ann Lead" in raised.value.hint
