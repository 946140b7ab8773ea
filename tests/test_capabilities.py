"""The list of capabilities is the one place a capability is registered: the CLI and the
dashboard are built from it, and the settings, the record store, the CLI apps and the web
modules that exist must all be named in it (ADR 0031)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import typer
from fastapi import APIRouter
from fastapi.routing import APIRoute

from techlead.capabilities import CAPABILITIES, DASHBOARD, SHARED_SETTINGS, on_dashboard
from techlead.cli import COMMANDS
from techlead.config import Settings
from techlead.store.models import Base
from techlead.web.app import NAV

SOURCE = Path(__file__).resolve().parents[1] / "src" / "techlead"
# Web modules that are no capability's pages: the team server's sign-in and users, mounted at
# the server's root in team mode only, and the dashboard's own package and assembly.
NOT_PAGES = {
    "techlead.accounts.web",
    "techlead.web",
    "techlead.web.app",
    "techlead.web.cli",
    "techlead.web.schema",
}


def _modules(pattern: str) -> list[str]:
    """The dotted names of the modules under src/techlead whose files match `pattern`."""
    found = []
    for path in sorted(SOURCE.glob(pattern)):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_help_lists_the_commands_it_listed_before_the_list() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "TERM"}}
    done = subprocess.run(
        [sys.executable, "-m", "techlead", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**env, "COLUMNS": "80"},
    )
    expected = (Path(__file__).parent / "help_at_80_columns.txt").read_text(encoding="utf-8")
    assert done.stdout == expected


def test_the_dashboard_shows_the_pages_it_showed_before_the_list() -> None:
    assert NAV == [
        ("/", "Overview"),
        ("/hotspots", "Hotspots"),
        ("/coupling", "Coupling"),
        ("/team", "Team"),
        ("/decisions", "Decisions"),
        ("/incidents", "Incidents"),
        ("/planning", "Planning"),
        ("/risk", "Risk"),
        ("/delivery", "Delivery"),
        ("/release", "Releases"),
        ("/hire", "Hiring"),
    ]


def test_reading_the_list_imports_no_capability_and_no_framework() -> None:
    script = (
        "import json, sys\nimport techlead.capabilities\nprint(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    modules = set(json.loads(done.stdout))
    assert {m for m in modules if m.startswith("techlead")} == {"techlead", "techlead.capabilities"}
    assert not {"typer", "click", "fastapi", "starlette", "pydantic", "sqlalchemy"} & modules


def test_names_commands_and_pages_are_each_listed_once() -> None:
    for counted in (
        Counter(capability.name for capability in CAPABILITIES),
        Counter(c.name for capability in CAPABILITIES for c in capability.commands),
        Counter(p.path for capability in CAPABILITIES for p in capability.pages),
        Counter(DASHBOARD),
    ):
        assert [name for name, n in counted.items() if n > 1] == []
    assert list(COMMANDS) == [c.name for capability in CAPABILITIES for c in capability.commands]


def test_each_capability_is_a_package_whose_own_modules_it_names() -> None:
    for capability in CAPABILITIES:
        package = f"techlead.{capability.name}"
        assert (SOURCE / capability.name / "__init__.py").is_file(), package
        for command in capability.commands:
            assert command.target.partition(":")[0].startswith(f"{package}."), command
        if capability.web is not None:
            assert capability.web.startswith(f"{package}."), capability.web


def test_the_dashboard_orders_exactly_the_capabilities_with_pages() -> None:
    with_web = {capability.name for capability in CAPABILITIES if capability.web}
    assert set(DASHBOARD) == with_web
    assert all(capability.pages for capability in on_dashboard())
    assert not [c.name for c in CAPABILITIES if c.pages and not c.web]


def test_every_page_in_the_navigation_is_served_by_its_capability() -> None:
    for capability in on_dashboard():
        module = importlib.import_module(str(capability.web))
        paths = {route.path for route in module.router.routes if isinstance(route, APIRoute)}
        for page in capability.pages:
            assert page.path in paths, f"{capability.web} serves no {page.path}"


def test_every_web_module_with_pages_is_a_capability_on_the_dashboard() -> None:
    with_pages = set()
    for name in _modules("*/web.py") + _modules("web/*.py"):
        if name in NOT_PAGES:
            continue
        module = importlib.import_module(name)
        assert isinstance(getattr(module, "router", None), APIRouter), f"{name}: no router"
        assert isinstance(getattr(module, "twins", None), APIRouter), f"{name}: no twins"
        with_pages.add(name)
    assert with_pages == {c.web for c in CAPABILITIES if c.web}, (
        "a web module not in techlead.capabilities"
    )


def _reachable(app: typer.Typer) -> list[typer.Typer]:
    """`app` and every Typer app added to it, at any depth."""
    found = [app]
    for group in app.registered_groups:
        if group.typer_instance is not None:
            found += _reachable(group.typer_instance)
    return found


def test_every_cli_app_is_reachable_from_the_root_command() -> None:
    reachable: list[typer.Typer] = []
    for entry in COMMANDS.values():
        module, _, attribute = entry.target.partition(":")
        found = getattr(importlib.import_module(module), attribute)
        if isinstance(found, typer.Typer):
            reachable += _reachable(found)
    reachable_ids = {id(app) for app in reachable}
    shells = _modules("*/cli.py") + _modules("*/cli/*.py")
    assert {name.split(".")[1] for name in shells} <= {c.name for c in CAPABILITIES}
    for name in shells:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if isinstance(value, typer.Typer):
                assert id(value) in reachable_ids, f"{name}:{attribute} is no command of techlead"


def test_every_settings_section_is_owned_by_one_capability_or_shared() -> None:
    named = Counter(section for c in CAPABILITIES for section in c.settings)
    named.update(SHARED_SETTINGS)
    assert set(named) == set(Settings.model_fields), "a section not in techlead.capabilities"
    assert [section for section, n in named.items() if n > 1] == []


def test_every_table_naming_a_repository_is_a_capabilitys() -> None:
    with_repository = {t.name for t in Base.metadata.tables.values() if "repository" in t.c}
    named = Counter(table for c in CAPABILITIES for table in c.tables)
    assert set(named) == with_repository, "a table not in techlead.capabilities"
    assert "releases" in named
    assert [table for table, n in named.items() if n > 1] == []
