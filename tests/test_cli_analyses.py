"""`techlead debt ...` and `techlead team ...` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from analysis_fixtures import build_small_project
from techlead.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return build_small_project(tmp_path / "project").path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_hotspots_in_every_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("debt", "hotspots", "-C", str(project), "--since", "2000-01-01")
    code, out, _ = run(capsys, *base, "-f", "json")
    assert code == 0
    # c.yml is configuration: left out by default, kept with --all-files
    assert [row["path"] for row in json.loads(out)] == ["a.py", "b.py"]
    code, out, _ = run(capsys, *base, "--all-files", "-f", "json")
    assert [row["path"] for row in json.loads(out)] == ["a.py", "c.yml", "b.py"]
    code, out, _ = run(capsys, *base, "-f", "csv")
    assert next(csv.DictReader(io.StringIO(out)))["path"] == "a.py"
    code, out, _ = run(capsys, *base, "-f", "markdown")
    assert out.splitlines()[0].startswith("| path | score |")
    # (with two rows of short paths, the 80-column table squeezes the path column away)
    code, out, _ = run(capsys, *base, "--all-files")
    assert "a.py" in out
    assert "Hotspots since 2000-01-01" in out


def test_coupling_json_rows_have_the_promised_keys(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "debt",
        "coupling",
        "-C",
        str(project),
        "--min-revs",
        "1",
        "--min-shared",
        "1",
        "--min-degree",
        "0",
        "-f",
        "json",
    )
    assert code == 0
    first = json.loads(out)[0]
    assert first == {
        "path": "a.py",
        "coupled": "b.py",
        "degree": 85,
        "shared_revisions": 3,
        "average_revisions": 4,
    }


def test_truck_factor_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "team", "truck-factor", "-C", str(project), "-f", "json")
    assert code == 0
    assert json.loads(out) == {
        "truck_factor": 1,
        "removed": ["Ann Lead"],
        "files": 3,
        "orphaned_share": 1.0,
        "scope": ".",
    }


def test_age_ownership_trend_and_offboard_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ("debt", "age", "-C", str(project), "--by-directory"),
        ("team", "ownership", "-C", str(project), "-f", "csv"),
        ("debt", "trend", "a.py", "-C", str(project)),
        ("team", "offboard", "Ann Lead", "-C", str(project)),
        ("team", "truck-factor", "-C", str(project), "--by-directory", "-f", "markdown"),
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert out.strip()


def test_bad_since_is_one_line_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "debt", "hotspots", "-C", str(project), "--since", "last tuesday")
    assert code == 2
    assert err.startswith("error: --since 'last tuesday': not a date or a span")
    assert "Traceback" not in err


def test_unknown_person_to_offboard_is_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "team", "offboard", "Nobody Here", "-C", str(project))
    assert code == 2
    assert "no developer" in err


def test_trend_of_missing_file_is_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "debt", "trend", "missing.py", "-C", str(project))
    assert code == 2
    assert "missing.py: not a file at HEAD" in err
