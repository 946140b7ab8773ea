"""The dashboard in a real browser: the system's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

ARTIFACTS = Path(os.environ.get("TECHLEAD_TEST_ARTIFACTS", ".test-artifacts")) / "screenshots"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def base_url(served: FastAPI) -> Iterator[str]:
    yield from _serve(served)


@pytest.fixture
def team_url(team_app: FastAPI) -> Iterator[str]:
    yield from _serve(team_app)


def _serve(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the dashboard did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser_page(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "charts"),
    [
        ("/repos/repo/", 0),
        ("/repos/repo/hotspots", 1),
        ("/repos/repo/files/app/core.py", 1),
        ("/repos/repo/coupling", 1),
        ("/repos/repo/team", 1),
        ("/repos/repo/decisions", 0),
        ("/repos/repo/incidents", 0),
        ("/repos/repo/planning", 2),
        ("/repos/repo/risk", 0),
        ("/repos/repo/delivery", 0),
        ("/repos/repo/release", 0),
        ("/repos/repo/hire", 0),
        ("/repos/repo/hire/kits/backend-l3/technical", 0),
        ("/repos/repo/hire/kits/backend-l3/system-design", 0),
        ("/repos/repo/hire/candidates", 0),
    ],
)
def test_each_page_loads_and_draws_its_charts(
    browser_page: object, base_url: str, path: str, charts: int
) -> None:
    page = browser_page
    page.goto(base_url + path)  # type: ignore[attr-defined]
    for index in range(charts):
        chart = page.locator("figure.chart").nth(index)  # type: ignore[attr-defined]
        chart.locator("svg.marks").wait_for(timeout=15_000)
    assert page.locator("h1").inner_text()  # type: ignore[attr-defined]
    _shot(page, path.removeprefix("/repos/repo").strip("/").replace("/", "-") or "overview")
    assert page.errors == []  # type: ignore[attr-defined]


def test_an_incident_is_opened_through_the_form(browser_page: object, base_url: str) -> None:
    page = browser_page
    page.goto(base_url + "/repos/repo/incidents")  # type: ignore[attr-defined]
    page.fill("input[name=title]", "Payments time out")  # type: ignore[attr-defined]
    page.select_option("select[name=severity]", "SEV2")  # type: ignore[attr-defined]
    page.fill("input[name=service]", "payments")  # type: ignore[attr-defined]
    page.click("form[action='/repos/repo/incidents'] button")  # type: ignore[attr-defined]
    page.wait_for_url("**/incidents/*")  # type: ignore[attr-defined]
    assert "Payments time out" in page.locator("h1").inner_text()  # type: ignore[attr-defined]
    page.fill("input[name=text]", "failed over to the standby")  # type: ignore[attr-defined]
    page.click("form[action$='/updates'] button")  # type: ignore[attr-defined]
    page.locator("ol.timeline li", has_text="failed over").wait_for()  # type: ignore[attr-defined]
    _shot(page, "incident")
    assert page.errors == []  # type: ignore[attr-defined]


def test_two_scorecards_through_the_form_make_a_debrief_and_a_calibration_chart(
    browser_page: object, base_url: str
) -> None:
    page = browser_page
    page.goto(base_url + "/repos/repo/hire/candidates")  # type: ignore[attr-defined]
    page.fill("input[name=name]", "Ada Lovelace")  # type: ignore[attr-defined]
    page.click("form[action='/repos/repo/hire/candidates'] button")  # type: ignore[attr-defined]
    page.wait_for_url("**/hire/candidates/1")  # type: ignore[attr-defined]
    for who, score, said in (("ann", "4", "yes"), ("bo", "2", "no")):
        stage = page.locator("details.scorecard", has_text="technical stage")  # type: ignore[attr-defined]
        stage.locator("summary").click()
        stage.locator("input[name=interviewer]").fill(who)
        stage.locator("select[name='score:debugging']").select_option(score)
        stage.locator("input[name='evidence:debugging']").fill(f"{who} saw it")
        stage.locator("select[name=recommendation]").select_option(said)
        stage.locator("button[value=submit]").click()
        page.locator("td", has_text=f"{who} saw it").wait_for()  # type: ignore[attr-defined]
    assert "split" in page.locator(".cards").inner_text()  # type: ignore[attr-defined]
    assert page.locator("tr.disagreement").count() == 2  # type: ignore[attr-defined]
    _shot(page, "hire-candidate")
    page.goto(base_url + "/repos/repo/hire/calibration")  # type: ignore[attr-defined]
    page.locator("figure.chart svg.marks").wait_for(timeout=15_000)  # type: ignore[attr-defined]
    _shot(page, "hire-calibration")
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_offboarding_what_if_swaps_in_a_table(browser_page: object, base_url: str) -> None:
    page = browser_page
    page.goto(base_url + "/repos/repo/team")  # type: ignore[attr-defined]
    page.select_option("select[name=person]", ["Ana", "Ben", "Chen"])  # type: ignore[attr-defined]
    page.click("form[action='/repos/repo/team/offboard'] button")  # type: ignore[attr-defined]
    result = page.locator("#offboard table")  # type: ignore[attr-defined]
    result.wait_for()
    assert "app/core.py" in result.inner_text()
    assert page.url.endswith("/repos/repo/team")  # type: ignore[attr-defined]


def test_team_mode_signs_in_and_out(browser_page: object, team_url: str) -> None:
    from conftest import PASSWORD

    page = browser_page
    page.goto(team_url + "/repos/repo/hotspots")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/login\?next=.*"))  # type: ignore[attr-defined]
    page.fill("input[name=name]", "ed")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("form[action='/login'] button")  # type: ignore[attr-defined]
    page.wait_for_url("**/hotspots")  # type: ignore[attr-defined]
    assert "ed (editor)" in page.locator("form.account").inner_text()  # type: ignore[attr-defined]
    page.goto(team_url + "/repos/repo/incidents")  # type: ignore[attr-defined]
    page.fill("input[name=title]", "Opened by a signed-in editor")  # type: ignore[attr-defined]
    page.click("form[action='/repos/repo/incidents'] button")  # type: ignore[attr-defined]
    page.wait_for_url("**/incidents/*")  # type: ignore[attr-defined]
    _shot(page, "team-incident")
    page.click("form.account button")  # type: ignore[attr-defined]
    page.wait_for_url("**/login")  # type: ignore[attr-defined]
    page.goto(team_url + "/")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/login\?next=.*"))  # type: ignore[attr-defined]
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_refused_sign_in_says_why_in_the_browser(browser_page: object, team_url: str) -> None:
    page = browser_page
    page.goto(team_url + "/login")  # type: ignore[attr-defined]
    page.fill("input[name=name]", "ed")  # type: ignore[attr-defined]
    page.fill("input[name=password]", "not the password")  # type: ignore[attr-defined]
    page.click("form[action='/login'] button")  # type: ignore[attr-defined]
    page.locator("p.error", has_text="Wrong name or password").wait_for()  # type: ignore[attr-defined]
