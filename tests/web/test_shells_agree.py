"""The CLI and the dashboard's JSON twins give the same answer for the same records: one shape
per incident, one forecast for the same history, settings and seed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import build_repository
from gitrepo import GitRepo
from techlead.cli import main
from techlead.config import load_settings
from techlead.planning.answers import ForecastBasis, HowManyAnswer, WhenAnswer
from techlead.store.database import open_store
from techlead.web.app import create_app, served


class Shells:
    """The CLI and the dashboard over one repository and one record store."""

    def __init__(self, repo: GitRepo, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.repo, self.url, self.capsys = repo, url, capsys

    def cli(self, *argv: str) -> Any:
        code = main(["--db", self.url, *argv, "-C", str(self.repo.path), "-f", "json"])
        out, err = self.capsys.readouterr()
        assert code == 0, err
        return json.loads(out)

    def run(self, *argv: str) -> None:
        code = main(["--db", self.url, *argv, "-C", str(self.repo.path)])
        assert code == 0, self.capsys.readouterr().err
        self.capsys.readouterr()

    def web(self) -> Iterator[TestClient]:
        store = open_store(self.url, "repo")
        repository = served(self.repo.path, load_settings(self.repo.path), store)
        repository.evidence.refresh()
        try:
            with TestClient(create_app([repository])) as client:
                yield client
        finally:
            store.close()


@pytest.fixture
def shells(repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shells:
    build_repository(repo)
    return Shells(repo, f"sqlite:///{tmp_path / 'records.db'}", capsys)


def test_an_incident_has_one_shape_in_the_cli_and_its_json_twin(shells: Shells) -> None:
    shells.run("incident", "open", "Checkout fails", "-s", "SEV2", "--service", "shop",
               "--commander", "Ana", "--at", "2026-11-20 14:03 UTC")  # fmt: skip
    shells.run("incident", "ack", "1", "--by", "Ben", "--at", "2026-11-20 14:06 UTC")
    shells.run("incident", "update", "1", "rolled back", "--by", "Ana")
    shells.run("incident", "role", "1", "scribe", "Chen")
    shells.run("incident", "open", "Search slow", "-s", "SEV3")
    shells.run("incident", "link", "2", "--incident", "1")
    shells.run("action", "add", "1", "Alert on 500s", "--owner", "Ben", "--due", "2026-12-01")
    shells.run("incident", "status", "1", "resolved", "--at", "2026-11-20 15:00 UTC")
    shown = shells.cli("incident", "show", "1")
    listed = shells.cli("incident", "list")
    for client in shells.web():
        twin = client.get("/api/repos/repo/incidents/1").json()
        rows = client.get("/api/repos/repo/incidents").json()["incidents"]
        schema = client.get("/openapi.json").json()
    assert twin.pop("postmortem") is None  # the twin adds the post-mortem's text
    assert twin == shown
    assert shown["detected_at"] == "2026-11-20T14:03:00+00:00"
    assert shown["acknowledged_at"] == "2026-11-20T14:06:00+00:00"
    assert shown["postmortem_path"] is None
    assert shown["commander"] == "Ana"
    assert shown["linked_from"] == [2]
    assert [a["text"] for a in shown["actions"]] == ["Alert on 500s"]
    assert {"detected", "resolved", "postmortem"}.isdisjoint(shown)
    assert {row["id"]: row for row in rows} == {row["id"]: row for row in listed}
    documented = schema["components"]["schemas"]
    assert set(documented["IncidentDetail"]["properties"]) == set(shown)
    assert set(documented["IncidentWithPostmortem"]["properties"]) == {*shown, "postmortem"}
    answer = schema["paths"]["/api/repos/{repository}/incidents/{number}"]["get"]["responses"]
    assert answer["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/IncidentWithPostmortem"
    }


def test_the_planning_page_forecasts_as_the_cli_does(shells: Shells) -> None:
    shells.repo.write("techlead.toml", "[planning]\ntrials = 300\n")
    cli = shells.cli("plan", "forecast", "when", "--items", "12", "--seed", "1", "-q")
    for client in shells.web():
        page = client.get("/api/repos/repo/planning?items=12").json()
        overview = client.get("/api/repos/repo/overview").json()
        schema = client.get("/openapi.json").json()
    assert cli["trials"] == 300
    assert page["source"] == cli["basis"]["source"] == "git history"
    assert page["forecast"]["percentiles"] == cli["percentiles"]
    assert page["forecast"]["history"] == cli["basis"]["history"]
    assert answer_of(schema, "/planning") == {"$ref": "#/components/schemas/PlanningOutlook"}
    assert fields_of(schema, "PlanningOutlook") == list(page)
    assert fields_of(schema, "OutlookForecast") == list(page["forecast"])
    assert (
        fields_of(schema, "WeekFinished")
        == list(page["forecast"]["weeks"][0])
        == [
            "from",
            "finished",
        ]
    )
    assert fields_of(schema, "HistorySpan") == list(cli["basis"]["history"])
    assert list(cli) == list(WhenAnswer.model_fields)
    assert list(cli["basis"]) == list(ForecastBasis.model_fields)
    by = str(dt.date.today() + dt.timedelta(days=30))
    how_many = shells.cli("plan", "forecast", "how-many", "--by", by, "--seed", "1", "-q")
    assert list(how_many) == list(HowManyAnswer.model_fields)
    backlog = shells.cli("plan", "forecast", "when", "--items", "10", "--seed", "1", "-q")
    assert overview["forecast"]["percentiles"] == backlog["percentiles"]


def answer_of(schema: dict[str, Any], route: str) -> dict[str, Any]:
    """The OpenAPI schema of a twin's answer (GET /api/repos/NAME`route`)."""
    operation = schema["paths"][f"/api/repos/{{repository}}{route}"]["get"]
    answer: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"]
    return answer["schema"]


def fields_of(schema: dict[str, Any], model: str) -> list[str]:
    """The fields the OpenAPI schema documents for a model, in order."""
    return list(schema["components"]["schemas"][model]["properties"])


def listed(schema: dict[str, Any], route: str) -> str:
    """The model a twin answers a list of."""
    answer = answer_of(schema, route)
    assert answer["type"] == "array", answer
    reference: str = answer["items"]["$ref"]
    return reference.rsplit("/", 1)[-1]


def test_hotspots_and_coupling_have_one_shape_in_the_cli_and_their_twins(shells: Shells) -> None:
    hotspots = shells.cli("debt", "hotspots", "--top", "50", "-q")
    pairs = shells.cli("debt", "coupling", "-q")
    for client in shells.web():
        hotspot_twin = client.get("/api/repos/repo/hotspots").json()
        coupling_twin = client.get("/api/repos/repo/coupling").json()
        schema = client.get("/openapi.json").json()
    assert [row["path"] for row in hotspots] == ["app/core.py", "app/api.py"]
    assert hotspot_twin == hotspots
    assert pairs == coupling_twin
    assert [(p["path"], p["coupled"]) for p in pairs] == [("app/api.py", "app/core.py")]
    assert listed(schema, "/hotspots") == "Hotspot"
    assert fields_of(schema, "Hotspot") == list(hotspots[0])
    assert listed(schema, "/coupling") == "CoupledPair"
    assert fields_of(schema, "CoupledPair") == list(pairs[0])


def test_code_age_and_trend_are_their_documented_records(shells: Shells) -> None:
    from techlead.debt.age import DirectoryAge, FileAge
    from techlead.debt.trend import TrendPoint

    ages = shells.cli("debt", "age", "-q")
    directories = shells.cli("debt", "age", "--by-directory", "-q")
    trend = shells.cli("debt", "trend", "app/core.py", "-q")
    assert [list(row) for row in ages] == [list(FileAge.model_fields)] * len(ages) != []
    assert [row["directory"] for row in directories] == ["app"]
    assert list(directories[0]) == list(DirectoryAge.model_fields)
    assert list(trend[-1]) == list(TrendPoint.model_fields)
    assert trend[-1]["loc"] == 25


def test_truck_factor_and_ownership_have_one_shape_in_the_cli_and_the_team_twin(
    shells: Shells,
) -> None:
    truck = shells.cli("team", "truck-factor", "-q")
    by_directory = shells.cli("team", "truck-factor", "--by-directory", "-q")
    ownership = shells.cli("team", "ownership", "--by-directory", "--all-files", "-q")
    files = shells.cli("team", "ownership", "-q")
    orphaned = shells.cli("team", "offboard", "Ben", "-q")
    for client in shells.web():
        team = client.get("/api/repos/repo/team").json()
        offboard = client.get("/api/repos/repo/team/offboard?person=Ben").json()
        file = client.get("/api/repos/repo/files/app/core.py").json()
        schema = client.get("/openapi.json").json()
    assert team["truck_factor"] == truck
    assert truck["scope"] == "."
    assert "authors" not in truck
    assert team["by_directory"] == by_directory
    assert [r["scope"] for r in by_directory] == ["app", "docs"]
    assert team["ownership"] == ownership
    assert offboard["leaving"] == ["Ben"]  # the CLI, by default, over code files only
    assert [row for row in offboard["orphaned"] if row["path"].endswith(".py")] == orphaned
    assert file["ownership"] == [row for row in files if row["path"] == "app/core.py"]
    assert file["hotspot"]["rank"] == 1
    assert answer_of(schema, "/team") == {"$ref": "#/components/schemas/TeamKnowledge"}
    assert fields_of(schema, "TeamKnowledge") == list(team)
    assert fields_of(schema, "TruckFactorRecord") == list(truck)
    assert fields_of(schema, "DirectoryOwnership") == list(ownership[0])
    assert fields_of(schema, "FileOwnership") == list(files[0])
    assert answer_of(schema, "/team/offboard") == {"$ref": "#/components/schemas/Offboarding"}
    assert fields_of(schema, "OrphanedFile") == list(orphaned[0])
    answer = answer_of(schema, "/files/{path}")
    assert answer == {"$ref": "#/components/schemas/FileDetail"}
    assert fields_of(schema, "FileDetail") == list(file)
    assert set(fields_of(schema, "RankedHotspot")) == set(file["hotspot"])


def test_the_dora_keys_and_deployments_have_one_shape_in_the_cli_and_the_delivery_twin(
    shells: Shells,
) -> None:
    for client in shells.web():
        untagged = client.get("/api/repos/repo/delivery")
        page = client.get("/repos/repo/delivery")
    assert untagged.status_code == 400  # as `techlead delivery` fails, with the reason
    assert "no release tags" in untagged.json()["error"]
    assert "no release tags" in page.text
    for tag, commit in (("v1.0.0", "HEAD~10"), ("v1.1.0", "HEAD~3"), ("v1.2.0", "HEAD")):
        shells.repo.git("tag", tag, commit)
    keys = shells.cli("delivery", "--period", "quarter", "-q")
    listing = shells.cli("delivery", "deployments", "-q")
    for client in shells.web():
        twin = client.get("/api/repos/repo/delivery?period=quarter").json()
        schema = client.get("/openapi.json").json()
    assert {key: twin[key] for key in keys} == keys
    assert twin["deployment_list"] == listing["deployments"]
    assert [d["deployment"] for d in listing["deployments"]] == ["v1.2.0", "v1.1.0", "v1.0.0"]
    assert listing["deployments"][0]["environment"] is None  # always there, null when unknown
    assert answer_of(schema, "/delivery") == {"$ref": "#/components/schemas/DeliveryOverview"}
    assert fields_of(schema, "DeliveryOverview") == list(twin)
    assert fields_of(schema, "DeliveryOverview")[: len(keys)] == list(keys)  # and two more
    assert fields_of(schema, "KeysRow") == list(keys["rows"][0])
    assert fields_of(schema, "DeploymentRecord") == list(listing["deployments"][0])


def test_a_decision_record_has_one_shape_in_the_cli_and_the_decisions_twins(
    shells: Shells,
) -> None:
    listed = shells.cli("adr", "list")
    shown = shells.cli("adr", "show", "1")
    for client in shells.web():
        log = client.get("/api/repos/repo/decisions").json()
        one = client.get("/api/repos/repo/decisions/1").json()
        schema = client.get("/openapi.json").json()
    assert log["decisions"] == listed
    assert [(d["status"], d["status_text"]) for d in listed] == [
        ("accepted", "accepted"),
        ("proposed", "proposed"),
    ]
    assert one.pop("text").startswith("---\nstatus: accepted")
    assert one == shown
    assert answer_of(schema, "/decisions") == {"$ref": "#/components/schemas/DecisionLogOverview"}
    assert fields_of(schema, "DecisionLogOverview") == list(log)
    assert fields_of(schema, "DecisionRow") == list(listed[0])
    assert fields_of(schema, "RuleCheck") == list(log["check"])
    answer = answer_of(schema, "/decisions/{number}")
    assert answer == {"$ref": "#/components/schemas/DecisionWithText"}
    assert fields_of(schema, "DecisionWithText") == [*shown, "text"]


def test_the_overview_twin_is_made_of_the_records_the_cli_writes(shells: Shells) -> None:
    shells.run("incident", "open", "Checkout fails", "-s", "SEV2", "--at", "2026-11-20 14:03 UTC")
    hotspots = shells.cli("debt", "hotspots", "--top", "5", "-q")
    incidents = shells.cli("incident", "list")
    truck = shells.cli("team", "truck-factor", "-q")
    for client in shells.web():
        overview = client.get("/api/repos/repo/overview").json()
        schema = client.get("/openapi.json").json()
    assert overview["hotspots"] == hotspots
    assert overview["open_incidents"] == incidents
    assert overview["truck_factor"]["truck_factor"] == truck["truck_factor"]
    assert overview["truck_factor"]["would_have_to_leave"] == truck["removed"]
    assert answer_of(schema, "/overview") == {"$ref": "#/components/schemas/Overview"}
    assert fields_of(schema, "Overview") == list(overview)
    assert fields_of(schema, "OverviewTruckFactor") == list(overview["truck_factor"])
    assert fields_of(schema, "ScanSummary") == list(overview["summary"])
    assert overview["summary"]["cache_dir"] == ""
