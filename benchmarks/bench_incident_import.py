"""Benchmark `incident import` against sqlite3's executemany of the same rows, in the same run.

Usage: python benchmarks/bench_incident_import.py [--rows 20000] [--runs 5]

The script writes an export of ROWS incidents as a pager would (an id, a title, a severity, a
service, detection, acknowledgement and resolution times, a commander, a summary; a few
hundred with quotes, commas and line breaks in their text), then times, each on a fresh record
store (SQLite, schema created before the clock starts):

- techlead: `import_csv` of the file, everything included (reading the CSV, checking every
  row and time, matching, inserting, the timeline entry and commander of each, search text);
- techlead again: importing the same file into the store that already holds it (nothing
  changes, so nothing is written);
- the baseline: Python's sqlite3 `executemany` inserting the same incidents, timeline entries
  and commanders, already parsed, into the same tables (with their full-text triggers) in one
  transaction: the floor a bulk insert cannot go below.

It prints the median of several runs of each, the rows per second and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from techlead.config import DEFAULT_SEVERITIES
from techlead.incidents.importer import import_csv
from techlead.store.database import open_store

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SERVICES = ("api", "checkout", "search", "db", "cache", "auth", "billing", "mobile")
WORDS = ("disk", "full", "latency", "spike", "timeout", "pool", "deploy", "rollback", "dns")


def export_rows(count: int, seed: int = 1) -> list[list[str]]:
    """A pager export: one row per incident, minutes apart, some with quoted text."""
    rng = random.Random(seed)
    header = "id,title,severity,service,detected,acknowledged,resolved,commander,summary"
    rows = [header.split(",")]
    for number in range(1, count + 1):
        detected = START + dt.timedelta(minutes=37 * number)
        words = " ".join(rng.choice(WORDS) for _ in range(4))
        summary = f'{words}; "{rng.choice(WORDS)}", then\nfixed' if number % 50 == 0 else words
        rows.append(
            [
                f"PD-{number}",
                f"{words.capitalize()} on {rng.choice(SERVICES)}-{number % 7}",
                f"SEV{rng.randint(1, 4)}",
                rng.choice(SERVICES),
                detected.strftime("%Y-%m-%dT%H:%M:%SZ"),
                (detected + dt.timedelta(minutes=rng.randint(1, 9))).isoformat(),
                (detected + dt.timedelta(minutes=rng.randint(10, 300))).isoformat(),
                rng.choice(("Ann", "Bob", "Chen", "Dara")),
                summary,
            ]
        )
    return rows


def stored_time(text: str) -> str:
    """A time as the store keeps it on SQLite (UTC, no offset)."""
    moment = dt.datetime.fromisoformat(text).astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")


def executemany(database: Path, rows: list[list[str]], name: str) -> None:
    """The same records, already parsed, inserted with sqlite3's executemany."""
    recorded = stored_time(dt.datetime.now(dt.UTC).isoformat())
    incidents, entries, roles = [], [], []
    for number, row in enumerate(rows[1:], start=1):
        ident, title, severity, service, detected, acked, resolved, commander, summary = row
        detected, acked, resolved = stored_time(detected), stored_time(acked), stored_time(resolved)
        search = "\n".join([service, summary, f"Imported from {name}: {title}"])
        described = (number, "repo", ident, title, severity, service, "resolved", summary)
        times = (detected, detected, acked, resolved, resolved)
        incidents.append((*described, *times, search, recorded, recorded))
        entries.append((number, detected, "opened", f"Imported from {name}: {title}", recorded))
        roles.append((number, "commander", commander, detected))
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO incidents (id, repository, external_id, title, severity, service, "
            "status, summary, started_at, detected_at, acknowledged_at, mitigated_at, "
            "resolved_at, search_text, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            incidents,
        )
        connection.executemany(
            "INSERT INTO timeline_entries (incident_id, at, kind, text, recorded_at) "
            "VALUES (?, ?, ?, ?, ?)",
            entries,
        )
        connection.executemany(
            "INSERT INTO incident_roles (incident_id, role, name, assigned_at) VALUES (?, ?, ?, ?)",
            roles,
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def fresh_store(where: Path, run: int) -> Path:
    database = where / f"records-{run}.db"
    open_store(f"sqlite:///{database}", "repo").close()
    return database


def timed(prepare: Callable[[int], Path], work: Callable[[Path], object], runs: int) -> float:
    times = []
    for run in range(runs):
        target = prepare(run)
        started = time.perf_counter()
        work(target)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = export_rows(args.rows)
    with tempfile.TemporaryDirectory(prefix="techlead-bench-") as scratch:
        where = Path(scratch)
        export = where / "incidents.csv"
        with export.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)

        def techlead(database: Path) -> object:
            store = open_store(f"sqlite:///{database}", "repo")
            try:
                return import_csv(store, export, DEFAULT_SEVERITIES)
            finally:
                store.close()

        def imported(run: int) -> Path:
            database = fresh_store(where, 100 + run)
            techlead(database)
            return database

        ours = timed(lambda run: fresh_store(where, run), techlead, args.runs)
        again = timed(imported, techlead, args.runs)
        floor = timed(
            lambda run: fresh_store(where, 200 + run),
            lambda database: executemany(database, rows, export.name),
            args.runs,
        )
    count = args.rows
    print(f"{count:,} incidents, median of {args.runs} runs\n")
    print(f"{'':44} {'seconds':>8} {'rows/s':>9} {'vs executemany':>15}")
    for label, seconds in (
        ("techlead incident import, fresh store", ours),
        ("techlead incident import, same file again", again),
        ("sqlite3 executemany of the parsed rows", floor),
    ):
        print(f"{label:44} {seconds:8.3f} {count / seconds:9,.0f} {seconds / floor:14.1f}x")


if __name__ == "__main__":
    main()
