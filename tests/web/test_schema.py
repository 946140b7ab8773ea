"""Property-based requests to every JSON route, generated from the published OpenAPI schema:
every answer is one the schema documents (status, content type, body, headers), in local and
in team mode, and a method the schema does not list gets 405 with `Allow`."""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from techlead.accounts.users import create_token

EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _mostly_in_the_repository(case: schemathesis.Case) -> schemathesis.Case:
    """Three generated requests in four name the served repository, so they reach the routes'
    own code; the others keep the generated name (an unknown repository: 404)."""
    parameters = case.path_parameters or {}
    if "repository" in parameters and sum(map(ord, str(parameters["repository"]))) % 4:
        parameters["repository"] = "repo"
    return case


def _every_answer_is_documented(app: FastAPI, headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy().map(_mostly_in_the_repository))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def documented(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        documented()


def test_every_answer_of_the_local_dashboard_is_documented(served: FastAPI) -> None:
    _every_answer_is_documented(served, {})


def test_every_answer_of_the_team_server_is_documented(team_app: FastAPI) -> None:
    viewer = create_token(team_app.state.store, "vic", "schemathesis")
    _every_answer_is_documented(team_app, {"Authorization": f"Bearer {viewer}"})


def test_the_team_schema_says_how_to_authenticate(team_app: FastAPI) -> None:
    token = create_token(team_app.state.store, "vic", "schema")
    schema = (
        TestClient(team_app)
        .get("/openapi.json", headers={"Authorization": f"Bearer {token}"})
        .json()
    )
    assert set(schema["components"]["securitySchemes"]) == {"bearer", "session"}
    overview = schema["paths"]["/api/repos/{repository}/overview"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(overview)
    assert overview["401"]["headers"]["WWW-Authenticate"]


def test_a_method_the_schema_does_not_list_gets_405_naming_those_it_does(
    served: FastAPI,
) -> None:
    client = TestClient(served)
    paths = client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        listed = {method.upper() for method in operations}
        address = path.replace("{repository}", "repo").replace("{number}", "1")
        address = address.replace("{path}", "app/core.py").replace("{role}", "r")
        address = address.replace("{stage}", "s")
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"} - listed - {"HEAD"}:
            response = client.request(method, address)
            assert response.status_code == 405, (method, address)
            allowed = set(response.headers["allow"].split(", "))
            assert allowed - {"HEAD"} == listed, (method, address, allowed)
