"""The post-mortem template's prompts, and which sections of a draft still carry them.

A major incident closes only when its post-mortem says something: a section whose text is
still the prompt the draft was written with (or an empty `-` list) was not written.
"""

from __future__ import annotations

import re

PROMPTS = {
    "Summary": "_Two or three sentences for someone who was not there: what broke, for whom, "
    "for how long, and\nhow it was fixed._",
    "Impact": "_Who was affected and how: users, requests or orders, revenue, data, "
    "service-level objectives\nand error budget consumed, support tickets._",
    "Detection": "_How did we find out — an alert, a customer, a colleague? How long after the "
    "impact began?\nWould an earlier or better signal have helped?_",
    "Response": "_Who responded, what they tried, what helped and what slowed them down._",
    "Root causes": "_The conditions that made the failure possible (there is usually more than "
    'one). Keep asking\n"why" until the answers are about systems and processes._',
    "Trigger": "_The change or event that set it off (a deploy, a configuration change, "
    "traffic, a dependency)._",
    "Resolution": "_What restored service, and what fixed the cause._",
    "What went well": "-",
    "What went wrong": "-",
    "Where we got lucky": "-",
    "Lessons learned": "-",
}
_BLOCK = re.compile(r"<!-- techlead:begin ([a-z]+) -->.*?<!-- techlead:end \1 -->", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _words(text: str) -> str:
    return " ".join(_COMMENT.sub("", text).split())


def untouched_sections(text: str) -> list[str]:
    """The template's sections whose text is still its prompt (or nothing), in draft order.
    A section taken out of the file on purpose is not untouched."""
    body = _BLOCK.sub("", text)
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.splitlines():
        if line.startswith("## "):
            current = found.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return [
        heading
        for heading, prompt in PROMPTS.items()
        if heading in found and _words("\n".join(found[heading])) in {"", _words(prompt)}
    ]
