"""Importing tracker exports: Jira CSV and REST JSON, GitHub issues, Linear CSV."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from techlead.config import PlanningSettings
from techlead.planning.backlog import stored_items
from techlead.planning.fields import ExportError, read_time
from techlead.planning.importer import ExportFormat, import_exports, read_export
from techlead.store.database import Store, open_store

EXPORTS = Path(__file__).parent / "exports"
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(f"sqlite:///{tmp_path / 'records.db'}", "repo")
    yield opened  # type: ignore[misc]
    opened.close()


def items_by_key(path: Path, **settings: object) -> dict[str, object]:
    found = read_export(path, ExportFormat.auto, PlanningSettings.model_validate(settings))
    return {item.key: item for item in found}


def test_jira_csv_merges_repeated_columns_and_reads_locale_dates() -> None:
    items = items_by_key(EXPORTS / "jira.csv")
    receipt = items["SHOP-1"]
    assert receipt.labels == ["payments", "web"]
    assert receipt.sprints == ["SHOP Sprint 1", "SHOP Sprint 2"]
    assert receipt.points == 3.0
    assert receipt.created_at == at("2024-05-02T09:15")
    assert receipt.resolved_at == at("2024-05-11T15:26")
    assert receipt.category == "done"
    assert receipt.parent == "10000"
    assert "receipt is e-mailed" in (receipt.description or "")
    refund = items["SHOP-2"]
    assert refund.points == 5.0  # from "Story point estimate"
    assert refund.category == "in_progress"
    assert refund.started_at == at("2024-05-20T09:00")
    assert items["SHOP-3"].category == "todo"
    assert items["SHOP-3"].description == 'AC: the cart page title reads "Your cart"'
    assert items["SHOP-4"].resolution == "Won't Do"


def test_jira_csv_times_without_zone_are_read_in_the_team_zone() -> None:
    items = items_by_key(EXPORTS / "jira.csv", timezone="Europe/Berlin")
    assert items["SHOP-1"].created_at == at("2024-05-02T07:15")  # CEST is UTC+2


def test_jira_json_reads_offsets_points_by_name_sprints_and_changelog() -> None:
    items = items_by_key(EXPORTS / "jira.json")
    story = items["API-7"]
    assert story.created_at == at("2024-05-02T06:15")
    assert story.started_at == at("2024-05-03T07:00")  # first move out of To Do
    assert story.resolved_at == at("2024-05-09T14:30")
    assert story.points == 8.0  # customfield_10026 is "Story Points" in `names`
    assert story.sprints == ["API Sprint 4"]
    assert story.parent == "API-1"
    assert [move.to_status for move in story.transitions] == ["In Progress", "In Review", "Done"]
    assert "### Acceptance criteria" in (story.description or "")
    assert "- Given 101 requests" in (story.description or "")
    cache = items["API-8"]
    assert cache.category == "in_progress"
    assert cache.started_at == at("2024-05-06T14:00")
    assert items["API-9"].category == "todo"
    assert items["API-9"].started_at is None


def test_github_json_leaves_out_pull_requests() -> None:
    items = items_by_key(EXPORTS / "github.json")
    assert sorted(items) == ["acme/shop#11", "acme/shop#12", "acme/shop#14", "acme/shop#15"]
    crash = items["acme/shop#11"]
    assert crash.category == "done"
    assert crash.resolved_at == at("2024-05-03T16:45")
    assert crash.type == "Bug"
    assert crash.sprints == ["v2.0"]
    assert items["acme/shop#12"].resolution == "not_planned"
    assert items["acme/shop#14"].category == "in_progress"  # open with an assignee
    assert items["acme/shop#15"].category == "todo"


def test_github_pages_from_gh_api_slurp_are_read(tmp_path: Path) -> None:
    import json

    pages = json.loads((EXPORTS / "github.json").read_text())
    slurped = tmp_path / "pages.json"
    slurped.write_text(json.dumps([pages[:2], pages[2:]]))
    assert len(items_by_key(slurped)) == 4


def test_linear_csv_reads_javascript_dates_and_lifecycle_columns() -> None:
    items = items_by_key(EXPORTS / "linear.csv")
    passkeys = items["MOB-1"]
    assert passkeys.created_at == at("2024-05-01T07:00")
    assert passkeys.started_at == at("2024-05-02T08:00")
    assert passkeys.resolved_at == at("2024-05-07T16:30")
    assert passkeys.labels == ["Feature", "Security"]
    assert passkeys.sprints == ["Cycle 7"]
    assert items["MOB-2"].category == "in_progress"
    assert items["MOB-3"].resolution == "Canceled"
    assert items["MOB-4"].parent == "MOB-2"


def test_reimporting_updates_instead_of_duplicating(store: Store, tmp_path: Path) -> None:
    settings = PlanningSettings()
    first = import_exports(store, [EXPORTS / "jira.csv"], ExportFormat.auto, settings)
    assert (first.added, first.updated) == (5, 0)
    again = import_exports(store, [EXPORTS / "jira.csv"], ExportFormat.auto, settings)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    changed = tmp_path / "jira.csv"
    changed.write_text((EXPORTS / "jira.csv").read_text().replace("Typo on the cart", "Cart typo"))
    third = import_exports(store, [changed], ExportFormat.auto, settings)
    assert (third.added, third.updated) == (0, 1)
    items = stored_items(store)
    assert items.height == 5
    assert items.filter(pl.col("key") == "SHOP-3").item(0, "title") == "Cart typo page"


def test_a_csv_export_keeps_the_start_an_earlier_change_log_gave(
    store: Store, tmp_path: Path
) -> None:
    settings = PlanningSettings()
    import_exports(store, [EXPORTS / "jira.json"], ExportFormat.auto, settings)
    # the same items exported as CSV carry no change log
    header = "Summary,Issue key,Issue Type,Status,Created,Resolved,Status Category\n"
    row = (
        "Rate-limit the search endpoint,API-7,Story,Done,02/May/24 6:15 AM,09/May/24 2:30 PM,Done\n"
    )
    csv_file = tmp_path / "api.csv"
    csv_file.write_text(header + row)
    import_exports(store, [csv_file], ExportFormat.auto, settings)
    item = stored_items(store).filter(pl.col("key") == "API-7").row(0, named=True)
    assert item["started_at"] == at("2024-05-03T07:00")


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "jira.csv",
            "11/May/24 03:26 PM,11/May/24",
            "11/May/24 03:26 PM,yesterday-ish",
            "line 2, column 'Resolved'",
        ),
        (
            "jira.csv",
            "Medium,Done,Ana Silva,Ben Okafor,02/May/24",
            "Medium,Done,Ana Silva,Ben Okafor,,",
            "line 2",
        ),
        ("jira.csv", ",,5,10000", ",,five,10000", "column 'Custom field (Story point estimate)'"),
        (
            "jira.json",
            '"created": "2024-05-04T08:00:00.000-0500"',
            '"created": 7',
            "issues[1] (API-8).fields.created",
        ),
        (
            "jira.json",
            '"summary": "Document the API"',
            '"summary": null',
            "issues[2] (API-9).fields.summary",
        ),
        ("github.json", '"state": "open"', '"state": "pending"', "[3] (#14).state"),
        (
            "linear.csv",
            '"Thu May 02 2024 10:00:00 GMT+0200',
            '"the second of May',
            "column 'Started'",
        ),
        ("jira.json", '"issues": [', '"issues": [}', "not JSON"),
    ],
)
def test_a_malformed_export_names_where_and_imports_nothing(
    store: Store, tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    import_exports(store, [EXPORTS / "linear.csv"], ExportFormat.auto, PlanningSettings())
    before = stored_items(store)
    broken = tmp_path / name
    text = (EXPORTS / name).read_text()
    assert old in text
    broken.write_text(text.replace(old, new, 1))
    good = tmp_path / "good.json"
    shutil.copy(EXPORTS / "github.json", good)
    with pytest.raises(ExportError, match=re.escape(message)):
        import_exports(store, [good, broken], ExportFormat.auto, PlanningSettings())
    assert stored_items(store).equals(before)


def test_a_file_that_is_no_known_export_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "people.csv"
    other.write_text("name,team\nana,payments\n")
    with pytest.raises(ExportError, match="not a Jira or Linear CSV export"):
        read_export(other, ExportFormat.auto, PlanningSettings())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/May/24 03:26 PM", "2024-05-11T15:26"),
        ("11/May/24 3:26 AM", "2024-05-11T03:26"),
        ("2024-05-11T15:26:00.000+0300", "2024-05-11T12:26"),
        ("2024-05-11T15:26:00Z", "2024-05-11T15:26"),
        ("Sat May 11 2024 15:26:00 GMT-0400 (Eastern Daylight Time)", "2024-05-11T19:26"),
        ("2024-05-11 15:26", "2024-05-11T15:26"),
        ("05/11/2024 15:26", "2024-11-05T15:26"),  # numeric dates are day first, as in Jira
    ],
)
def test_export_times_in_the_trackers_formats(text: str, expected: str) -> None:
    assert read_time(text, ZoneInfo("UTC"), "here") == at(expected)


def test_every_export_imports_into_sqlite_and_postgresql(database_url: str) -> None:
    store = open_store(database_url, "repo")
    try:
        settings = PlanningSettings()
        files = sorted(EXPORTS.iterdir())
        summary = import_exports(store, files, ExportFormat.auto, settings)
        assert (summary.files, summary.added) == (4, 16)
        again = import_exports(store, files, ExportFormat.auto, settings)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 16)
        items = stored_items(store)
        story = items.filter(pl.col("key") == "API-7").row(0, named=True)
        assert story["labels"] == ["api", "backend"]
        assert story["started_at"] == at("2024-05-03T07:00")
        assert sorted(set(items.get_column("source"))) == ["github", "jira", "linear"]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("D-1,x,Story,Done,2024/05/11 15:26,2024/05/12 15:26", None),
        ("D-1,x,Story,Done,5/13/24 3:26 PM,5/14/24 3:26 PM", "is month first"),
        (
            "D-1,x,Story,Done,12/May/24 9:00 AM,11/May/24 9:00 AM",
            "resolved (2024-05-11 09:00) before",
        ),
        ("D-1,x,Story,Done,11/May/24 9:00 AM,2999-12-31 23:59", "is in the future"),
        ("D-1,x,Story,Done,11/May/24 9:00 AM,", None),
    ],
)
def test_export_dates_are_read_one_way_and_must_make_sense(
    store: Store, tmp_path: Path, row: str, message: str | None
) -> None:
    export = tmp_path / "dates.csv"
    export.write_text("Issue key,Summary,Issue Type,Status,Created,Resolved\n" + row + "\n")
    if message is None:
        item = read_export(export, ExportFormat.auto, PlanningSettings())[0]
        assert item.created_at.month == 5
        return
    with pytest.raises(ExportError, match=re.escape(message)):
        import_exports(store, [export], ExportFormat.auto, PlanningSettings())


@pytest.mark.parametrize(
    "created",
    [
        "Wed May 01 2999 09:00:00 GMT+0200 (Central European Summer Time)",  # Linear
        "2999-05-01T09:00:00.000Z",
    ],
)
def test_a_linear_item_created_in_the_future_is_refused(tmp_path: Path, created: str) -> None:
    export = tmp_path / "linear.csv"
    export.write_text(f'"ID","Title","Status","Created"\n"MOB-9","Widget","Todo","{created}"\n')
    with pytest.raises(ExportError, match=re.escape("line 2, column 'Created'")) as raised:
        read_export(export, ExportFormat.auto, PlanningSettings())
    assert str(raised.value).endswith("is in the future")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000, "nested too deeply"),
        (
            '[{"number": 1, "title": "t", "state": "OPEN", "createdAt": "2024-05-01T00:00:00Z"}]',
            "no url",
        ),
        (
            "Issue key,Summary,Status,Created,Created\n"
            "A-1,x,Open,01/May/24 1:00 PM,02/May/24 1:00 PM\n",
            "repeated with different values",
        ),
        (
            "Issue key,Summary,Status,Created,Custom field (Story Points)\n"
            'A-1,x,Open,01/May/24 1:00 PM,"1,000"\n',
            "not a number of points",
        ),
        (
            'Issue key,Summary,Status,Created\nA-1,"x,Open,01/May/24 1:00 PM\nA-2",y\n',
            "3 fields where the header has 4",
        ),
    ],
)
def test_odd_files_are_refused_with_a_reason(tmp_path: Path, content: str, message: str) -> None:
    export = tmp_path / ("odd.json" if content[0] in "[{" else "odd.csv")
    export.write_text(content)
    with pytest.raises(ExportError, match=re.escape(message)):
        read_export(export, ExportFormat.auto, PlanningSettings())


def test_a_minimal_linear_export_is_recognised(tmp_path: Path) -> None:
    export = tmp_path / "linear.csv"
    export.write_text("ID,Title,Status,Created\nMOB-9,Widget,Todo,2024-05-01T09:00:00.000Z\n")
    (item,) = read_export(export, ExportFormat.auto, PlanningSettings())
    assert (item.source, item.category) == ("linear", "todo")
