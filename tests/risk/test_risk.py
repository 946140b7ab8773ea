"""Kamei's change metrics, SZZ labels and the effort-aware measures, against values worked
out by hand on small repositories and rankings."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.config import RiskSettings, load_settings
from techlead.history.scan import scan
from techlead.risk.features import change_metrics
from techlead.risk.model import scores
from techlead.risk.szz import removed_lines

ANA = "Ana <ana@acme.test>"
BEN = "Ben <ben@acme.test>"
TEN = "".join(f"line {i}\n" for i in range(10))


def test_the_14_metrics_by_hand(repo: GitRepo) -> None:
    first = repo.commit(
        "start",
        {"app/a.py": TEN, "lib/b.py": "".join(f"b {i}\n" for i in range(5))},
        author=ANA,
        date="2020-01-01T12:00:00+00:00",
    )
    second = repo.commit(
        "Fix crash in a",
        {"app/a.py": "changed 0\nchanged 1\n" + "".join(TEN.splitlines(True)[2:])},
        author=BEN,
        date="2020-01-11T12:00:00+00:00",
    )
    third = repo.commit(
        "more",
        {
            "app/a.py": "changed 0\nchanged 1\n" + "".join(TEN.splitlines(True)[2:]) + "x\n",
            "README.md": "hello\n",
        },
        author=ANA,
        date="2021-02-01T12:00:00+00:00",
    )
    settings = load_settings(repo.path)
    frame = change_metrics(scan(repo.path, settings).history, settings.risk)
    rows = {row["commit"]: row for row in frame.to_dicts()}
    assert frame.get_column("commit").to_list() == [third, second, first]  # newest first
    expected = {
        # ns nd nf entropy la ld lt fix ndev age nuc exp rexp sexp
        first: (2, 2, 2, -(2 / 3 * math.log2(2 / 3) + 1 / 3 * math.log2(1 / 3)), 15, 0, 0,
                0, 0, 0, 0, 0, 0, 0),
        second: (1, 1, 1, 0, 2, 2, 10, 1, 1, 10, 1, 0, 0, 0),
        # a.py last changed 387 days before; Ana's one earlier commit is over a year old
        third: (2, 2, 2, 1, 2, 0, 10, 0, 2, 387, 2, 1, 0.5, 1),
    }  # fmt: skip
    names = ("ns", "nd", "nf", "entropy", "la", "ld", "lt", "fix", "ndev", "age", "nuc",
             "exp", "rexp", "sexp")  # fmt: skip
    for commit, values in expected.items():
        got = tuple(rows[commit][name] for name in names)
        assert got == pytest.approx(values), commit


def test_effort_aware_measures_by_hand() -> None:
    labels = np.array([1, 0, 1, 0])
    risk = np.array([0.9, 0.8, 0.3, 0.1])
    effort = np.array([2.0, 10.0, 10.0, 18.0])
    found = scores(labels, risk, effort, 0.2)
    assert found.auc == pytest.approx(0.75)
    assert found.f1 == pytest.approx(0.5)
    assert found.recall_at_effort == pytest.approx(0.5)  # 2 of 40 lines read: one of two bugs
    assert found.effort_at_recall == pytest.approx(0.05)
    assert found.ifa == 0
    # areas: model 0.775, optimal 0.9, worst 0.1
    assert found.popt == pytest.approx(1 - (0.9 - 0.775) / (0.9 - 0.1))


def test_szz_blames_the_real_change_not_whitespace_comments_or_docs(repo: GitRepo) -> None:
    introducer = repo.commit(
        "add calc",
        {"calc.py": "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"},
        author=ANA,
        date="2024-01-01T12:00:00+00:00",
    )
    repo.commit(
        "tidy",
        {
            "calc.py": "# math helpers\n\ndef add(a, b):\n        return a  -  b\n\n\n"
            "def mul(a, b):\n    return a * b\n",
            "CHANGES.md": "- calc\n",
        },
        author=BEN,
        date="2024-02-01T12:00:00+00:00",
    )
    fix = repo.commit(
        "Fix add",
        {
            "calc.py": "def add(a, b):\n        return a + b\n\n\ndef mul(a, b):\n"
            "    return a * b\n",
            "CHANGES.md": "- calc fixed\n",
        },
        author=ANA,
        date="2024-03-01T12:00:00+00:00",
    )
    settings = load_settings(repo.path)
    from techlead.risk.dataset import labelled_changes

    history = scan(repo.path, settings).history
    data, kept = labelled_changes(history, settings, {}, repo.path / ".techlead" / "risk")
    assert kept.rows() == [(fix, introducer)]  # not "tidy": whitespace, comment, blank, docs
    labels = dict(data.select("commit", "label").iter_rows())
    assert labels[introducer] == 1
    assert sum(labels.values()) == 1


def test_removed_lines_reads_sql_comments_inside_hunks_as_lines() -> None:
    diff = (
        b"diff --git a/q.sql b/q.sql\n--- a/q.sql\n+++ b/q.sql\n@@ -3,2 +3 @@\n"
        b"--- a removed comment\n-select 1;\n+select 2;\n"
    )
    assert removed_lines(diff) == {"q.sql": [4]}


def _synthetic(path: Path, rows: int = 900) -> None:
    rng = np.random.default_rng(7)
    lines = [",_id,date,bug,ns,nd,nf,entrophy,la,ld,lt,fix,ndev,age,nuc,exp,rexp,sexp"]
    start = 1_500_000_000
    for i in range(rows):
        la = int(rng.integers(1, 400))
        bug = int(rng.random() < min(0.05 + la / 500, 0.9))
        values = [1, 1, 2, 0.5, la, int(rng.integers(0, 50)), 300, bug, 3, 20, 10, 50, 10, 5]
        lines.append(f"{i},c{i},{start + i * 86_400},{bug}," + ",".join(map(str, values)))
    path.write_text("\n".join(lines) + "\n")


def test_evaluate_an_external_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    repo.commit("start", {"a.txt": "a"})
    data = tmp_path / "kamei.csv"
    _synthetic(data)
    argv = ["risk", "evaluate", "--features", str(data), "--gap", "30", "--period", "60"]
    assert main([*argv, "-f", "json", "-q", "-C", str(repo.path)]) == 0
    results = json.loads(capsys.readouterr().out)
    assert {r["model"] for r in results} == {"lr", "rf", "la"}
    for result in results:
        assert result["periods"] > 5
        assert result["auc"] > 0.6  # bugs follow LA in this data: every model finds that
    bad = tmp_path / "bad.csv"
    bad.write_text("date,bug,la\n1,0,3\n")
    assert main(["risk", "evaluate", "--features", str(bad), "-C", str(repo.path)]) == 2
    assert "no column for ns, nd, nf, entropy" in capsys.readouterr().err


def test_fix_patterns_are_configurable() -> None:
    from techlead.risk.features import is_fix

    default = is_fix(RiskSettings())
    assert default("Fix crash on empty input")
    assert not default("Add prefix option")  # "prefix" is not "fix"
    assert is_fix(RiskSettings(fix_patterns=[r"^BUG-\d+"]))("BUG-12 off by one")


def test_what_a_first_trial_found_in_evaluate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    data = tmp_path / "kamei.csv"
    _synthetic(data)
    lines = data.read_text().splitlines()
    # milliseconds, a NaN and an empty metric: read, two rows left out with a note
    header, rows = lines[0], lines[1:]
    fixed = []
    for index, row in enumerate(rows):
        cells = row.split(",")
        cells[2] = str(int(cells[2]) * 1000)
        if index == 5:
            cells[8] = "nan"
        if index == 6:
            cells[9] = ""
        fixed.append(",".join(cells))
    data.write_text("\n".join([header, *fixed]) + "\n")
    argv = ["risk", "evaluate", "--features", str(data), "--gap", "30", "-q", "-f", "json"]
    assert main([*argv, "-C", str(outside)]) == 0  # no repository needed
    out, err = capsys.readouterr()
    assert "2 rows with an empty or NaN metric left out" in err
    assert json.loads(out)[0]["periods"] > 5
    for column, message in (
        (["--label-column", "fix"], "the label column 'fix' is one of the 14 metrics"),
        (["--date-column", "DATE"], None),  # any case
    ):
        code = main(["risk", "evaluate", "--features", str(data), "--gap", "30", "-q", *column])
        out, err = capsys.readouterr()
        if message:
            assert code == 2
            assert message in err
        else:
            assert code == 0, err
    negative = tmp_path / "negative.csv"
    negative.write_text(data.read_text().replace(",300,", ",-300,", 1))
    assert main(["risk", "evaluate", "--features", str(negative), "-q"]) == 2
    assert "column 'lt' has 1 negative values" in capsys.readouterr().err
    assert main(["risk", "evaluate", "--features", str(tmp_path), "-q"]) == 2
    assert "is a directory, not a file" in capsys.readouterr().err  # issue 21: not "no such file"
    clean = tmp_path / "clean.csv"
    cleaned = [",".join(c if i != 3 else "0" for i, c in enumerate(r.split(","))) for r in rows]
    clean.write_text("\n".join([header, *cleaned]) + "\n")  # column 3 is the label
    assert main(["risk", "evaluate", "--features", str(clean), "-q"]) == 2
    assert "no change is labelled defect-inducing" in capsys.readouterr().err


def test_gaps_must_be_days(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("start", {"a.txt": "a"})
    repo.write("techlead.toml", "[risk]\ngaps = [-90]\n")
    assert main(["risk", "changes", "-q", "-C", str(repo.path)]) == 2
    assert "risk.gaps.0" in capsys.readouterr().err
