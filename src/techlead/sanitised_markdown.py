"""Markdown (decision records, post-mortems, interview kits) as HTML that is safe to show:
anything scriptable removed, images only from the server that shows the page.

Framework-free, so that a report rendered by the CLI can use it without the web framework.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
_markdown_text = MarkdownIt("commonmark", {"html": False}).enable("table")


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: an image from another server (`https://...`, `//host/...`)
    loses its address, so a page never asks a third party for anything (it would learn who
    reads the record, and when); the image's alt text is shown instead."""
    if tag == "img" and attribute == "src":
        stripped = value.strip()
        if stripped.startswith(("//", "\\")) or ":" in stripped.split("/", 1)[0]:
            return None
    return value


_sanitiser = nh3.Cleaner(
    link_rel="noopener noreferrer nofollow", attribute_filter=_local_images_only
)


def markdown_html(text: str, raw_html: bool = True) -> Markup:
    """Markdown (ADRs, post-mortems) as HTML with anything scriptable removed and images only
    from this server; without `raw_html`, HTML in the text is shown as text."""
    rendered = (_markdown if raw_html else _markdown_text).render(text)
    return Markup(_sanitiser.clean(rendered))
