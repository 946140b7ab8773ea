"""The user guide cannot drift from the code: every command is shown in docs/ and every setting
has its row in docs/configuration.md.

A command is documented when `techlead PATH` (`techlead debt hotspots`) appears in a code span
or a fenced code block of a page in docs/ (the decision records do not count), or a code span
begins with PATH, as the pages' tables of commands write them (`debt hotspots [--since S]`).
A setting is documented when its dotted name (`release.junit`) is a code span in
docs/configuration.md; in a table of named entries the name is a placeholder, the singular of
the table in capitals: `hiring.roles.ROLE.stages.STAGE.minutes`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args, get_origin

import typer
from pydantic import BaseModel

from techlead.cli import app
from techlead.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"
_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1", re.MULTILINE | re.DOTALL)
_SPAN = re.compile(r"`([^`\n]+)`")


def commands(command: Any, path: str = "techlead") -> Iterator[str]:
    """Every command and group below `command`, as typed: `techlead debt hotspots`. Reading
    a lazy group's `commands` imports each of its commands."""
    if getattr(command, "hidden", False):
        return
    yield path
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from commands(sub, f"{path} {name}")


def _singular(plural: str) -> str:
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    return plural.removesuffix("s")


def settings(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every setting of `model`, dotted: `release.junit`, `incidents.severities.SEVERITY.major`."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from settings(annotation, f"{prefix}{name}.")
            continue
        value = get_args(annotation)[-1] if get_origin(annotation) is dict else None
        if isinstance(value, type) and issubclass(value, BaseModel):
            yield from settings(value, f"{prefix}{name}.{_singular(name).upper()}.")
            continue
        yield f"{prefix}{name}"


def _code(text: str) -> str:
    """The code of a Markdown page: its fenced blocks (in a list item too) and code spans, one
    per line."""
    blocks = [found.group(0) for found in _FENCE.finditer(text)]
    return "\n".join([*blocks, *_SPAN.findall(_FENCE.sub("", text))])


def _shown(path: str, code: str) -> bool:
    typed = rf"(?<![\w-]){re.escape(path)}(?![\w-])"
    tabled = rf"(?m)^{re.escape(path.removeprefix('techlead '))}(?![\w-])"
    return bool(re.search(typed, code) or (path != "techlead" and re.search(tabled, code)))


def test_every_command_is_shown_in_the_docs() -> None:
    pages = sorted(DOCS.glob("*.md"))
    code = "\n".join(_code(page.read_text(encoding="utf-8")) for page in pages)
    missing = [path for path in commands(typer.main.get_command(app)) if not _shown(path, code)]
    assert missing == [], f"not in a code span or block of {DOCS}/*.md: {', '.join(missing)}"


def test_every_setting_has_a_row_in_the_configuration_page() -> None:
    page = DOCS / "configuration.md"
    spans = set(_SPAN.findall(page.read_text(encoding="utf-8")))
    missing = [name for name in settings(Settings) if name not in spans]
    assert missing == [], f"not a code span in {page}: {', '.join(missing)}"


def test_settings_are_walked_into_sections_and_named_tables() -> None:
    found = set(settings(Settings))
    assert {"release.junit", "delivery.hotfix_pattern", "identities.aliases"} <= found
    assert "hiring.roles.ROLE.stages.STAGE.minutes" in found
    assert "incidents.severities.SEVERITY.major" in found
    assert "hiring.roles" not in found


def test_commands_are_walked_into_every_lazy_group() -> None:
    found = set(commands(typer.main.get_command(app)))
    assert {"techlead", "techlead debt", "techlead debt hotspots", "techlead serve"} <= found
    assert {"techlead plan forecast when", "techlead user token revoke"} <= found


def test_the_configuration_pages_example_is_valid_configuration() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    example = re.search(r"^```toml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert example is not None
    settings = Settings.model_validate(tomllib.loads(example.group(1)))
    assert settings.delivery.environment == "production"
    assert settings.release.junit == ["reports/junit*.xml"]
