"""Hotspots, complexity measures and their cache, on a repository worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from analysis_fixtures import ANN, B_PY, BOB, build_small_project, day, files_of
from gitrepo import GitRepo
from techlead.debt.complexity import ComplexityCache, measure_files
from techlead.debt.hotspots import hotspots
from techlead.debt.measure import indentation_complexity, measure_source
from techlead.debt.trend import UnknownFileError, complexity_trend, sample_evenly

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
def project(tmp_path: Path) -> GitRepo:
    return build_small_project(tmp_path / "project")


def test_hotspot_score_multiplies_normalised_revisions_and_complexity(project: GitRepo) -> None:
    files = files_of(project)
    measures = measure_files(files.history.repo, files.files, files.cache_dir)
    frame = hotspots(files, measures, EPOCH)
    rows = {row["path"]: row for row in frame.iter_rows(named=True)}
    # revisions 4, 3, 2; complexity 2, 1, 3 (c.yml: indentation 0+1+2+1 after commit 5)
    assert (rows["a.py"]["revisions"], rows["b.py"]["revisions"], rows["c.yml"]["revisions"]) == (
        4,
        3,
        2,
    )
    assert (
        rows["a.py"]["complexity"],
        rows["b.py"]["complexity"],
        rows["c.yml"]["complexity"],
    ) == (2, 1, 4)
    assert rows["a.py"]["score"] == pytest.approx(4 / 4 * 2 / 4, abs=1e-4)
    assert rows["b.py"]["score"] == pytest.approx(3 / 4 * 1 / 4, abs=1e-4)
    assert rows["c.yml"]["score"] == pytest.approx(2 / 4 * 4 / 4, abs=1e-4)
    assert frame.get_column("path").to_list() == ["a.py", "c.yml", "b.py"]
    assert rows["a.py"]["authors"] == 2
    assert rows["a.py"]["churn"] == 4 + 3
    assert rows["a.py"]["method"] == "lizard"
    assert rows["c.yml"]["method"] == "indentation"


def test_since_limits_change_frequency_but_not_last_change(project: GitRepo) -> None:
    files = files_of(project)
    measures = measure_files(files.history.repo, files.files, files.cache_dir)
    frame = hotspots(files, measures, datetime.fromisoformat(day(3)))
    rows = {row["path"]: row for row in frame.iter_rows(named=True)}
    assert (rows["a.py"]["revisions"], rows["b.py"]["revisions"], rows["c.yml"]["revisions"]) == (
        2,
        1,
        1,
    )
    assert rows["b.py"]["last_change"] == datetime.fromisoformat(day(3))


def test_revisions_follow_renames(project: GitRepo) -> None:
    project.move("b.py", "lib/b.py")
    project.commit("move b", author=BOB, date=day(6))
    files = files_of(project)
    frame = hotspots(files, measure_files(files.history.repo, files.files, files.cache_dir), EPOCH)
    revisions = dict(frame.select("path", "revisions").iter_rows())
    assert revisions["lib/b.py"] == 4
    assert "b.py" not in revisions


def test_path_pattern_and_top_limit(project: GitRepo) -> None:
    files = files_of(project)
    measures = measure_files(files.history.repo, files.files, files.cache_dir)
    assert hotspots(files, measures, EPOCH, path="*.py").get_column("path").to_list() == [
        "a.py",
        "b.py",
    ]
    assert hotspots(files, measures, EPOCH, top=1).height == 1


def test_default_exclusions_leave_out_lock_and_vendored_files(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("x", {"app.py": "x = 1\n", "poetry.lock": "lock\n", "vendor/lib.py": "y = 2\n"})
    assert files_of(repo).files.get_column("path").to_list() == ["app.py"]


def test_configured_exclusions(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    (repo.path / "techlead.toml").write_text('[files]\nexclude = ["docs/"]\n', encoding="utf-8")
    repo.commit("x", {"app.py": "x = 1\n", "docs/guide.md": "# g\n"})
    assert files_of(repo).files.get_column("path").to_list() == ["app.py", "techlead.toml"]


def test_unchanged_blobs_are_never_measured_again(project: GitRepo) -> None:
    files = files_of(project)
    measure_files(files.history.repo, files.files, files.cache_dir)
    cache = ComplexityCache(files.cache_dir)
    assert cache.load().height == 3
    project.commit("touch a", {"a.py": A_PY_CHANGED}, author=ANN, date=day(7))
    files = files_of(project)
    started: list[int] = []
    measured = measure_files(
        files.history.repo, files.files, files.cache_dir, on_start=started.append
    )
    assert started == [1]
    assert cache.load().height == 4
    assert measured.filter(pl.col("path") == "a.py").item(0, "complexity") == 3


A_PY_CHANGED = (
    "def f(x):\n    if x:\n        return 1\n    elif x is None:\n        return 3\n    return 2\n"
)


def test_binary_files_have_no_complexity() -> None:
    assert measure_source("logo.png", b"\x89PNG\0\0data").method == "binary"


def test_indentation_complexity_counts_levels_of_four_spaces_and_tabs() -> None:
    assert indentation_complexity("a\n    b\n\n\tc\n        d\n") == (4, 1 + 1 + 2)


def test_trend_measures_sampled_revisions_oldest_first(project: GitRepo) -> None:
    project.commit("grow", {"a.py": A_PY_CHANGED}, author=ANN, date=day(8))
    files = files_of(project)
    trend = complexity_trend(files, "a.py", samples=3)
    assert trend.height == 3
    assert trend.get_column("complexity").to_list() == [2, 2, 3]
    assert trend.get_column("date").is_sorted()


def test_trend_of_unknown_file_is_a_clear_error(project: GitRepo) -> None:
    with pytest.raises(UnknownFileError, match="not a file at HEAD"):
        complexity_trend(files_of(project), "nope.py")


def test_sample_evenly_keeps_first_and_last() -> None:
    assert sample_evenly(10, 3) == [0, 4, 9] or sample_evenly(10, 3) == [0, 5, 9]
    assert sample_evenly(2, 5) == [0, 1]


def test_prose_and_suffixless_files_have_no_complexity() -> None:
    assert (
        measure_source("CHANGES.rst", b"Changes\n=======\n\n    indented quote\n").method == "none"
    )
    assert measure_source("LICENSE", b"MIT\n").complexity is None
    assert measure_source("Makefile", b"all:\n\techo hi\n").method == "indentation"


def test_bot_commits_do_not_count_as_revisions(project: GitRepo) -> None:
    bot = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
    for n in range(3):
        project.commit(f"bump {n}", {"b.py": B_PY + f"# bump {n}\n"}, author=bot, date=day(10 + n))
    files = files_of(project)
    frame = hotspots(files, measure_files(files.history.repo, files.files, files.cache_dir), EPOCH)
    row = frame.filter(pl.col("path") == "b.py").row(0, named=True)
    assert (row["revisions"], row["authors"]) == (3, 2)
    assert row["last_change"] == datetime.fromisoformat(day(12))
