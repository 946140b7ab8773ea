"""Give records that share a number (as after merging two branches) the next free numbers."""

from __future__ import annotations

import re
from pathlib import Path

from techlead.decisions.records import Decision


def renumber(decisions: list[Decision]) -> list[tuple[Path, Path]]:
    """Renumber every record after the first with an already-used number; rewrite links to it.

    Of records sharing a number, the one with the earliest date (then file name) keeps it.
    Returns (old path, new path) for each record moved.
    """
    ordered = sorted(decisions, key=lambda d: (d.number, d.date or "", d.path.name))
    seen: set[int] = set()
    next_free = max((d.number for d in decisions), default=0) + 1
    moves: list[tuple[Decision, int]] = []
    for record in ordered:
        if record.number in seen:
            moves.append((record, next_free))
            next_free += 1
        seen.add(record.number)
    renamed: list[tuple[Path, Path]] = []
    texts = {d.path: d.text for d in decisions}
    for record, number in moves:
        new_path = record.path.with_name(f"{number:04d}-{record.slug}.md")
        old_name, new_name = record.path.name, new_path.name
        old_link = f"[{record.number}. {record.title}]({old_name})"
        new_link = f"[{number}. {record.title}]({new_name})"
        for path, text in texts.items():
            texts[path] = text.replace(old_link, new_link).replace(f"({old_name})", f"({new_name})")
        own = texts[record.path]
        if record.style == "nygard":
            own = re.sub(
                rf"^# {record.number}\. ", f"# {number}. ", own, count=1, flags=re.MULTILINE
            )
        texts[record.path] = own
        renamed.append((record.path, new_path))
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    for old, new in renamed:
        old.rename(new)
    return renamed
