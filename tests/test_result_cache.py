"""The result cache: a warm read-only analysis replays its kept answer, and anything the answer
depends on that moved (HEAD, a setting, an option, the clock past its window) computes afresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

import techlead
from analysis_fixtures import BOB, build_small_project, day
from gitrepo import GitRepo
from techlead.cli import main
from techlead.result_cache import DIRECTORY, MAX_ENTRIES, code_fingerprint
from techlead.spans import holds_until

TAMPERED = "an answer only the cache could give\n"


@pytest.fixture
def project(tmp_path: Path) -> GitRepo:
    return build_small_project(tmp_path / "project")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _kept(repo: GitRepo) -> list[Path]:
    return sorted((repo.path / DIRECTORY).glob("*.json"))


def _warm(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run `argv` until its answer is kept; mark the kept answer so that a replay shows."""
    before = set(_kept_for(argv))
    _run(capsys, *argv)  # may scan: until the history cache exists, nothing is kept
    fresh = _run(capsys, *argv)
    (entry,) = set(_kept_for(argv)) - before
    record = json.loads(entry.read_text())
    record["stdout"] = TAMPERED
    entry.write_text(json.dumps(record))
    return fresh


def _kept_for(argv: tuple[str, ...]) -> list[Path]:
    repo = Path(argv[argv.index("-C") + 1])
    return sorted((repo / DIRECTORY).glob("*.json"))


def test_a_warm_analysis_replays_its_kept_answer(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ("debt", "hotspots", "-C", str(project.path), "--since", "2024-01-01"),
        ("debt", "coupling", "-C", str(project.path), "--min-revs", "1", "--min-shared", "1"),
        ("team", "truck-factor", "-C", str(project.path), "--format", "json"),
    ):
        fresh = _warm(capsys, *argv)
        assert fresh
        assert fresh != TAMPERED
        assert _run(capsys, *argv) == TAMPERED
        assert _run(capsys, "--no-cache", *argv) == fresh


def test_the_replayed_answer_is_what_the_command_printed(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("team", "truck-factor", "-C", str(project.path))
    _run(capsys, *argv)
    fresh = _run(capsys, *argv)
    assert _kept(project)
    assert _run(capsys, *argv) == fresh


def test_a_new_commit_computes_afresh(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("team", "truck-factor", "-C", str(project.path))
    _warm(capsys, *argv)
    project.commit("six", {"d.py": "x = 1\n"}, author=BOB, date=day(6))
    assert _run(capsys, *argv) != TAMPERED


def test_a_changed_setting_computes_afresh(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("debt", "hotspots", "-C", str(project.path), "--since", "2024-01-01")
    _warm(capsys, *argv)
    (project.path / "techlead.toml").write_text('[debt]\nsince = "100y"\n')
    assert _run(capsys, *argv) != TAMPERED


def test_a_changed_option_computes_afresh(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("debt", "hotspots", "-C", str(project.path), "--since", "2024-01-01")
    _warm(capsys, *argv)
    assert _run(capsys, *argv, "--top", "1") != TAMPERED
    assert _run(capsys, *argv, "--format", "csv") != TAMPERED


def test_a_changed_mailmap_computes_afresh(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("team", "truck-factor", "-C", str(project.path))
    _warm(capsys, *argv)
    (project.path / ".mailmap").write_text("Ann Lead <bob@example.com> Bob Dev <bob@example.com>\n")
    assert _run(capsys, *argv) != TAMPERED


def test_a_corrupt_or_foreign_entry_is_ignored(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("team", "truck-factor", "-C", str(project.path))
    fresh = _warm(capsys, *argv)
    (entry,) = _kept(project)
    for content in (
        "{not json",
        '{"key": "another", "stdout": "x", "stderr": "", "expires": null}',
        "[]",
        '{"key": 1}',
    ):
        entry.write_text(content)
        assert _run(capsys, *argv) == fresh
        entry.write_text(content)  # the run rewrites it; put the damage back for the next case


def test_an_expired_answer_is_ignored(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("team", "truck-factor", "-C", str(project.path))
    fresh = _warm(capsys, *argv)
    (entry,) = _kept(project)
    record = json.loads(entry.read_text())
    record["expires"] = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
    entry.write_text(json.dumps(record))
    assert _run(capsys, *argv) == fresh


def test_a_window_relative_to_now_keeps_the_answer_until_a_change_leaves_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "recent")
    now = datetime.now(UTC).replace(microsecond=0)
    changed = now - timedelta(days=30) + timedelta(hours=5)
    repo.commit("add", {"a.py": "def f():\n    return 1\n"}, date=changed.isoformat())
    argv = ("debt", "hotspots", "-C", str(repo.path), "--since", "30d")
    _run(capsys, *argv)
    _run(capsys, *argv)
    (entry,) = _kept(repo)
    expires = json.loads(entry.read_text())["expires"]
    assert abs(expires - (changed + timedelta(days=30)).timestamp()) <= 2


def test_the_answer_is_not_kept_with_no_cache_or_after_a_failure(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("team", "truck-factor", "-C", str(project.path))
    _run(capsys, *argv)  # scans
    _run(capsys, "--no-cache", *argv)
    assert main(["debt", "hotspots", "-C", str(project.path), "--top", "0"]) == 2
    assert _kept(project) == []


def test_at_most_so_many_answers_are_kept(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("debt", "hotspots", "-C", str(project.path), "--since", "2024-01-01")
    _run(capsys, *argv)
    for top in range(1, MAX_ENTRIES + 3):
        _run(capsys, *argv, "--top", str(top))
    assert len(_kept(project)) == MAX_ENTRIES


def test_a_warm_analysis_imports_no_polars(project: GitRepo) -> None:
    argv = [sys.executable, "-X", "importtime", "-m", "techlead", "team", "truck-factor"]
    argv += ["-C", str(project.path)]
    source = str(Path(techlead.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": source}
    for _ in range(2):  # scan, then keep the answer
        subprocess.run(argv, env=env, capture_output=True, check=True)
    warm = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    assert "Truck factor" in warm.stdout
    imported = {line.rpartition("|")[2].strip() for line in warm.stderr.splitlines()}
    assert "techlead.result_cache" in imported
    heavy = ("polars", "pydantic", "typer", "rich")  # replayed before the CLI framework loads
    assert not {name for name in imported if name.split(".")[0] in heavy}


def test_holds_until_finds_the_last_second_a_change_stays_in_the_window() -> None:
    now = datetime(2024, 3, 31, 12, tzinfo=UTC)
    by_days = holds_until(lambda t: t - timedelta(days=30), now, now - timedelta(days=29))
    assert by_days is not None
    assert abs(by_days - (now + timedelta(days=1))) <= timedelta(seconds=1)
    months = relativedelta(months=1)
    # 31 March minus a month is 29 February; the start stays there until 1 April
    by_months = holds_until(lambda t: t - months, now, datetime(2024, 2, 29, 23, tzinfo=UTC))
    assert by_months is not None
    assert by_months - months <= datetime(2024, 2, 29, 23, tzinfo=UTC)
    assert (by_months + timedelta(seconds=2)) - months > datetime(2024, 2, 29, 23, tzinfo=UTC)
    assert holds_until(lambda t: datetime(2024, 1, 1, tzinfo=UTC), now, now) is None


def test_short_options_run_together_are_not_kept(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("team", "truck-factor", "-qC", str(project.path))
    first, second = _run(capsys, *argv), _run(capsys, *argv)
    assert first == second
    assert "Truck factor" in first
    assert _kept(project) == []


def test_a_configuration_that_is_a_directory_is_an_error_not_a_traceback(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.path / "settings").mkdir()
    argv = ["--config", str(project.path / "settings"), "team", "truck-factor"]
    assert main([*argv, "-C", str(project.path)]) == 2
    assert "configuration file not found" in capsys.readouterr().err


def test_the_replay_says_on_stderr_what_the_run_said(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["debt", "hotspots", "-C", str(project.path), "--since", "2024-01-01", "-f", "json"]
    main(argv)
    capsys.readouterr()
    assert main(argv) == 0
    computed = capsys.readouterr()
    assert _kept(project)
    assert main(argv) == 0
    replayed = capsys.readouterr()
    assert "note: 1 non-code file left out" in computed.err
    assert (replayed.out, replayed.err) == (computed.out, computed.err)


def test_a_kept_answer_nested_too_deep_is_ignored(
    project: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("team", "truck-factor", "-C", str(project.path))
    fresh = _warm(capsys, *argv)
    (entry,) = _kept(project)
    entry.write_text("[" * 100_000 + "]" * 100_000)
    assert _run(capsys, *argv) == fresh


def test_answers_are_not_written_through_a_symlink(
    project: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    argv = ("team", "truck-factor", "-C", str(project.path))
    _run(capsys, *argv)  # scans, making .techlead/cache
    (project.path / DIRECTORY).symlink_to(elsewhere, target_is_directory=True)
    _run(capsys, *argv)
    assert list(elsewhere.iterdir()) == []


def test_edited_code_changes_the_key(tmp_path: Path) -> None:
    """A development checkout keeps its version while its modules change: the key follows the
    modules' files, so an answer from older code is not replayed."""
    package = tmp_path / "package"
    (package / "inner").mkdir(parents=True)
    module = package / "inner" / "module.py"
    module.write_text("ANSWER = 1\n")
    before = code_fingerprint(package)
    assert code_fingerprint(package) == before
    module.write_text("ANSWER = 22\n")
    assert code_fingerprint(package) != before
    edited = code_fingerprint(package)
    os.utime(module, ns=(1, 1))
    touched = code_fingerprint(package)
    assert touched != edited
    (package / "inner" / "__pycache__").mkdir()
    (package / "inner" / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"compiled")
    assert code_fingerprint(package) == touched  # compiling a module is no edit
