"""Markdown shown as HTML keeps nothing that would make a reader's browser ask another server."""

from __future__ import annotations

import pytest

from techlead.sanitised_markdown import markdown_html


@pytest.mark.parametrize(
    "text",
    [
        "![tracker](https://evil.example/pixel.png)",
        "![tracker](//evil.example/pixel.png)",
        '<img src="HTTP://evil.example/pixel.png" alt="tracker">',
        '<img src=" https://evil.example/pixel.png" alt="tracker">',
    ],
)
def test_images_from_other_servers_are_dropped_from_markdown(text: str) -> None:
    rendered = str(markdown_html(text))
    assert "evil.example" not in rendered
    assert 'alt="tracker"' in rendered


def test_images_in_the_repository_stay_in_markdown() -> None:
    assert 'src="diagrams/flow.svg"' in str(markdown_html("![flow](diagrams/flow.svg)"))
