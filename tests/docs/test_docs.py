"""Living documentation on fixture repositories with answers worked out by hand."""

from __future__ import annotations

import json

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.docs.links import slug

GUIDE = """# Guide

## Set up

## Set up

See [the setup](#set-up), [again](#set-up-1), [nowhere](#tear-down) and
[the API](api.md#the-api-v2), [a missing part](api.md#gone), [code](../src/app.py),
[outside](../../etc/passwd), [external](https://example.com/x.md), ![logo](img/logo.png),
`[not a link](missing.md)` and [a directory](../src).

[ref]: missing.md
Reference-style: [here][ref].
"""


def test_broken_links_and_anchors(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(
        "docs",
        {
            "docs/guide.md": GUIDE,
            "docs/api.md": "# The API (v2)\n",
            "src/app.py": "x = 1\n",
        },
    )
    assert main(["docs", "lint", "-f", "json", "-C", str(repo.path)]) == 1
    broken = [(b["line"], b["link"], b["problem"]) for b in json.loads(capsys.readouterr().out)]
    assert broken == [
        (7, "#tear-down", "no heading #tear-down in this document"),
        (8, "api.md#gone", "no heading #gone in api.md"),
        (9, "../../etc/passwd", "points outside the repository"),
        (9, "img/logo.png", "no such file"),
        (13, "missing.md", "no such file"),
    ]


def test_github_slugs() -> None:
    assert slug("The API (v2)") == "the-api-v2"
    assert slug("AI-assisted changes: `techlead delivery ai`") == (
        "ai-assisted-changes-techlead-delivery-ai"
    )
    assert slug("Ünïcode & more!") == "ünïcode--more"
