"""`incident import`: the standard CSV quoting, long fields, bulk writes, and re-imports that
change nothing leaving the incidents alone — on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from techlead.config import DEFAULT_SEVERITIES
from techlead.incidents import service
from techlead.incidents.importer import CsvImportError, ImportSummary, import_csv
from techlead.incidents.search import search
from techlead.store.database import Store, open_store
from techlead.store.models import Incident

HEADER = ["id", "title", "severity", "service", "detected", "resolved", "commander", "summary"]


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url, "repo")
    yield opened
    opened.close()


def export(path: Path, rows: list[list[str]], **dialect: object) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, **dialect).writerows([HEADER, *rows])  # type: ignore[arg-type]
    return path


def row(number: int, title: str = "", summary: str = "", commander: str = "Ann") -> list[str]:
    return [
        f"PD-{number}",
        title or f"Incident {number}",
        "SEV3",
        "api",
        f"2026-10-01T{number % 24:02d}:{number % 60:02d}:00Z",
        f"2026-10-02T{number % 24:02d}:00:00Z",
        commander,
        summary or f"summary of {number}",
    ]


def stored(store: Store) -> dict[str, Incident]:
    with store.session() as session:
        return {i.external_id or "": i for i in session.scalars(select(Incident))}


def test_doubled_quotes_and_commas_are_read_however_late_they_come(
    store: Store, tmp_path: Path
) -> None:
    rows = [row(n) for n in range(1, 200)]  # more than the sniffed sample, none quoted
    rows.append(row(200, 'Support "dark, light" mode', 'Said "no", then\n"yes"'))
    assert import_csv(store, export(tmp_path / "a.csv", rows), DEFAULT_SEVERITIES).added == 200
    late = stored(store)["PD-200"]
    assert (late.title, late.summary) == ('Support "dark, light" mode', 'Said "no", then\n"yes"')


def test_an_excel_semicolon_export_keeps_its_quotes(store: Store, tmp_path: Path) -> None:
    path = export(tmp_path / "a.csv", [row(1, 'Disk "full"; again')], delimiter=";")
    import_csv(store, path, DEFAULT_SEVERITIES)
    assert stored(store)["PD-1"].title == 'Disk "full"; again'


def test_a_summary_longer_than_128_kib_imports(store: Store, tmp_path: Path) -> None:
    long = "The pool ran dry, again. " * 8_000  # 200,000 characters
    import_csv(store, export(tmp_path / "a.csv", [row(1, summary=long)]), DEFAULT_SEVERITIES)
    assert stored(store)["PD-1"].summary == long.strip()


def test_reimporting_an_unchanged_export_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = export(tmp_path / "a.csv", [row(1), row(2)])
    assert import_csv(store, path, DEFAULT_SEVERITIES) == ImportSummary(2, 0, 0)
    before = stored(store)
    assert import_csv(store, path, DEFAULT_SEVERITIES) == ImportSummary(0, 0, 2)
    after = stored(store)
    assert [after[k].updated_at for k in ("PD-1", "PD-2")] == [
        before[k].updated_at for k in ("PD-1", "PD-2")
    ]
    assert len(service.get(store, after["PD-1"].id).entries) == 1  # one "opened" entry

    export(path, [row(1), row(2, commander="Bob")])
    assert import_csv(store, path, DEFAULT_SEVERITIES) == ImportSummary(0, 1, 1)
    again = stored(store)
    assert again["PD-1"].updated_at == before["PD-1"].updated_at
    assert again["PD-2"].updated_at >= before["PD-2"].updated_at
    assert service.get(store, again["PD-2"].id).holders("commander") == ["Bob"]


def test_bulk_import_keeps_what_every_incident_is_searched_by(store: Store, tmp_path: Path) -> None:
    rows = [row(n, summary=f"pool number{n} exhausted") for n in range(1, 1201)]
    import_csv(store, export(tmp_path / "big.csv", rows), DEFAULT_SEVERITIES)
    export(tmp_path / "big.csv", [*rows[:-1], row(1200, summary="cache stampede")])
    assert import_csv(store, tmp_path / "big.csv", DEFAULT_SEVERITIES).updated == 1
    with store.session() as session:
        incidents = list(session.scalars(select(Incident).order_by(Incident.id)))
        assert len(incidents) == 1200
        for incident in incidents:
            kept = incident.search_text
            service.refresh_search_text(session, incident)  # what one-by-one writes give
            assert incident.search_text == kept
        session.rollback()
    [hit] = search(store, tmp_path, "number777")
    assert hit.incident.external_id == "PD-777"
    assert search(store, tmp_path, "stampede")[0].incident.external_id == "PD-1200"


def test_rows_without_an_id_match_on_title_and_time_and_must_differ(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    path.write_text("title,severity,detected\nQueue full,SEV3,2026-10-01 10:00\n")
    assert import_csv(store, path, DEFAULT_SEVERITIES) == ImportSummary(1, 0, 0)
    assert import_csv(store, path, DEFAULT_SEVERITIES) == ImportSummary(0, 0, 1)
    path.write_text(
        "title,severity,detected\n"
        "Queue full,SEV3,2026-10-01 10:00\n"
        "Queue full,SEV2,2026-10-01 10:00\n"
    )
    with pytest.raises(
        CsvImportError, match=re.escape(":3: title and detection time also on line 2")
    ):
        import_csv(store, path, DEFAULT_SEVERITIES)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'title,severity,detected\n"Queue full,SEV3,2026-10-01 10:00\n',
            ":2: malformed CSV: a quote opened here is never closed",
        ),
        (
            'title,severity,detected\n"Queue "full"",SEV3,2026-10-01\n',
            ":2: malformed CSV: text after a closing quote",
        ),
    ],
)
def test_broken_quoting_is_refused_naming_the_line(
    store: Store, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(content)
    with pytest.raises(CsvImportError, match=re.escape(message)):
        import_csv(store, path, DEFAULT_SEVERITIES)
