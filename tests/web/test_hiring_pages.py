"""Hiring on the dashboard: kits for everyone, candidates only for those with hiring access,
scores independent until submitted (enforced by the server), calibration for managers."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import PASSWORD
from techlead.accounts.users import add_user, create_token, set_hiring
from techlead.store.database import Store

BASE = "/repos/repo/hire"
API = "/api/repos/repo/hire"


def _login(app: FastAPI, name: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    assert client.post("/login", data={"name": name, "password": PASSWORD}).status_code == 200
    found = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/repos/repo/incidents").text
    )
    assert found is not None
    return client, found.group(1)


@pytest.fixture
def hiring_app(team_app: FastAPI) -> FastAPI:
    """ann and bo interview, lee manages hiring; vic (viewer) and ed (editor) have no access.
    Candidate 1 is on ann's and bo's technical panel."""
    store: Store = team_app.state.store
    for name, hiring in (("ann", "interviewer"), ("bo", "interviewer"), ("lee", "manager")):
        add_user(store, name, "editor", PASSWORD, ["repo"])
        set_hiring(store, name, hiring)
    lee, csrf = _login(team_app, "lee")
    response = lee.post(
        f"{BASE}/candidates",
        data={
            "name": "Ada Lovelace",
            "role": "backend-l3",
            "email": "ada@x.test",
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 200, response.text
    lee.post(
        f"{BASE}/candidates/1/panel",
        data={"stage": "technical", "interviewers": "ann, bo", "csrf_token": csrf},
    )
    return team_app


def _score(client: TestClient, csrf: str, value: int, **extra: str) -> int:
    data = {
        "stage": "technical",
        "score:debugging": str(value),
        "evidence:debugging": f"evidence {value}",
        "recommendation": "yes" if value > 2 else "no",
        "action": "submit",
        "csrf_token": csrf,
        **extra,
    }
    return client.post(f"{BASE}/candidates/1/scorecards", data=data).status_code


def test_kits_are_open_to_every_signed_in_user(hiring_app: FastAPI) -> None:
    vic, _ = _login(hiring_app, "vic")
    assert vic.get(BASE).status_code == 200
    page = vic.get(f"{BASE}/kits/backend-l3/technical")
    assert page.status_code == 200
    assert "Scoring rubric" in page.text
    assert "## Questions" in vic.get(f"{API}/kits/backend-l3/technical").json()["markdown"]


@pytest.mark.parametrize("name", ["vic", "ed"])
@pytest.mark.parametrize(
    "path",
    [f"{BASE}/candidates", f"{BASE}/candidates/1", f"{API}/candidates/1", f"{API}/calibration"],
)
def test_users_without_hiring_access_cannot_read_candidates_or_scorecards(
    hiring_app: FastAPI, name: str, path: str
) -> None:
    client, _ = _login(hiring_app, name)
    response = client.get(path)
    assert response.status_code == 403
    assert "Ada" not in response.text


def test_a_token_without_hiring_access_cannot_read_scorecards(hiring_app: FastAPI) -> None:
    token = create_token(hiring_app.state.store, "ed", "script")
    response = TestClient(hiring_app).get(
        f"{API}/candidates/1", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


def test_an_interviewer_sees_the_others_scores_only_after_submitting(hiring_app: FastAPI) -> None:
    ann, ann_csrf = _login(hiring_app, "ann")
    bo, bo_csrf = _login(hiring_app, "bo")
    assert _score(ann, ann_csrf, 4) == 200
    before = bo.get(f"{API}/candidates/1").json()
    assert [c["interviewer"] for c in before["candidate"]["scorecards"]] == ["bo"]
    assert before["candidate"]["hidden"] == 1
    page = bo.get(f"{BASE}/candidates/1").text
    assert "evidence 4" not in page
    assert "stays hidden until you submit" in page
    assert _score(bo, bo_csrf, 1) == 200
    after = bo.get(f"{API}/candidates/1").json()
    assert {c["interviewer"] for c in after["candidate"]["scorecards"]} == {"ann", "bo"}
    assert after["disagreements"] == ["debugging"]
    assert "evidence 4" in bo.get(f"{BASE}/candidates/1").text


def test_a_scorecard_is_always_the_signed_in_users_own(hiring_app: FastAPI) -> None:
    ann, csrf = _login(hiring_app, "ann")
    assert _score(ann, csrf, 3, interviewer="bo") == 200
    lee, _ = _login(hiring_app, "lee")
    cards = lee.get(f"{API}/candidates/1").json()["candidate"]["scorecards"]
    assert [(c["interviewer"], c["submitted_at"] is not None) for c in cards] == [("ann", True)]
    # and once submitted it is final
    response = ann.post(
        f"{API}/candidates/1/scorecards",
        json={"stage": "technical", "scores": {"testing": 2}, "recommendation": "no"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 400
    assert "final" in response.text


def test_an_interviewer_cannot_score_off_their_panel_or_see_other_candidates(
    hiring_app: FastAPI,
) -> None:
    lee, lee_csrf = _login(hiring_app, "lee")
    lee.post(
        f"{BASE}/candidates", data={"name": "Grace", "role": "backend-l3", "csrf_token": lee_csrf}
    )
    ann, csrf = _login(hiring_app, "ann")
    assert [c["name"] for c in ann.get(f"{API}/candidates").json()] == ["Ada Lovelace"]
    assert ann.get(f"{API}/candidates/2").status_code == 404
    response = ann.post(
        f"{BASE}/candidates/2/scorecards",
        data={
            "stage": "technical",
            "score:testing": "3",
            "recommendation": "yes",
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 404
    response = ann.post(
        f"{BASE}/candidates/1/scorecards",
        data={"stage": "screen", "score:testing": "3", "recommendation": "yes", "csrf_token": csrf},
    )
    assert response.status_code == 403


def test_only_managers_add_candidates_and_read_calibration(hiring_app: FastAPI) -> None:
    ann, csrf = _login(hiring_app, "ann")
    assert ann.get(f"{BASE}/calibration").status_code == 403
    response = ann.post(
        f"{BASE}/candidates", data={"name": "X", "role": "backend-l3", "csrf_token": csrf}
    )
    assert response.status_code == 403
    lee, _ = _login(hiring_app, "lee")
    assert lee.get(f"{BASE}/calibration").status_code == 200
    assert lee.get(f"{API}/calibration").json()["candidates"] == 0
    ada, _ = _login(hiring_app, "ada")  # admins are hiring managers
    assert [c["name"] for c in ada.get(f"{API}/candidates").json()] == ["Ada Lovelace"]


def test_local_mode_is_the_leads_own_dashboard(client: TestClient) -> None:
    assert (
        client.post(
            f"{BASE}/candidates", data={"name": "Ada <b>", "role": "backend-l3"}
        ).status_code
        == 200
    )
    response = client.post(
        f"{BASE}/candidates/1/scorecards",
        data={
            "interviewer": "ann",
            "stage": "screen",
            "score:communication": "3",
            "evidence:communication": "<script>x</script>",
            "recommendation": "yes",
        },
    )
    assert response.status_code == 200
    page = client.get(f"{BASE}/candidates/1").text
    assert "Ada &lt;b&gt;" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert client.get(f"{BASE}/calibration").status_code == 200
    response = client.post(f"{API}/candidates", json={"name": "Bo", "role": "chef"})
    assert response.status_code == 400
    assert "no such role profile" in response.text


def test_the_form_shows_your_draft_and_submits_exactly_what_it_shows(hiring_app: FastAPI) -> None:
    ann, csrf = _login(hiring_app, "ann")
    draft = {"stage": "technical", "scores": {"testing": 3, "code-quality": 2},
             "evidence": {"testing": "draft note"}, "submit": False}  # fmt: skip
    assert (
        ann.post(
            f"{API}/candidates/1/scorecards", json=draft, headers={"X-CSRF-Token": csrf}
        ).status_code
        == 200
    )
    page = ann.get(f"{BASE}/candidates/1").text
    assert 'value="draft note"' in page
    assert re.search(r'name="score:testing".*?<option selected>3</option>', page, re.S)
    assert _score(ann, csrf, 4) == 200  # the form now sends debugging only
    lee, _ = _login(hiring_app, "lee")
    [card] = lee.get(f"{API}/candidates/1").json()["candidate"]["scorecards"]
    assert [(s["competency"], s["score"]) for s in card["scores"]] == [("debugging", 4)]


def test_managers_score_only_on_a_panel_they_are_on_and_alone_see_contact_details(
    hiring_app: FastAPI,
) -> None:
    lee, csrf = _login(hiring_app, "lee")
    assert _score(lee, csrf, 3) == 403
    assert lee.get(f"{API}/candidates/1").json()["candidate"]["email"] == "ada@x.test"
    ann, _ = _login(hiring_app, "ann")
    assert ann.get(f"{API}/candidates/1").json()["candidate"]["email"] is None
