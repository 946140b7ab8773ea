"""The ranked analyses show code first: docs, config and images left out, and said so."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from analysis_fixtures import ANN, BOB, day
from gitrepo import GitRepo
from techlead.cli import main

LOOSE = ("--min-revs", "1", "--min-shared", "1", "--min-degree", "0")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Docs pages that always change together, two code files that often do, CI YAML."""
    repo = GitRepo(tmp_path_factory.mktemp("code-first") / "p")
    code = {"src/core.py": "def f(x):\n    if x:\n        return 1\n    return 2\n"}
    code["src/util.py"] = "def g():\n    return 1\n"
    code["docs/a.rst"] = "A\n"
    code["docs/b.rst"] = "B\n"
    code[".github/workflows/ci.yml"] = "on: push\n"
    code["docs/logo.png"] = "\x89PNG\0"
    repo.commit("start", code, author=ANN, date=day(1))
    for n in range(2, 8):
        docs = {"docs/a.rst": f"A{n}\n", "docs/b.rst": f"B{n}\n"}
        repo.commit(f"docs {n}", docs, author=ANN, date=day(n))
    for n in range(8, 12):
        change = {"src/core.py": code["src/core.py"] + f"# {n}\n" * n}
        if n % 2:
            change["src/util.py"] = code["src/util.py"] + f"# {n}\n"
        change[".github/workflows/ci.yml"] = f"on: push\n# {n}\n"
        repo.commit(f"code {n}", change, author=BOB if n > 9 else ANN, date=day(n))
    return repo.path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_hotspots_leave_out_non_code_and_say_so(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("debt", "hotspots", "-C", str(project), "--since", "2000-01-01", "-q")
    code, out, err = run(capsys, *base, "-f", "json")
    assert code == 0
    assert [row["path"] for row in json.loads(out)] == ["src/core.py", "src/util.py"]
    note = "4 non-code files left out (config 1, docs 2, image 1): --all-files includes them"
    assert err.strip() == f"note: {note}"
    code, out, _ = run(capsys, *base)
    assert note in " ".join(out.split())
    code, out, err = run(capsys, *base, "--all-files", "-f", "json")
    assert ".github/workflows/ci.yml" in [row["path"] for row in json.loads(out)]
    assert err == ""


def test_coupling_top_pair_is_code_not_docs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("debt", "coupling", "-C", str(project), "-q", *LOOSE, "-f", "json")
    code, out, _ = run(capsys, *base)
    assert code == 0
    assert [(r["path"], r["coupled"]) for r in json.loads(out)] == [("src/core.py", "src/util.py")]
    code, out, _ = run(capsys, *base, "--all-files", "--top", "1")
    assert [(r["path"], r["coupled"]) for r in json.loads(out)] == [("docs/a.rst", "docs/b.rst")]


def test_coupling_since_and_path(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("debt", "coupling", "-C", str(project), "-q", *LOOSE, "--all-files", "-f", "json")
    _, out, _ = run(capsys, *base, "--since", "2024-01-08")
    pairs = {(r["path"], r["coupled"]): r["shared_revisions"] for r in json.loads(out)}
    assert ("docs/a.rst", "docs/b.rst") not in pairs  # their changes are all older
    assert pairs[(".github/workflows/ci.yml", "src/core.py")] == 4
    _, out, _ = run(capsys, *base, "--path", "src/util.py", "--min-shared", "2")
    found = {(r["path"], r["coupled"]) for r in json.loads(out)}
    assert found == {(".github/workflows/ci.yml", "src/util.py"), ("src/core.py", "src/util.py")}


def test_age_shows_code_only_by_default(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "debt", "age", "-C", str(project), "-q", "-f", "csv")
    paths = {row["path"] for row in csv.DictReader(io.StringIO(out))}
    assert paths == {"src/core.py", "src/util.py"}


def test_ownership_riskiest_first_with_since_path_and_top(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("team", "ownership", "-C", str(project), "-q")
    _, out, _ = run(capsys, *base, "--all-files", "-f", "json")
    rows = json.loads(out)
    # src/core.py: 2 + 8 + 9 lines by Ann of 2 + 8 + 9 + 10 + 11 added: most lines one person knows
    risks = [row["ownership"] * row["added"] for row in rows]
    assert risks == sorted(risks, reverse=True)
    assert rows[0]["path"] == "src/core.py"
    _, out, _ = run(capsys, *base, "--since", "2024-01-10", "--path", "src/", "-f", "json")
    rows = json.loads(out)
    assert [(r["path"], r["main_developer"], r["ownership"]) for r in rows] == [
        ("src/core.py", "Bob Dev", 1.0),
        ("src/util.py", "Bob Dev", 1.0),
    ]
    _, out, _ = run(capsys, *base, "--top", "1")
    assert "riskiest first" in out
    _, out, _ = run(capsys, *base, "--top", "1", "-f", "markdown")
    assert out.count("src/") == 1


def test_offboard_takes_path_since_top_and_all_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("team", "offboard", "Ann Lead", "-C", str(project), "-q", "-f", "json")
    _, out, err = run(capsys, *base)
    assert {row["path"] for row in json.loads(out)} <= {"src/core.py", "src/util.py"}
    assert "non-code" in err
    _, out, _ = run(capsys, *base, "--all-files", "--path", "docs/", "--since", "2000-01-01")
    rows = json.loads(out)
    assert {row["path"] for row in rows} == {"docs/a.rst", "docs/b.rst", "docs/logo.png"}
    _, out, _ = run(capsys, *base, "--all-files", "--top", "1")
    assert len(json.loads(out)) == 1
