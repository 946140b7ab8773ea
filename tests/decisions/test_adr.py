"""Decision records as adr-tools (Nygard) and MADR 4 write them: read, write, relate, renumber."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.decisions.records import RecordError, parse_record
from techlead.decisions.store import load_decisions

NYGARD_1 = """# 1. Record architecture decisions

Date: 2024-02-01

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records.

## Consequences

See the records.
"""

NYGARD_2 = """# 2. Use PostgreSQL

Date: 2024-03-01

## Status

Accepted

Amends [1. Record architecture decisions](0001-record-architecture-decisions.md)

## Context

Data outgrew files.

## Decision

PostgreSQL.

## Consequences

One more server.
"""

MADR_3 = """---
status: accepted
date: 2024-04-02
decision-makers: Ann, Bob
review-by: 2024-10-01
---

# Use Polars for tables

## Context and Problem Statement

Columnar data.

## Considered Options

* Polars
* pandas

## Decision Outcome

Chosen option: "Polars", because it is fast.
"""


@pytest.fixture
def log(repo: GitRepo) -> Path:
    directory = repo.path / "docs" / "adr"
    directory.mkdir(parents=True)
    (directory / "0001-record-architecture-decisions.md").write_text(NYGARD_1)
    (directory / "0002-use-postgresql.md").write_text(NYGARD_2)
    (directory / "0003-use-polars-for-tables.md").write_text(MADR_3)
    return directory


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_both_styles_are_read_as_they_are(log: Path) -> None:
    first, second, third = load_decisions(log)
    assert (first.style, first.status, first.date) == ("nygard", "accepted", "2024-02-01")
    assert [(link.label, link.target) for link in second.links] == [("Amends", 1)]
    assert (third.style, third.title, third.status) == ("madr", "Use Polars for tables", "accepted")
    assert third.review_by == date(2024, 10, 1)


def test_superseding_a_nygard_record_updates_both(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "adr",
        "new",
        "Use SQLite by default",
        "--template",
        "nygard",
        "--supersedes",
        "2",
        "-C",
        str(repo.path),
    )
    assert code == 0, err
    old = (log / "0002-use-postgresql.md").read_text()
    assert "Superseded by [4. Use SQLite by default](0004-use-sqlite-by-default.md)" in old
    assert "\nAccepted\n" not in old
    assert "Amends [1. Record architecture decisions](0001-record-architecture-decisions.md)" in old
    new = (log / "0004-use-sqlite-by-default.md").read_text()
    assert new.startswith("# 4. Use SQLite by default\n")
    assert "Supersedes [2. Use PostgreSQL](0002-use-postgresql.md)" in new
    records = {d.number: d for d in load_decisions(log)}
    assert records[2].status == "superseded"
    assert ("Superseded by", 4) in [(link.label, link.target) for link in records[2].links]


def test_superseding_a_madr_record_updates_both(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "adr", "new", "Use DuckDB", "--supersedes", "3", "-C", str(repo.path))
    assert code == 0
    old = (log / "0003-use-polars-for-tables.md").read_text()
    assert old == MADR_3.replace("status: accepted", "status: superseded by ADR-0004")
    new = parse_record(log / "0004-use-duckdb.md")
    assert (new.style, new.status) == ("madr", "proposed")
    assert [(link.label, link.target) for link in new.links] == [("Supersedes", 3)]


def test_link_option_writes_both_directions(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys,
        "adr",
        "new",
        "Cache in Parquet",
        "--link",
        "3:Amends:Amended by",
        "-C",
        str(repo.path),
    )
    assert code == 0
    records = {d.number: d for d in load_decisions(log)}
    assert [(link.label, link.target) for link in records[4].links] == [("Amends", 3)]
    assert [(link.label, link.target) for link in records[3].links] == [("Amended by", 4)]


def test_status_change_touches_only_the_status(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "adr", "status", "1", "deprecated", "-C", str(repo.path))[0] == 0
    assert (log / "0001-record-architecture-decisions.md").read_text() == NYGARD_1.replace(
        "\nAccepted\n", "\nDeprecated\n"
    )
    assert run(capsys, "adr", "status", "3", "deprecated", "-C", str(repo.path))[0] == 0
    assert (log / "0003-use-polars-for-tables.md").read_text() == MADR_3.replace(
        "status: accepted", "status: deprecated"
    )


def test_unknown_status_is_refused(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "adr", "status", "1", "maybe", "-C", str(repo.path))
    assert code == 2
    assert "status 'maybe' is not one of" in err


def test_custom_statuses_from_config(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.path / "techlead.toml").write_text('[decisions]\nstatuses = ["trial"]\n')
    assert run(capsys, "adr", "status", "1", "trial", "-C", str(repo.path))[0] == 0


def test_list_filters_and_json(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "adr", "list", "-C", str(repo.path), "-f", "json")
    assert [row["number"] for row in json.loads(out)] == [1, 2, 3]
    _code, out, _ = run(capsys, "adr", "list", "--stale", "-C", str(repo.path), "-f", "json")
    assert [row["number"] for row in json.loads(out)] == [3]  # review-by 2024-10-01 has passed


def test_toc_and_graphs(log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "adr", "toc", "-C", str(repo.path))
    assert "* [2. Use PostgreSQL](0002-use-postgresql.md) — accepted" in out
    _, out, _ = run(capsys, "adr", "graph", "--as", "dot", "-C", str(repo.path))
    assert 'adr2 -> adr1 [label="Amends"];' in out
    _, out, _ = run(capsys, "adr", "graph", "-C", str(repo.path))
    assert out.startswith("flowchart LR")
    assert "adr2 -->|Amends| adr1" in out


def test_lint_finds_each_kind_of_problem(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "adr", "lint", "-C", str(repo.path))[0] == 0
    (log / "0004-broken.md").write_text(
        NYGARD_2.replace("# 2. Use PostgreSQL", "# 4. Broken")
        .replace("Accepted", "Maybe")
        .replace("[1. Record", "[9. Record")
    )
    (log / "0002-parallel-branch.md").write_text(
        NYGARD_1.replace("# 1.", "# 2.").replace("## Consequences\n\nSee the records.\n", "")
    )
    (log / "notes.md").write_text("loose notes\n")
    code, out, _ = run(capsys, "adr", "lint", "-C", str(repo.path), "-f", "json")
    assert code == 1
    problems = {(row["file"], row["problem"]) for row in json.loads(out)}
    assert ("0004-broken.md", "unknown status 'Maybe'") in problems
    assert ("0004-broken.md", "link 'Amends' points at missing ADR 9") in problems
    assert ("0002-parallel-branch.md", "number 2 is used by 2 records") in problems
    assert ("0002-parallel-branch.md", "missing section '## Consequences'") in problems
    assert ("notes.md", "not named NNNN-title-in-kebab-case.md") in problems


def test_renumber_after_merging_branches_rewrites_links(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    later = NYGARD_2.replace("# 2. Use PostgreSQL", "# 2. Use Redis").replace(
        "2024-03-01", "2024-05-01"
    )
    (log / "0002-use-redis.md").write_text(later)
    (log / "0005-refers.md").write_text(
        NYGARD_1.replace("# 1. Record architecture decisions", "# 5. Refers").replace(
            "Accepted\n", "Accepted\n\nAmends [2. Use Redis](0002-use-redis.md)\n"
        )
    )
    code, out, _ = run(capsys, "adr", "renumber", "-C", str(repo.path))
    assert code == 0
    assert "0002-use-redis.md -> 0006-use-redis.md" in out
    assert (log / "0006-use-redis.md").read_text().startswith("# 6. Use Redis")
    assert "Amends [6. Use Redis](0006-use-redis.md)" in (log / "0005-refers.md").read_text()
    assert (log / "0002-use-postgresql.md").exists()
    assert run(capsys, "adr", "lint", "-C", str(repo.path))[0] == 0


def test_adr_dir_file_is_honoured(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.path / ".adr-dir").write_text("doc/architecture/decisions\n")
    assert run(capsys, "adr", "init", "-C", str(repo.path))[0] == 0
    created = repo.path / "doc/architecture/decisions/0001-record-architecture-decisions.md"
    assert parse_record(created).status == "accepted"
    code, _, err = run(capsys, "adr", "init", "-C", str(repo.path))
    assert code == 2
    assert "already here" in err


def test_malformed_front_matter_names_the_file(
    log: Path, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (log / "0004-bad.md").write_text("---\nstatus: [unclosed\n---\n# Bad\n")
    code, _, err = run(capsys, "adr", "list", "-C", str(repo.path))
    assert code == 2
    assert "0004-bad.md: front matter is not valid YAML" in err
    (log / "0005-when.md").write_text("---\nstatus: accepted\nreview-by: soon\n---\n# When\n")
    with pytest.raises(RecordError, match="review-by"):
        parse_record(log / "0005-when.md")


def test_missing_log_is_a_clear_error(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "adr", "list", "-C", str(repo.path))
    assert code == 2
    assert "no decision log here" in err
    assert "techlead adr init" in err


def test_review_date_in_the_future_is_not_stale(log: Path) -> None:
    from techlead.decisions.store import stale

    records = load_decisions(log)
    assert [d.number for d in stale(records, date(2024, 9, 30))] == []
    assert [d.number for d in stale(records, date(2024, 10, 1) + timedelta(days=1))] == [3]
