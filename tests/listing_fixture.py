"""One small real project with long paths, long names and a record of every kind, made the way
a lead would make it (git commits and techlead commands), for tests that run every listing."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gitrepo import GitRepo
from techlead.cli import main

# long enough that no table can show them whole at 80 columns
DEEP = "services/payments-gateway/src/payments_gateway/adapters/settlement"
LONG_FILES = [
    f"{DEEP}/international_settlement_reconciliation_worker.py",
    f"{DEEP}/currency_conversion_rate_snapshot_repository.py",
    "services/notifications/src/notifications/channels/push_notification_fanout.py",
    "docs/architecture/payments-gateway-settlement-overview.md",
]
PEOPLE = [
    "Maximiliana Featherstonehaugh-Wolstenholme <max@example.com>",
    "Bartholomew Montgomery-Ashworth <bart@example.com>",
    "Ann Lead <ann@example.com>",
]
DEVELOPER = "Maximiliana Featherstonehaugh-Wolstenholme"

BACKLOG = """Summary,Issue key,Issue Type,Status,Resolution,Assignee,Created,Resolved,Description
{rows}"""

MATRIX_TITLE = "Choose a message broker for settlement events"


def _body(index: int, lines: int, limit: int = 0) -> str:
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(lines))
    return f"def handle_{index}(x):\n    limit = {limit}\n{branches}    return -1\n"


def _backlog(today: datetime) -> str:
    rows = []
    for n in range(1, 25):
        created = today - timedelta(days=80 - 3 * n)
        done = n <= 18
        resolved = (created + timedelta(days=2)).strftime("%d/%b/%y %I:%M %p") if done else ""
        rows.append(
            f"Reconcile international settlement batches for merchant group {n},SET-{n},Story,"
            f"{'Done' if done else 'To Do'},{'Done' if done else ''},{PEOPLE[n % 2][:-18]},"
            f"{created.strftime('%d/%b/%y %I:%M %p')},{resolved},"
            + (
                "Given a batch when it settles then it is reconciled within one hour"
                if n < 20
                else "Make the settlement reconciliation fast and user-friendly"
            )
        )
    return BACKLOG.format(rows="\n".join(rows)) + "\n"


def run(*argv: str) -> str:
    """Run one techlead command; fail loudly (with its output) unless it exits 0."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    if code != 0:
        raise AssertionError(
            f"techlead {' '.join(argv)} exited {code}: {out.getvalue()}{err.getvalue()}"
        )
    return out.getvalue()


def build_listing_project(path: Path) -> GitRepo:
    """Four months of commits by three people over long paths, monthly release tags, and one
    incident, action item, runbook, decision record, decision matrix, backlog and candidate."""
    repo = GitRepo(path)
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=120)
    repo.commit(
        "start the gateway",
        {".gitignore": ".techlead/\n", "README.md": "# Payments\n"}
        | {name: _body(i, 3) for i, name in enumerate(LONG_FILES[:3])}
        | {LONG_FILES[3]: f"# Settlement\n\nSee [the worker](../../{DEEP}/gone_worker.py).\n"},
        author=PEOPLE[0],
        date=start.isoformat(),
    )
    for day in range(1, 116, 3):
        person = PEOPLE[day % 3] if day % 4 else PEOPLE[0]
        fixes = day // 15  # every fifth commit fixes the limit an earlier one set
        changed = {
            LONG_FILES[0]: _body(0, 3 + day // 3, fixes),
            LONG_FILES[1 + day % 2]: _body(1 + day % 2, 2 + day // 5),
        }
        when = start + timedelta(days=day)
        message = (
            f"fix the settlement limit ({day})"
            if day % 15 < 3 and day > 3
            else f"SET-{day % 24 + 1}: settle batch {day}"
        )
        repo.commit(message, changed, author=person, date=when.isoformat())
        if day % 30 == 1:
            repo.git("tag", f"v1.{day // 30}.0")
    repo.git("tag", "v2.0.0")
    here = ("-C", str(repo.path))
    run("scan", str(repo.path), "--quiet")
    run("adr", "init", *here)
    run("adr", "new", "Settle international payments through the reconciliation worker", *here)
    run(
        "runbook",
        "new",
        "International settlement reconciliation lagging behind",
        "--service",
        "payments-gateway-settlement",
        "--owner",
        DEVELOPER,
        *here,
    )
    run(
        "incident",
        "open",
        "International settlement reconciliation stalls for merchant groups",
        "--severity",
        "sev2",
        "--service",
        "payments-gateway-settlement",
        "--commander",
        DEVELOPER,
        *here,
    )
    run("incident", "update", "1", "Reconciliation worker restarted by the on-call engineer", *here)
    run(
        "action",
        "add",
        "1",
        "Alert when the settlement reconciliation backlog grows past an hour",
        "--type",
        "prevent",
        "--owner",
        DEVELOPER,
        *here,
    )
    run(
        "decide",
        "new",
        MATRIX_TITLE,
        "--option",
        "Apache Kafka with tiered storage",
        "--option",
        "RabbitMQ quorum queues",
        "--criterion",
        "operational cost:3",
        "--criterion",
        "delivery guarantees:5",
        *here,
    )
    backlog = path / ".techlead" / "backlog.csv"
    backlog.write_text(_backlog(today), encoding="utf-8")
    run("plan", "import", str(backlog), *here)
    run("hire", "add", "Alexandrina Konstantinopoulou-Vanderbilt", "--role", "backend-l3", *here)
    return repo
