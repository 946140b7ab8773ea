"""Several repositories in one record store: every record is its repository's alone, and a
store written before repositories had names keeps its records when it is upgraded."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from gitrepo import GitRepo
from techlead.accounts.users import account_for_token, add_user, create_token, grant
from techlead.cli import main
from techlead.config import DEFAULT_SEVERITIES, PlanningSettings, Settings
from techlead.incidents import service
from techlead.incidents.importer import import_csv
from techlead.incidents.search import search
from techlead.incidents.service import UnknownIncidentError
from techlead.planning.backlog import stored_items
from techlead.planning.importer import ExportFormat, import_exports
from techlead.store.database import Store, open_store
from techlead.store.migrate import _config

PASSWORD = "correct horse battery"


def test_each_repository_sees_only_its_own_records(database_url: str, tmp_path: Path) -> None:
    web = open_store(database_url, "web")
    api = web.scoped("api")
    try:
        mine = service.open_incident(web, "Checkout down", "SEV2", service="checkout")
        theirs = service.open_incident(api, "Checkout slow", "SEV3", service="checkout")
        service.add_action(web, mine.id, "add an alert", "prevent")
        assert [v.incident.id for v in service.list_incidents(web)] == [mine.id]
        assert [v.incident.id for v in service.list_incidents(api)] == [theirs.id]
        with pytest.raises(UnknownIncidentError):
            service.get(api, mine.id)
        with pytest.raises(UnknownIncidentError):
            service.add_update(api, mine.id, "not yours", None, None)
        with pytest.raises(service.IncidentError, match="no such incident"):
            service.add_link(api, theirs.id, "incident", str(mine.id))
        assert service.list_actions(api) == []
        assert [a.text for a in service.list_actions(web)] == ["add an alert"]
        assert [h.incident.id for h in search(api, tmp_path, "checkout")] == [theirs.id]

        # the same incident ids and backlog keys may be used by both repositories
        export = tmp_path / "incidents.csv"
        export.write_text("id,title,severity,detected\nPD-1,Queue full,SEV3,2026-10-01 10:00\n")
        assert import_csv(web, export, DEFAULT_SEVERITIES).added == 1
        assert import_csv(api, export, DEFAULT_SEVERITIES).added == 1
        assert import_csv(api, export, DEFAULT_SEVERITIES).unchanged == 1
        backlog = tmp_path / "issues.json"
        backlog.write_text(
            '[{"number": 7, "title": "Add retries", "state": "open", '
            '"created_at": "2026-10-01T10:00:00Z", '
            '"url": "https://api.github.com/repos/acme/shop/issues/7"}]'
        )
        for store in (web, api):
            added = import_exports(store, [backlog], ExportFormat.auto, PlanningSettings())
            assert added.added == 1
        assert stored_items(web).height == stored_items(api).height == 1
    finally:
        web.close()


def _old_store(url: str) -> None:
    """A store as techlead wrote it before repositories had names (schema 0003)."""
    store = Store(url)
    with store.migrating() as session:
        config = _config()
        config.attributes["connection"] = session.connection()
        command.upgrade(config, "0003")
        session.execute(
            text(
                "INSERT INTO incidents (external_id, title, severity, status, started_at, "
                "detected_at, search_text, created_at, updated_at) VALUES ('PD-1', "
                "'Payments timing out', 'SEV2', 'investigating', '2026-10-01 10:00:00', "
                "'2026-10-01 10:00:00', 'gateway', '2026-10-01 10:00:00', "
                "'2026-10-01 10:00:00')"
            )
        )
        session.execute(
            text(
                "INSERT INTO timeline_entries (incident_id, at, kind, text, recorded_at) "
                "SELECT id, '2026-10-01 10:00:00', 'opened', 'Opened', '2026-10-01 10:00:00' "
                "FROM incidents"
            )
        )
        session.execute(
            text(
                "INSERT INTO users (name, role, password_hash, created_at) "
                "VALUES ('vic', 'viewer', 'x', '2026-10-01 10:00:00')"
            )
        )
    store.close()


def test_an_older_store_keeps_its_records_for_the_repository_that_upgrades_it(
    database_url: str, tmp_path: Path
) -> None:
    _old_store(database_url)
    store = open_store(database_url, "payments")
    try:
        (view,) = (service.get(store, v.incident.id) for v in service.list_incidents(store))
        assert view.incident.repository == "payments"
        assert [e.kind for e in view.entries] == ["opened"]  # children kept (no cascade)
        number = view.incident.id
        assert [h.incident.id for h in search(store, tmp_path, "payments")] == [number]
        service.add_update(store, number, "failover done", None, None)  # search index kept up
        assert [h.incident.id for h in search(store, tmp_path, "failover")] == [number]
        token = create_token(store, "vic", "ci")
        account = account_for_token(store, token)
        assert account is not None
        assert account.repositories == ("payments",)
        other = store.scoped("shop")
        assert service.list_incidents(other) == []
        assert service.open_incident(other, "New", "SEV4").repository == "shop"
    finally:
        store.close()


def test_grants_decide_which_repositories_a_user_sees(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'users.db'}", "web")
    try:
        viewer = add_user(store, "vic", "viewer", PASSWORD, ["web"])
        admin = add_user(store, "ada", "admin", PASSWORD, [])
        assert viewer.sees("web")
        assert not viewer.sees("api")
        assert admin.sees("api")
        assert grant(store, "vic", ["api", "web"]).repositories == ("api", "web")
    finally:
        store.close()


def test_records_follow_a_renamed_repository_in_its_own_store(
    make_repo: Callable[[str], GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    first = make_repo("shop")
    first.commit("start", {"a.txt": "a"})
    assert main(["incident", "open", "Cart empty", "-s", "SEV3", "-C", str(first.path)]) == 0
    sys.stdin = io.StringIO(PASSWORD + "\n")
    try:
        assert main(["user", "add", "rita", "--password-stdin", "-C", str(first.path)]) == 0
    finally:
        sys.stdin = sys.__stdin__
    moved = first.path.with_name("storefront")
    first.path.rename(moved)
    capsys.readouterr()
    assert main(["incident", "list", "-C", str(moved), "-f", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "Cart empty" in out
    assert "stored as 'shop'; they now go by its new directory name 'storefront'" in err
    assert main(["user", "list", "-C", str(moved), "-f", "csv"]) == 0
    assert "rita,viewer,storefront," in capsys.readouterr().out  # grants follow too
    moved.joinpath("techlead.toml").write_text('[store]\nrepository = "shop one"\n')
    assert main(["incident", "list", "-C", str(moved)]) == 2
    assert "letters, digits, '.', '_' and '-' only" in capsys.readouterr().err


def _one_of_each_record(store: Store, tmp_path: Path) -> None:
    """A row in every table that names a repository, each written as techlead writes it."""
    from techlead.hiring.profiles import load_matrix
    from techlead.hiring.scorecards import add_candidate
    from techlead.release.records import record_check, signoff

    service.open_incident(store, "Cart empty", "SEV3")
    backlog = tmp_path / "issues.json"
    backlog.write_text(
        '[{"number": 7, "title": "Add retries", "state": "open", '
        '"created_at": "2026-10-01T10:00:00Z", '
        '"url": "https://api.github.com/repos/acme/shop/issues/7"}]'
    )
    assert import_exports(store, [backlog], ExportFormat.auto, PlanningSettings()).added == 1
    role = load_matrix(tmp_path, Settings()).role("backend-l3")
    add_candidate(store, "Kim Doe", role)
    signoff(store, "v1.0", "qa", "Kim", None)
    record_check(store, "v1.0", None, [])
    add_user(store, "vic", "viewer", PASSWORD, [store.repository])


def _rows_by_repository(store: Store) -> dict[str, dict[str, int]]:
    from sqlalchemy import func, select

    from techlead.store.models import repository_tables

    counted: dict[str, dict[str, int]] = {}
    with store.reading() as connection:
        for table in repository_tables():
            query = select(table.c.repository, func.count()).group_by(table.c.repository)
            counted[table.name] = {str(name): int(n) for name, n in connection.execute(query)}
    return counted


def test_a_renamed_repository_keeps_every_record_releases_too(
    database_url: str, tmp_path: Path
) -> None:
    store = open_store(database_url, "shop")
    try:
        _one_of_each_record(store, tmp_path)
        before = _rows_by_repository(store)
    finally:
        store.close()
    # every table with a repository column has a row here, so a new one cannot be missed
    assert {"releases", "incidents", "work_items", "candidates", "repository_grants"} <= set(before)
    assert all(rows == {"shop": rows["shop"]} for rows in before.values()), before
    renamed = open_store(database_url, "storefront")
    try:
        assert renamed.follow_rename() == "shop"
        after = _rows_by_repository(renamed)
        assert after == {table: {"storefront": rows["shop"]} for table, rows in before.items()}
        from techlead.release.records import history, signoffs

        assert [past.release for past in history(renamed)] == ["v1.0"]  # its release history
        assert signoffs(renamed, "v1.0") == {"qa": "Kim"}
        assert renamed.follow_rename() is None  # once
    finally:
        renamed.close()
