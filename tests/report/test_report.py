"""The stakeholder report from a repository with an empty record store, in HTML and PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main


@pytest.fixture
def history(repo: GitRepo) -> GitRepo:
    import datetime as dt

    start = dt.date.today() - dt.timedelta(days=20)
    for day in range(1, 15):
        when = start + dt.timedelta(days=day)
        author = "Ana <ana@acme.test>" if day % 2 else "Ben <ben@acme.test>"
        repo.commit(
            f"change {day}",
            {"app/core.py": "def f(x):\n" + "    if x:\n        x += 1\n" * day + "    return x\n"},
            author=author,
            date=f"{when}T12:00:00+00:00",
        )
    return repo


def test_the_report_builds_from_an_empty_store_with_no_external_url(
    history: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "stakeholder", "--out", str(out), "-q", "-C", str(history.path)]) == 0
    html = out.read_text()
    assert "No incidents recorded in the period." in html
    assert "No decision recorded in the period." in html
    assert "14 changes by 2 people" in html
    assert "85% likely to be finished by" in html  # commits are the throughput here
    assert "<svg" in html
    assert not re.search(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?https?:""", html)


def test_a_pdf_printed_by_the_system_chromium(
    history: GitRepo, tmp_path: Path, chromium: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    assert main(["report", "stakeholder", "--out", str(pdf), "-q", "-C", str(history.path)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_template_of_the_team_and_bad_options(
    history: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "stakeholder.html").write_text("<p>{{ repository }}: {{ shipped.commits }}</p>")
    out = tmp_path / "own.html"
    argv = ["report", "stakeholder", "--out", str(out), "--templates", str(own), "-q"]
    assert main([*argv, "-C", str(history.path)]) == 0
    assert out.read_text() == "<p>repo: 14</p>"
    for bad, message in (
        (["--period", "soon"], "--period 'soon'"),
        (["--out", str(tmp_path / "r.docx")], "write a .html or a .pdf file"),
        (["--templates", str(tmp_path)], "no stakeholder.html in it"),
    ):
        assert main(["report", "stakeholder", *bad, "-C", str(history.path)]) == 2
        assert message in capsys.readouterr().err


MATRIX = """title = "Choose a database"
options = ["PostgreSQL", "SQLite"]

[criteria]
ops = 3
scale = 5

[scores.PostgreSQL]
ops = 3
scale = 5

[scores.SQLite]
ops = 5
scale = 2
"""


def test_a_decision_on_one_page(
    history: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    here = str(history.path)
    history.write("docs/adr/matrices/choose-a-database.toml", MATRIX)
    assert main(["decide", "show", "Choose a database", "--adr", "-C", here]) == 0
    capsys.readouterr()
    out = tmp_path / "tradeoff.html"
    assert main(["report", "trade-off", "ADR-1", "--out", str(out), "-C", here]) == 0
    html = out.read_text()
    assert "<h1>Decision 1: Choose a database</h1>" in html
    # weighted: PostgreSQL (3*3 + 5*5) / 8 = 4.25, SQLite (5*3 + 2*5) / 8 = 3.125
    assert "<td>PostgreSQL</td><td>3</td><td>5</td><td>4.25</td>" in html
    assert "<td>SQLite</td><td>5</td><td>2</td><td>3.12</td>" in html
    assert "What would change the outcome" in html
    # at ops 7.5 the two only tie: (7.5*3 + 5*5) / 12.5 = (7.5*5 + 5*2) / 12.5 = 3.8
    assert "ops: SQLite would tie at weight 7.5 (now 3) and win above it" in html
    assert "would win at" not in html
    assert "<svg" in html
    assert not re.search(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//""", html)
    assert main(["report", "trade-off", "ADR-9", "-C", here]) == 2
    assert main(["report", "trade-off", "the big one", "-C", here]) == 2
    assert "name a decision record by number" in capsys.readouterr().err
