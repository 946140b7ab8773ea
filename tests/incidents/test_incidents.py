"""Incidents end to end through the CLI, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.store.database import open_store


class Techlead:
    """The CLI, run in-process against one repository and one database."""

    def __init__(self, repo: GitRepo, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.repo, self.url, self.capsys = repo, url, capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        code = main(["--db", self.url, *argv[:2], *argv[2:], "-C", str(self.repo.path)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert code == 0, err
        return out

    def json(self, *argv: str) -> Any:
        return json.loads(self.ok(*argv, "-f", "json"))

    def fails(self, *argv: str) -> str:
        code, _, err = self(*argv)
        assert code == 2, err
        assert err.startswith("error: ")
        return err.splitlines()[0]


def _write_sections(text: str, except_for: str = "") -> str:
    """The draft with every prompt of the template replaced by a sentence."""
    from techlead.incidents.template import PROMPTS

    for heading, prompt in PROMPTS.items():
        if heading not in {except_for, "What went well"}:
            text = text.replace(f"## {heading}\n\n{prompt}\n", f"## {heading}\n\nWritten.\n")
    return text


@pytest.fixture
def tl(repo: GitRepo, database_url: str, capsys: pytest.CaptureFixture[str]) -> Techlead:
    repo.commit("first", {"app.py": "print('hello')\n"})
    open_store(database_url, "repo").close()  # created here, so commands find it in place
    return Techlead(repo, database_url, capsys)


def test_a_whole_incident(tl: Techlead) -> None:
    tl.ok("runbook", "new", "Checkout errors", "--service", "checkout", "--owner", "Ann")
    out = tl.ok(
        "incident",
        "open",
        "Checkout returns 500",
        "--severity",
        "sev2",
        "--service",
        "checkout",
        "--commander",
        "Ann",
        "--at",
        "2026-11-20 14:03 UTC",
        "--started",
        "2026-11-20 13:55 UTC",
    )
    assert "opened incident 1: Checkout returns 500 (SEV2, major" in out
    assert "runbook for checkout: Checkout errors (docs/runbooks/checkout-errors.md)" in out
    tl.ok("incident", "ack", "1", "--by", "Bob", "--at", "2026-11-20 14:06")
    tl.ok("incident", "role", "INC-1", "scribe", "Carol")
    tl.ok("incident", "role", "1", "commander", "Dana")  # hand-over: one commander at a time
    tl.ok("incident", "role", "1", "sme", "Eve")
    tl.ok("incident", "role", "1", "sme", "Finn")
    tl.ok("incident", "update", "1", "Error rate 30% since deploy 412", "--at", "2026-11-20 14:10")
    tl.ok("incident", "status", "1", "identified", "--at", "2026-11-20 14:15")
    tl.ok(
        "incident",
        "update",
        "1",
        "Rolled back deploy 412",
        "--by",
        "Dana",
        "--at",
        "2026-11-20 14:20",
    )
    tl.ok("incident", "status", "1", "mitigated", "--at", "2026-11-20 14:23")
    tl.ok("incident", "status", "1", "resolved", "--at", "2026-11-20 16:00")
    err = tl.fails("incident", "status", "1", "closed")
    assert "SEV2 is major and needs its post-mortem before closing" in err

    assert tl.ok("incident", "postmortem", "1").startswith("wrote docs/postmortems/2026-11-20-1-")
    tl.ok(
        "action",
        "add",
        "1",
        "Canary deploys for checkout",
        "--type",
        "prevent",
        "--owner",
        "Dana",
        "--due",
        "2026-12-01",
    )
    tl.ok("action", "add", "1", "Runbook step for rollback", "--type", "process")
    path = next((tl.repo.path / "docs/postmortems").glob("*.md"))
    edited = path.read_text().replace(
        "## What went well\n\n-", "## What went well\n\n- The rollback took three minutes."
    )
    path.write_text(edited)
    assert tl.ok("incident", "postmortem", "1").startswith("refreshed docs/postmortems/")
    text = path.read_text()
    assert "- The rollback took three minutes." in text  # people's edits survive
    assert "| 1 | prevent | Canary deploys for checkout | Dana | 2026-12-01 | open |" in text
    assert "| 2026-11-20 14:20 | Rolled back deploy 412 (Dana) |" in text
    assert "| Time to detect / mitigate / resolve | 8m / 20m / 1h 57m |" in text
    for section in (
        "## Summary",
        "## Impact",
        "## Root causes",
        "## Trigger",
        "## Resolution",
        "## What went wrong",
        "## Where we got lucky",
        "## Action items",
    ):
        assert section in text

    tl.ok("action", "done", "1")
    tl.ok("action", "done", "2")
    assert tl.json("action", "list", "--open") == []
    # an untouched draft does not close a major incident: its prompts must be replaced
    assert tl.fails("incident", "status", "1", "closed") == (
        f"error: incident 1: post-mortem docs/postmortems/{path.name} is still the template "
        "in: Summary, Impact, Detection, Response, Root causes, Trigger, Resolution, "
        "What went wrong, Where we got lucky, Lessons learned"
    )
    written = _write_sections(path.read_text(), except_for="Where we got lucky")
    path.write_text(written.replace("## Where we got lucky\n\n-\n", ""))  # taken out: fine
    tl.ok("incident", "status", "1", "closed")

    shown = tl.json("incident", "show", "1")
    assert shown["status"] == "closed"
    assert shown["started_at"] == "2026-11-20T13:55:00+00:00"
    assert shown["acknowledged_at"] == "2026-11-20T14:06:00+00:00"
    assert shown["mitigated_at"] == "2026-11-20T14:23:00+00:00"
    assert sorted((r["role"], r["name"]) for r in shown["roles"]) == [
        ("commander", "Dana"),
        ("scribe", "Carol"),
        ("sme", "Eve"),
        ("sme", "Finn"),
    ]
    assert [a["status"] for a in shown["actions"]] == ["done", "done"]
    timeline = tl.json("incident", "timeline", "1")
    times = [entry["at"] for entry in timeline]
    assert times == sorted(times)
    assert timeline[0]["text"] == "Opened as SEV2 on checkout: Checkout returns 500"
    assert [e["text"] for e in timeline if e["kind"] == "status"][:3] == [
        "Status: investigating → identified",
        "Status: identified → mitigated",
        "Status: mitigated → resolved",
    ]


def test_transitions_and_times_are_validated(tl: Techlead) -> None:
    tl.ok("incident", "open", "Slow search", "-s", "SEV3", "--at", "2026-11-20 10:00")
    assert "cannot go back" not in tl.fails("incident", "status", "1", "closed")
    assert "only a resolved incident can be closed (it is investigating)" in tl.fails(
        "incident", "status", "1", "closed"
    )
    assert "mitigated 2026-11-20 09:00 UTC is before the start 2026-11-20 10:00 UTC" in tl.fails(
        "incident", "status", "1", "mitigated", "--at", "2026-11-20 09:00"
    )
    tl.ok("incident", "status", "1", "mitigated", "--at", "2026-11-20 10:30")
    assert "resolved 2026-11-20 10:20 UTC is before mitigated at 2026-11-20 10:30 UTC" in tl.fails(
        "incident", "status", "1", "resolved", "--at", "2026-11-20 10:20"
    )
    assert "cannot go back from mitigated to identified" in tl.fails(
        "incident", "status", "1", "identified"
    )
    assert "--at 'yesterday-ish': not a time" in tl.fails(
        "incident", "update", "1", "x", "--at", "yesterday-ish"
    )
    assert "is in the future" in tl.fails("incident", "update", "1", "x", "--at", "2999-01-01")
    assert "incident 42: no such incident" in tl.fails("incident", "update", "42", "x")
    assert "incident 'abc': not an id" in tl.fails("incident", "ack", "abc")
    assert "severity 'P1': use one of SEV1, SEV2, SEV3, SEV4, SEV5" in tl.fails(
        "incident", "open", "x", "-s", "P1"
    )
    assert "status 'fixed': use one of investigating" in tl.fails(
        "incident", "status", "1", "fixed"
    )
    assert "role 'boss': use one of commander" in tl.fails("incident", "role", "1", "boss", "X")
    # nothing of the refused requests was written
    timeline = tl.json("incident", "timeline", "1")
    assert [e["kind"] for e in timeline] == ["opened", "status"]
    assert len(tl.json("incident", "list")) == 1


def test_resolving_directly_marks_mitigated_and_minor_incidents_close_without_postmortem(
    tl: Techlead,
) -> None:
    tl.ok("incident", "open", "Typo on pricing page", "-s", "SEV4", "--at", "2026-11-20 10:00")
    tl.ok("incident", "status", "1", "resolved", "--at", "2026-11-20 11:00")
    tl.ok("incident", "status", "1", "closed", "--at", "2026-11-20 11:05")
    shown = tl.json("incident", "show", "1")
    assert shown["mitigated_at"] == shown["resolved_at"] == "2026-11-20T11:00:00+00:00"
    assert shown["closed_at"] == "2026-11-20T11:05:00+00:00"


def test_links_are_verified(tl: Techlead) -> None:
    culprit = tl.repo.commit("risky change", {"app.py": "print('bye')\n"})
    tl.repo.write(
        "docs/adr/0001-use-canaries.md",
        "---\nstatus: accepted\n---\n\n# Use canaries\n\n## Context and Problem Statement\n\nx\n"
        "\n## Considered Options\n\n* a\n\n## Decision Outcome\n\ny\n",
    )
    tl.ok("incident", "open", "Outage", "-s", "SEV1")
    tl.ok("incident", "open", "Same again", "-s", "SEV3")
    out = tl.ok("incident", "link", "1", "--commit", culprit[:8], "--note", "caused it", "-q")
    assert "linked commit risky change" in out
    tl.ok("incident", "link", "1", "--adr", "1", "--incident", "2")
    links = tl.json("incident", "show", "1")["links"]
    assert [(link["kind"], link["target"]) for link in links] == [
        ("adr", "ADR-0001"),
        ("commit", culprit),
        ("incident", "2"),
    ]
    assert "commit 'deadbeef': not in the mined history" in tl.fails(
        "incident", "link", "1", "--commit", "deadbeef", "-q"
    )
    assert "ADR 7: no such decision record" in tl.fails("incident", "link", "1", "--adr", "7")
    assert "runbook 'nope': none in" in tl.fails("incident", "link", "1", "--runbook", "nope")
    assert "already linked to adr ADR-0001" in tl.fails("incident", "link", "1", "--adr", "1")
    assert "incident 9: no such incident" in tl.fails("incident", "link", "1", "--incident", "9")


def test_stats_by_definition(tl: Techlead) -> None:
    tl.ok(
        "incident",
        "open",
        "A",
        "-s",
        "SEV1",
        "--service",
        "api",
        "--at",
        "2026-11-01 10:00",
        "--started",
        "2026-11-01 09:50",
    )
    tl.ok("incident", "ack", "1", "--at", "2026-11-01 10:04")
    tl.ok("incident", "status", "1", "mitigated", "--at", "2026-11-01 10:30")
    tl.ok("incident", "status", "1", "resolved", "--at", "2026-11-01 12:00")
    tl.ok("incident", "open", "B", "-s", "SEV3", "--service", "api", "--at", "2026-11-02 10:00")
    tl.ok("incident", "ack", "2", "--at", "2026-11-02 10:10")
    tl.ok("incident", "status", "2", "resolved", "--at", "2026-11-02 11:00")
    tl.ok("incident", "open", "C", "-s", "SEV2", "--service", "web", "--at", "2026-11-03 10:00")
    tl.ok("action", "add", "1", "Fix it", "--due", "2020-01-01")
    stats = tl.json("incident", "stats")
    assert stats["incidents"] == 3
    assert stats["open"] == 1
    assert stats["by_severity"] == {"SEV1": 1, "SEV2": 1, "SEV3": 1}
    assert stats["by_service"] == {"api": 2, "web": 1}
    intervals = {iv["name"]: iv for iv in stats["intervals"]}
    # only A recorded its start before detection
    assert (intervals["MTTD"]["mean_seconds"], intervals["MTTD"]["count"]) == (10 * 60, 1)
    assert intervals["MTTA"]["mean_seconds"] == (4 * 60 + 10 * 60) / 2
    assert intervals["MTTM"]["mean_seconds"] == (30 * 60 + 60 * 60) / 2
    assert intervals["MTTR"]["mean_seconds"] == (120 * 60 + 60 * 60) / 2
    assert intervals["MTTR"]["count"] == 2
    assert stats["postmortem_completion"] == 0.0  # SEV1 resolved without its post-mortem
    assert (stats["open_action_items"], stats["overdue_action_items"]) == (1, 1)
    tl.ok("incident", "postmortem", "1")
    # an untouched draft is not a post-mortem: completion counts only written ones
    assert tl.json("incident", "stats")["postmortem_completion"] == 0.0
    path = next((tl.repo.path / "docs/postmortems").glob("*.md"))
    written = _write_sections(path.read_text())
    path.write_text(written.replace("## What went well\n\n-\n", "## What went well\n\nPaging.\n"))
    assert tl.json("incident", "stats")["postmortem_completion"] == 1.0
    assert tl.json("incident", "stats", "--since", "2026-11-02")["incidents"] == 2
    assert [a["id"] for a in tl.json("action", "list", "--overdue")] == [1]


def test_search_ranks_similar_incidents(tl: Techlead) -> None:
    tl.ok("incident", "open", "Database connection pool exhausted", "-s", "SEV2")
    tl.ok("incident", "update", "1", "Too many connections from the batch workers")
    tl.ok("incident", "open", "Login page slow", "-s", "SEV3")
    tl.ok("incident", "open", "Payments failing", "-s", "SEV2")
    tl.ok("incident", "update", "3", "Upstream provider timeouts")
    tl.ok("incident", "open", "Connection resets at the load balancer", "-s", "SEV3")
    hits = tl.json("incident", "search", "database connections exhausted")
    assert [hit["id"] for hit in hits][:2] == [1, 4]
    assert 3 not in [hit["id"] for hit in hits]
    assert [hit["rank"] for hit in hits] == list(range(1, len(hits) + 1))
    assert hits[0]["score"] == 1.0
    assert all(hit["engine_score"] > 0 and 0 < hit["score"] <= 1 for hit in hits)
    # post-mortems are searched as they are on disk
    tl.ok("incident", "postmortem", "3")
    path = next((tl.repo.path / "docs/postmortems").glob("*.md"))
    path.write_text(path.read_text() + "\nThe certificate of the acquirer had expired.\n")
    assert [hit["id"] for hit in tl.json("incident", "search", "certificate expired")] == [3]
    assert "no words to search for" in tl.fails("incident", "search", "?!")


def test_every_match_on_a_tiny_corpus_has_a_relevance_above_zero(tl: Techlead) -> None:
    # BM25 floors the weight of a word found in most incidents; one incident is all of them
    tl.ok("incident", "open", "Disk full on db-2", "-s", "SEV3")
    hits = tl.json("incident", "search", "disk")
    assert [(h["id"], h["rank"], h["score"]) for h in hits] == [(1, 1, 1.0)]
    assert hits[0]["engine_score"] > 0
    tl.ok("incident", "open", "Disk latency on db-3", "-s", "SEV3")
    tl.ok("incident", "update", "2", "disk disk disk everywhere")
    hits = tl.json("incident", "search", "disk")
    assert [h["rank"] for h in hits] == [1, 2]
    assert all(h["engine_score"] > 0 and h["score"] > 0 for h in hits)
    table = tl.ok("incident", "search", "disk")
    assert "100%" in table
    assert " 0.0 " not in table
    assert "│ 0 " not in table


def test_import_from_csv_is_all_or_nothing_and_updates_on_reimport(
    tl: Techlead, tmp_path: Path
) -> None:
    export = tmp_path / "incidents.csv"
    export.write_text(
        "ID;Title;Severity;Service;Detected At;Acknowledged At;Resolved At;Commander\n"
        "PD-1;Disk full on db-2;SEV2;db;2026-10-01 08:00;2026-10-01 08:05;2026-10-01 09:00;Ann\n"
        "PD-2;Cache stampede;sev3;api;2026-10-03T12:00:00+02:00;;;\n"
    )
    out = tl.ok("incident", "import", str(export))
    assert "2 incidents added, 0 updated" in out
    listed = {i["title"]: i for i in tl.json("incident", "list")}
    assert listed["Disk full on db-2"]["status"] == "resolved"
    assert listed["Cache stampede"]["detected_at"] == "2026-10-03T10:00:00+00:00"
    assert listed["Cache stampede"]["status"] == "investigating"
    export.write_text(export.read_text().replace(";;;\n", ";;2026-10-03 11:00;Bob\n"))
    assert "0 incidents added, 1 updated, 1 unchanged" in tl.ok("incident", "import", str(export))
    listed = {i["title"]: i for i in tl.json("incident", "list")}
    assert len(listed) == 2
    assert listed["Cache stampede"]["status"] == "resolved"
    assert listed["Cache stampede"]["commander"] == "Bob"

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "title,severity,detected\nFine one,SEV3,2026-10-05 10:00\nBroken one,SEV3,not a time\n"
    )
    err = tl.fails("incident", "import", str(bad))
    expected = "column 'detected': time 'not a time': not a time (e.g. '2026-11-20 14:03 UTC')"
    assert err == f"error: {bad}:3: {expected}"
    assert len(tl.json("incident", "list")) == 2  # the fine row was not imported either
    bad.write_text("title,severity,detected,colour\nx,SEV3,2026-10-05,red\n")
    assert "unknown column 'colour'" in tl.fails("incident", "import", str(bad))
    bad.write_text("title,severity,detected,resolved,closed\nx,SEV3,2026-10-05,,2026-10-06\n")
    assert "column 'closed': an incident is closed only after it is resolved" in tl.fails(
        "incident", "import", str(bad)
    )


def test_a_database_from_a_newer_version_is_refused(tl: Techlead) -> None:
    tl.ok("incident", "open", "Kept", "-s", "SEV3")
    store = open_store(tl.url, "repo")
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff9999'")
    store.close()
    err = tl.fails("incident", "list")
    assert "written by a newer techlead (schema revision ffff9999)" in err


def test_what_a_first_trial_found(tl: Techlead, tmp_path: Path) -> None:
    """Inputs a new user tried: zones, huge ids, action ids, re-imports, odd bytes."""
    assert "unknown time zone; give an offset such as +01:00" in tl.fails(
        "incident", "open", "x", "-s", "SEV3", "--at", "2026-11-20 14:03 PST"
    )
    assert "write the offset as +01:00" in tl.fails(
        "incident", "open", "x", "-s", "SEV3", "--at", "2026-11-20 14:03 UTC+1"
    )
    tl.ok("incident", "open", "Old", "-s", "SEV3", "--at", "20.10.2026 10:00")
    tl.ok("incident", "open", "New", "-s", "SEV3", "--at", "2026-11-20T14:03+01:00")
    listed = tl.json("incident", "list")
    assert [(i["title"], i["detected_at"]) for i in listed] == [
        ("New", "2026-11-20T13:03:00+00:00"),
        ("Old", "2026-10-20T10:00:00+00:00"),
    ]
    assert "incident 99999999999999999999: no such incident" in tl.fails(
        "incident", "show", "99999999999999999999"
    )
    tl.ok("action", "add", "1", "Something")
    assert "action item 'INC-1': not an id" in tl.fails("action", "done", "INC-1")
    tl.ok("incident", "link", "2", "--incident", "1")
    assert tl.json("incident", "show", "1")["linked_from"] == [2]
    tl.ok("incident", "status", "1", "resolved", "--at", "2026-10-20 11:00")
    assert "after the resolution" in tl.fails("incident", "ack", "1", "--at", "2026-10-21 10:00")
    assert "before a day before the start" in tl.fails(
        "incident", "update", "1", "x", "--at", "2026-10-01 10:00"
    )

    export = tmp_path / "export.csv"
    export.write_text("id,title,severity,detected\nPD-9,Imported,SEV3,2026-09-01 10:00\n")
    tl.ok("incident", "import", str(export))
    imported = next(i for i in tl.json("incident", "list") if i["title"] == "Imported")
    tl.ok("incident", "status", str(imported["id"]), "resolved", "--at", "2026-09-01 12:00")
    tl.ok("incident", "import", str(export))  # the older export must not reopen it
    assert tl.json("incident", "show", str(imported["id"]))["status"] == "resolved"

    export.write_text(
        "id,title,severity,detected,resolved,status\n"
        "PD-10,Odd,SEV3,2026-09-01 10:00,2026-09-01 11:00,investigating\n"
    )
    assert "column 'status': investigating, but a resolved time is given" in tl.fails(
        "incident", "import", str(export)
    )
    export.write_text("id,title,severity,detected,summary\nN1,Nul,SEV4,2026-11-01 10:00,a\x00b\n")
    assert "column 'summary': contains a NUL character" in tl.fails(
        "incident", "import", str(export)
    )
    export.write_text("title,Title,severity,detected\na,b,SEV3,2026-09-01\n")
    assert "column 'title' appears more than once" in tl.fails("incident", "import", str(export))


def test_database_locations_that_would_lose_records_are_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo.commit("first", {"a.txt": "a\n"})
    for url, message in (
        ("sqlite://", "an in-memory database would lose every record"),
        ("sqlite:///:memory:", "an in-memory database would lose every record"),
        (str(tmp_path / "missing" / "x.db"), "no such directory for the database"),
        ("mysql://x/y", "only SQLite and PostgreSQL are supported"),
    ):
        code = main(["--db", url, "incident", "list", "-C", str(repo.path)])
        err = capsys.readouterr().err
        assert code == 2, url
        assert message in err, url
    code = main(["--db", str(tmp_path / "new.db"), "incident", "list", "-C", str(repo.path)])
    assert code == 0
    assert "note: created a new record store at" in capsys.readouterr().err


def test_commits_can_be_named_by_revision(tl: Techlead) -> None:
    tl.repo.commit("the culprit", {"app.py": "print('x')\n"})
    tl.repo.git("tag", "v1.2")
    tl.ok("incident", "open", "Broke", "-s", "SEV3")
    assert "linked commit the culprit" in tl.ok("incident", "link", "1", "--commit", "v1.2", "-q")
    assert "neither a commit id nor a revision git knows here" in tl.fails(
        "incident", "link", "1", "--commit", "no-such-tag", "-q"
    )
    assert "incident 7: no such incident" in tl.fails("action", "list", "--incident", "7")
