"""Every dashboard page and its JSON twin, in-process; forms; errors; escaping of user text."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

PAGES = [
    "/repos/repo/",
    "/repos/repo/hotspots",
    "/repos/repo/hotspots?sort=revisions&desc=false",
    "/repos/repo/files/app/core.py",
    "/repos/repo/coupling",
    "/repos/repo/team",
    "/repos/repo/team/offboard?person=Ana",
    "/repos/repo/decisions",
    "/repos/repo/decisions/1",
    "/repos/repo/incidents",
    "/repos/repo/planning",
    "/repos/repo/risk",
    "/repos/repo/release",
]
# Pages of what the repository cannot measure (it has no release tags): the page says why, and
# its twin answers 400 with the reason, as the CLI fails with it.
UNMEASURED = ["/repos/repo/delivery", "/repos/repo/delivery?period=month"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_and_has_a_json_twin(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "<script>" not in page.text  # no inline script: only src= and JSON blocks
    twin = client.get("/api" + (path if path != "/repos/repo/" else "/repos/repo/overview"))
    assert twin.status_code == 200, twin.text
    assert twin.headers["content-type"] == "application/json"
    twin.json()


@pytest.mark.parametrize("path", UNMEASURED)
def test_a_page_of_what_cannot_be_measured_says_why_and_its_twin_fails(
    client: TestClient, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert "no release tags" in page.text
    twin = client.get("/api" + path)
    assert twin.status_code == 400
    assert "no release tags" in twin.json()["error"]


def test_pages_with_charts_carry_vega_lite_specs(client: TestClient) -> None:
    for path in (
        "/repos/repo/hotspots",
        "/repos/repo/files/app/core.py",
        "/repos/repo/team",
        "/repos/repo/planning",
    ):
        text = client.get(path).text
        specs = re.findall(r'<script type="application/json" id="chart-\d+">(.*?)</script>', text)
        assert specs, path
        assert '"$schema": "https://vega.github.io/schema/vega-lite/v6' in specs[0]


def test_a_file_page_names_its_main_developer(client: TestClient) -> None:
    data = client.get("/api/repos/repo/files/app/core.py").json()
    owner = data["ownership"][0]
    assert owner["contributors"] == 3
    text = client.get("/repos/repo/files/app/core.py").text
    assert f'<td class="">{owner["main_developer_by_revisions"]}</td>' in text


def test_planning_forecasts_from_recent_throughput(client: TestClient) -> None:
    data = client.get("/api/repos/repo/planning?items=12").json()
    assert data["forecast"]["items"] == 12
    assert set(data["forecast"]["percentiles"]) == {"50", "85", "95"}
    text = client.get("/repos/repo/planning?items=12").text
    assert 'value="12"' in text
    assert "built-in method" not in text


def test_overview_reports_the_repository(client: TestClient) -> None:
    data = client.get("/api/repos/repo/overview").json()
    assert data["summary"]["commits"] == 29
    assert data["summary"]["authors"] == 4  # three developers and whoever committed the ADRs
    assert data["hotspots"][0]["path"] == "app/core.py"
    assert [d["number"] for d in data["stale_decisions"]] == [2]
    assert data["open_incidents"] == []


def test_an_incident_is_opened_updated_and_moved_on_through_the_forms(client: TestClient) -> None:
    opened = client.post(
        "/repos/repo/incidents",
        data={"title": "Checkout fails", "severity": "SEV2", "service": "shop"},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    where = opened.headers["location"]
    assert re.fullmatch(r"/repos/repo/incidents/\d+", where)
    client.post(where + "/updates", data={"text": "rolled back", "by": "Ana"})
    client.post(where + "/status", data={"status": "mitigated"})
    detail = client.get("/api" + where).json()
    assert detail["status"] == "mitigated"
    assert "rolled back" in [entry["text"] for entry in detail["timeline"]]
    assert detail["mitigated_at"] is not None
    assert (
        client.get("/api/repos/repo/overview").json()["open_incidents"][0]["title"]
        == "Checkout fails"
    )


def test_the_json_api_opens_incidents_and_refuses_bad_ones(client: TestClient) -> None:
    created = client.post(
        "/api/repos/repo/incidents", json={"title": "API down", "severity": "SEV1"}
    )
    assert created.status_code == 201
    number = created.json()["id"]
    update = client.post(
        f"/api/repos/repo/incidents/{number}/updates", json={"text": "paged on-call"}
    )
    assert update.status_code == 201
    bad = client.post("/api/repos/repo/incidents", json={"title": "x", "severity": "SEV9"})
    assert bad.status_code == 400
    assert "SEV9" in bad.json()["error"]
    empty = client.post("/api/repos/repo/incidents", json={"title": "", "severity": "SEV1"})
    assert empty.status_code == 422
    assert (
        client.post("/api/repos/repo/incidents/999/status", json={"status": "resolved"}).status_code
        == 404
    )


def test_user_text_is_escaped_in_pages(client: TestClient) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    where = client.post(
        "/repos/repo/incidents", data={"title": payload, "severity": "SEV3"}, follow_redirects=False
    ).headers["location"]
    client.post(where + "/updates", data={"text": payload})
    for path in (where, "/repos/repo/incidents", "/repos/repo/"):
        text = client.get(path).text
        assert payload not in text
        assert "&lt;script&gt;" in text


def test_decision_markdown_is_rendered_without_anything_scriptable(client: TestClient) -> None:
    text = client.get("/repos/repo/decisions/1").text
    assert "<strong>it is boring</strong>" in text
    assert (
        'alert("adr")'
        not in text.replace("&quot;", '"').split("<article")[1].split("</article>")[0]
        or "<script>" not in text
    )
    article = text.split('<article class="markdown">')[1].split("</article>")[0]
    assert "<script" not in article
    assert "onerror" not in article
    assert 'href="javascript:' not in article  # left as plain text, never a link


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/repos/repo/files/no/such.py", 404),
        ("/api/repos/repo/files/no/such.py", 404),
        ("/repos/repo/incidents/999", 404),
        ("/api/repos/repo/incidents/999", 404),
        ("/repos/repo/decisions/42", 404),
        ("/api/repos/repo/decisions/42", 404),
        ("/repos/repo/team/offboard?person=Nobody", 404),
        ("/api/repos/repo/hotspots?top=0", 422),
        ("/api/repos/repo/hotspots?since=yesterday-ish", 400),
        ("/no-such-page", 404),
    ],
)
def test_errors_are_pages_or_json_with_a_status(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    if path.startswith("/api/"):
        assert response.json()["error"]
    else:
        assert 'class="error"' in response.text


def test_openapi_schema_lists_the_json_twins(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    twins = {f"/api/repos/{{repository}}/{name}" for name in ("overview", "hotspots", "incidents")}
    assert {"/api/repos", *twins} <= paths
    assert not any(not path.startswith("/api/repos") for path in paths)
    hotspots = schema["paths"]["/api/repos/{repository}/hotspots"]["get"]["parameters"]
    assert [p["name"] for p in hotspots if p["in"] == "path"] == ["repository"]


def test_security_headers_forbid_inline_script(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_serve_refuses_a_port_in_use_before_scanning(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from techlead.cli import main

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "--port" in err


def test_the_risk_page_follows_a_model_trained_while_it_runs(client: TestClient) -> None:
    from techlead.risk.model import EVALUATION_FILE

    assert "No model trained yet" in client.get("/repos/repo/risk").text
    twin = client.get("/api/repos/repo/risk").json()
    assert twin["evaluation"] is None
    from techlead.history.scan import cache_directory

    ev = client.app.state.evidence["repo"]  # type: ignore[attr-defined]
    cache = cache_directory(ev.repo, ev.settings).parent / "risk"
    cache.mkdir(parents=True, exist_ok=True)
    evaluation = {"changes": 10, "defective": 2, "period_days": 90, "results": []}
    (cache / EVALUATION_FILE).write_text(json.dumps(evaluation))
    assert client.get("/api/repos/repo/risk").json()["evaluation"]["changes"] == 10


def test_candidates_are_never_stored_by_browsers_even_on_the_leads_own_dashboard(
    client: TestClient,
) -> None:
    for path in ("/repos/repo/hire/candidates", "/api/repos/repo/hire/candidates"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert "cache-control" not in client.get("/api/repos/repo/hotspots").headers
