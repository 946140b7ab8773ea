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


def test_a_tracked_document_deleted_from_the_working_tree_is_not_read(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("docs", {"docs/guide.md": "# Guide\n", "docs/old.md": "# Old\n"})
    (repo.path / "docs" / "old.md").unlink()
    assert main(["docs", "lint", "-C", str(repo.path)]) == 0
    assert main(["docs", "stale", "-C", str(repo.path)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_github_slugs() -> None:
    assert slug("The API (v2)") == "the-api-v2"
    assert slug("AI-assisted changes: `techlead delivery ai`") == (
        "ai-assisted-changes-techlead-delivery-ai"
    )
    assert slug("Ünïcode & more!") == "ünïcode--more"


def test_stale_documents_by_hand(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    app = "def handle_request(x):\n    return x\n"
    repo.commit(
        "start",
        {
            "src/shop/app.py": app,
            "src/shop/__init__.py": "",
            "lib/gone.py": "old = 1\n",
            "docs/guide.md": "Run `src/shop/app.py`; see [the old helper](../lib/gone.py).\n",
            "docs/api.md": "Call `handle_request()` in `shop.app`.\n",
            "docs/notes.md": "Nothing in code here; see [the guide](guide.md).\n",
        },
        date="2026-01-01T00:00:00+00:00",
    )
    repo.commit(
        "grow the handler",
        {"src/shop/app.py": app.replace("return x\n", "y = x\n    z = y\n    return z\n")},
        date="2026-01-05T00:00:00+00:00",
    )
    repo.commit("drop the helper", {"lib/gone.py": None}, date="2026-01-06T00:00:00+00:00")
    repo.commit(
        "api docs reviewed",
        {"docs/api.md": "Call `handle_request()` in `shop.app` (it returns z).\n"},
        date="2026-01-07T00:00:00+00:00",
    )
    assert main(["docs", "stale", "-f", "json", "-q", "-C", str(repo.path)]) == 0
    stale = json.loads(capsys.readouterr().out)
    # guide.md: app.py changed after it (1 commit: 3 added, 1 deleted) and gone.py is gone;
    # api.md changed after the code it names; notes.md names no code
    assert [(s["document"], s["lines_moved"], s["changed_since"], s["gone"]) for s in stale] == [
        ("docs/guide.md", 4, "src/shop/app.py (1 commits, 4 lines)", "lib/gone.py")
    ]
