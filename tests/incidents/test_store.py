"""The record store under concurrent writers and a writer killed mid-transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from gitrepo import GitRepo
from techlead.incidents import service
from techlead.store.database import open_store
from techlead.store.models import TimelineEntry

WRITERS = 20


def test_concurrent_writers_lose_nothing(repo: GitRepo, database_url: str) -> None:
    repo.commit("first", {"a.txt": "a\n"})
    store = open_store(database_url, "repo")
    incident = service.open_incident(store, "Shared incident", "SEV3")
    store.close()
    environment = {**os.environ, "TECHLEAD_DATABASE_URL": database_url}
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "techlead",
                "incident",
                "update",
                str(incident.id),
                f"entry from writer {number}",
                "-C",
                str(repo.path),
            ],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for number in range(WRITERS)
    ]
    failures = []
    for writer in writers:
        _, err = writer.communicate(timeout=240)
        if writer.returncode != 0:
            failures.append(err.decode())
    assert failures == []
    store = open_store(database_url, "repo")
    view = service.get(store, incident.id)
    store.close()
    texts = sorted(entry.text for entry in view.entries if entry.kind == "update")
    assert texts == sorted(f"entry from writer {number}" for number in range(WRITERS))
    assert all(f"writer {number}" in view.incident.search_text for number in range(WRITERS))


WRITER = """
import sys, time
from techlead.incidents import service
from techlead.incidents.times import now
from techlead.store.database import open_store
from techlead.store.models import TimelineEntry

store = open_store(sys.argv[1], "repo")
incident = service.open_incident(store, "Killed writer", "SEV3")
for number in range(3):
    service.add_update(store, incident.id, f"committed {number}")
with store.session() as session:
    session.add(TimelineEntry(incident_id=incident.id, at=now(), kind="update",
                              text="never committed", recorded_at=now()))
    session.flush()
    print("in transaction", flush=True)
    time.sleep(120)
"""


def test_a_writer_killed_mid_transaction_loses_nothing_committed(
    database_url: str, tmp_path: Path
) -> None:
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(WRITER))
    writer = subprocess.Popen(
        [sys.executable, str(script), database_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert writer.stdout is not None
    line = writer.stdout.readline().decode()
    assert line.strip() == "in transaction", writer.stderr.read().decode() if writer.stderr else ""
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    store = open_store(database_url, "repo")
    try:
        view = service.get(store, 1)
        texts = [entry.text for entry in view.entries if entry.kind == "update"]
        assert texts == ["committed 0", "committed 1", "committed 2"]
        # the store is usable at once: the dead writer's lock is gone
        service.add_update(store, 1, "after the crash")
        with store.session() as session:
            count = session.query(TimelineEntry).filter_by(incident_id=1, kind="update").count()
            if store.dialect == "sqlite":
                assert (
                    session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                )
        assert count == 4
    finally:
        store.close()
