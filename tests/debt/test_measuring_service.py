"""One measuring service: every blob measured by lizard once, its size, complexity and
functions kept in one cache that hotspots, review and interview kits all read."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from analysis_fixtures import A_PY, ANN, build_small_project, day, files_of
from gitrepo import GitRepo
from techlead.config import Settings
from techlead.debt.complexity import ComplexityCache, functions_of, measure_files
from techlead.hiring.kits import code_exercise
from techlead.history.test_paths import spec_of_tests
from techlead.review.analysis import complexity_findings


@pytest.fixture
def project(tmp_path: Path) -> GitRepo:
    return build_small_project(tmp_path / "project")


def _blobs(project: GitRepo) -> dict[str, str]:
    files = files_of(project).files
    return dict(files.select("path", "blob").iter_rows())


def test_a_blobs_functions_are_lizards_with_their_lines(project: GitRepo) -> None:
    files = files_of(project)
    blobs = _blobs(project)
    found = functions_of(files.history.repo, {blobs["a.py"]: "a.py"}, files.cache_dir)
    assert found.rows(named=True) == [
        {
            "blob": blobs["a.py"],
            "name": "f",
            "long_name": "f( x )",
            "start_line": 1,
            "end_line": 4,
            "complexity": 2,
        }
    ]
    yml = functions_of(files.history.repo, {blobs["c.yml"]: "c.yml"}, files.cache_dir)
    assert yml.is_empty()  # indentation measure: no functions
    assert functions_of(files.history.repo, {}, files.cache_dir).columns == found.columns


def test_functions_and_measures_share_one_cache(project: GitRepo) -> None:
    files = files_of(project)
    repo, blobs = files.history.repo, _blobs(project)
    functions_of(repo, {blobs["a.py"]: "a.py"}, files.cache_dir)
    started: list[int] = []
    measured = measure_files(repo, files.files, files.cache_dir, on_start=started.append)
    assert started == [2]  # b.py and c.yml; a.py was measured for its functions already
    assert measured.filter(pl.col("path") == "a.py").item(0, "complexity") == 2
    cache = ComplexityCache(files.cache_dir)
    written = cache.path.stat().st_mtime_ns
    everything = {blob: path for path, blob in blobs.items()}
    assert set(functions_of(repo, everything, files.cache_dir)["blob"]) == {
        blobs["a.py"],
        blobs["b.py"],
    }
    assert cache.path.stat().st_mtime_ns == written  # all known: nothing measured or written
    assert cache.load().height == 3


def test_review_and_interview_kits_read_what_hotspots_measured(project: GitRepo) -> None:
    grown = A_PY.replace(
        "    return 2\n",
        "".join(f"    if x == {i}:\n        return {i}\n" for i in range(10)) + "    return 2\n",
    )
    base = project.head()
    project.commit("grow f", {"a.py": grown}, author=ANN, date=day(6))
    files = files_of(project)
    repo = files.history.repo
    measure_files(repo, files.files, files.cache_dir)
    cache = ComplexityCache(files.cache_dir)
    before = cache.load().height
    ranked = pl.DataFrame({"path": ["a.py"], "revisions": [5], "authors": [2]})
    exercise = code_exercise(files, ranked, spec_of_tests(Settings().review))
    assert exercise is not None
    assert (exercise.function, exercise.first_line, exercise.complexity) == ("f", 1, 12)
    assert cache.load().height == before  # the kit measured nothing itself
    findings = complexity_findings(repo, base, "HEAD", ["a.py"], files.cache_dir)
    assert [f.message for f in findings] == ["f( x ): complexity 2 → 12"]
    assert cache.load().height == before + 1  # only the base version was new to the cache


def test_a_cache_of_an_older_measuring_is_removed(project: GitRepo) -> None:
    files = files_of(project)
    older = files.cache_dir / "complexity-3.parquet"
    older.parent.mkdir(parents=True, exist_ok=True)
    older.write_bytes(b"PAR1")
    measure_files(files.history.repo, files.files, files.cache_dir)
    assert not older.exists()
    assert ComplexityCache(files.cache_dir).path.exists()
