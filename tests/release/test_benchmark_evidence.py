"""Benchmark results: what counts as one, and a performance gate that compares nothing fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from techlead.config import Settings
from techlead.release.evidence import EvidenceError, read_benchmarks
from techlead.release.gates import performance_gate

SETTINGS = Settings.model_validate({"release": {"benchmarks": "bench.json"}})


def bench(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "bench.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def pytest_benchmark(*entries: tuple[str, float]) -> dict[str, object]:
    return {"benchmarks": [{"name": n, "fullname": n, "stats": {"mean": m}} for n, m in entries]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"benchmarks": 5}, "`benchmarks` is not a list (pytest-benchmark JSON)"),
        ({"benchmarks": ["x"]}, "a benchmark without name or stats.mean"),
        (pytest_benchmark(("t::a", 0.1), ("t::a", 0.3)), "benchmark t::a appears twice"),
        ('{"parse": 0.1, "parse": 0.2}', "'parse' appears twice"),
        ({"parse": 0}, "parse: 0 s is no measurement"),
        (pytest_benchmark(("t::a", 0.0)), "t::a: 0 s is no measurement"),
    ],
)
def test_what_is_not_a_benchmark_result_is_refused(
    tmp_path: Path, content: object, message: str
) -> None:
    with pytest.raises(EvidenceError, match=re.escape(message)):
        read_benchmarks(bench(tmp_path, content))


def test_a_zero_baseline_compares_nothing_and_fails_the_gate(tmp_path: Path) -> None:
    bench(tmp_path, {"parse": 0.5})
    gate = performance_gate(tmp_path, SETTINGS, {"parse": 0.0}, "v1.0")
    assert gate.status == "failed"
    assert gate.evidence.startswith("none of the 1 benchmarks has a result from v1.0")
    assert gate.values == {"parse": 0.5}  # kept: the next release compares with these


def test_benchmarks_renamed_since_the_last_release_fail_the_gate(tmp_path: Path) -> None:
    bench(tmp_path, {"parse_v2": 0.5})
    assert performance_gate(tmp_path, SETTINGS, {"parse": 0.4}, "v1.0").status == "failed"


def test_benchmarks_without_an_earlier_result_are_counted_apart(tmp_path: Path) -> None:
    bench(tmp_path, {"parse": 0.5, "render": 0.2})
    gate = performance_gate(tmp_path, SETTINGS, {"parse": 0.5, "old": 1.0}, "v1.0")
    assert gate.status == "passed"
    assert gate.evidence.startswith("1 benchmarks compared with v1.0 (1 without an earlier result)")
