"""The decision log on disk: where it is, reading every record, writing new ones and edits."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from pathlib import Path

import yaml

from techlead.decisions.matrix import Matrix
from techlead.decisions.records import (
    FILE_NAME,
    Decision,
    Link,
    RecordError,
    parse_record,
    split_front_matter,
)
from techlead.errors import TechleadError
from techlead.inputs.files import folder, inside, read_text


class DecisionLogError(TechleadError):
    """The decision log is missing or a request about it cannot be met."""


def decision_directory(root: Path, configured: Path | None = None) -> Path:
    """`.adr-dir` (adr-tools' convention) if present, else the configured one, else docs/adr.
    A folder `.adr-dir` or a relative setting names must be inside the repository."""
    marker = root / ".adr-dir"
    if os.path.lexists(marker):
        named = read_text(marker, within=root, error=DecisionLogError).strip()
        if named:
            path = root / named
            try:
                inside(path, root, DecisionLogError)
            except DecisionLogError:
                raise DecisionLogError(
                    f"{marker}: names {named!r}, outside the repository {root}",
                    hint="name the decision log's folder relative to the repository",
                ) from None
            return path
    return folder(root, configured or Path("docs/adr"), "[decisions] directory", DecisionLogError)


def load_decisions(directory: Path) -> list[Decision]:
    """Every record in `directory`, by number then file name."""
    if not directory.is_dir():
        raise DecisionLogError(
            f"{directory}: no decision log here", hint="create one with: techlead adr init"
        )
    records = [
        parse_record(path) for path in sorted(directory.glob("*.md")) if FILE_NAME.match(path.name)
    ]
    return sorted(records, key=lambda record: (record.number, record.path.name))


def find(decisions: list[Decision], number: int) -> Decision:
    matches = [record for record in decisions if record.number == number]
    if not matches:
        raise DecisionLogError(f"ADR {number}: no such decision record")
    if len(matches) > 1:
        raise DecisionLogError(
            f"ADR {number}: {len(matches)} records share this number",
            hint="run: techlead adr renumber",
        )
    return matches[0]


# With a number before and a suffix after, a file name stays under the 255 bytes file systems
# allow (a 300-character title failed with "File name too long").
MAX_SLUG_BYTES = 200


def shortened(slug: str) -> str:
    """`slug` cut at a hyphen to at most MAX_SLUG_BYTES bytes of UTF-8."""
    data = slug.encode()
    if len(data) <= MAX_SLUG_BYTES:
        return slug
    head = data[: MAX_SLUG_BYTES + 1].decode("utf-8", "ignore").rpartition("-")[0].strip("-")
    return head or data[:MAX_SLUG_BYTES].decode("utf-8", "ignore")


def slugify(title: str) -> str:
    """A title in kebab case, ASCII only, shortened to fit a file name."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if not slug:
        raise DecisionLogError(f"{title!r}: a title needs letters or digits")
    return shortened(slug)


_NYGARD = """# {number}. {title}

Date: {date}

## Status

{status}
{links}
## Context

What forces are at play (technical, product, people) and why a decision is needed now.

## Decision

What we will do, in full sentences.

## Consequences

What becomes easier or harder because of this, and what we will watch or mitigate.
"""

_MADR = """---
status: {status}
date: {date}
decision-makers:
consulted:
informed:
{links}---

# {title}

## Context and Problem Statement

The situation, and the question this decision answers.

## Decision Drivers

* A force or concern that shapes the choice

## Considered Options

* The first option
* The second option

## Decision Outcome

Chosen option: "the first option", because it meets the drivers best (see below).

### Consequences

* Good, because …
* Bad, because …
"""


def template_lines() -> frozenset[str]:
    """The lines `adr new` writes for people to replace (prompts and sample options), so that
    `adr lint` can tell a record nobody filled in."""
    found: set[str] = set()
    for template in (_NYGARD, _MADR):
        lines = template.splitlines()
        title = next(n for n, line in enumerate(lines) if line.startswith("# "))
        for line in lines[title + 1 :]:
            text = line.strip()
            if text and not text.startswith("#") and "{" not in text:
                found.add(text)
    return frozenset(found)


FIRST_RECORD_BODY = """## Context and Problem Statement

Architecture decisions are made in meetings, chats and pull requests, and then forgotten; newcomers
cannot tell why the system is the way it is, and old debates are held again. How do we keep the
decisions and their reasons?

## Considered Options

* Architecture decision records in the repository (MADR format), managed with `techlead adr`
* A wiki page of decisions
* No written record

## Decision Outcome

Chosen option: architecture decision records in `{directory}`, one Markdown file per decision,
reviewed in pull requests like code, because they stay next to the code they explain and their
history is the repository's.

### Consequences

* Good, because reasons survive the people who knew them, and `techlead adr check` can hold the
  code to decisions that carry rules.
* Bad, because writing a record takes a little time for each significant decision.
"""


def link_line(target: Decision, label: str) -> str:
    """How a Nygard record writes a relation: `Amends [2. Title](0002-title.md)`."""
    return f"{label} [{target.number}. {target.title}]({target.path.name})"


def _next_path(directory: Path, decisions: list[Decision], title: str) -> tuple[int, Path]:
    number = max((record.number for record in decisions), default=0) + 1
    return number, directory / f"{number:04d}-{slugify(title)}.md"


def write_matrix_record(
    directory: Path,
    decisions: list[Decision],
    matrix: Matrix,
    ranked: list[tuple[str, float]],
    today: date,
) -> Path:
    """A proposed MADR record whose options and outcome come from a decision matrix."""
    _, path = _next_path(directory, decisions, matrix.title)
    criteria = list(matrix.criteria)
    header = (
        "| option | score | "
        + " | ".join(f"{c} (weight {matrix.criteria[c]:g})" for c in criteria)
        + " |"
    )
    rule = "|---|---:|" + "---:|" * len(criteria)
    rows = [
        f"| {option} | {score:.2f} | "
        + " | ".join(str(matrix.scores[option][c]) for c in criteria)
        + " |"
        for option, score in ranked
    ]
    winner, best = ranked[0]
    runner_up, second = ranked[1]
    text = (
        f"---\nstatus: proposed\ndate: {today.isoformat()}\n"
        "decision-makers:\nconsulted:\ninformed:\n---\n\n"
        f"# {matrix.title}\n\n## Context and Problem Statement\n\n{matrix.title}?\n\n"
        "## Decision Drivers\n\n"
        + "".join(f"* {c} (weight {matrix.criteria[c]:g})\n" for c in criteria)
        + "\n## Considered Options\n\n"
        + "".join(f"* {option}\n" for option in matrix.options)
        + f'\n## Decision Outcome\n\nChosen option: "{winner}", because it scores highest on the '
        f"weighted criteria ({best:.2f} of 5, against {second:.2f} for {runner_up}).\n\n"
        "### Consequences\n\n* Good, because …\n* Bad, because …\n\n"
        "## Pros and Cons of the Options\n\nScores from 1 (poor) to 5 (excellent):\n\n"
        + "\n".join([header, rule, *rows])
        + "\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def write_new(
    directory: Path,
    decisions: list[Decision],
    title: str,
    *,
    template: str,
    status: str | None,
    links: list[tuple[str, Decision]],
    today: date,
) -> Path:
    """Create the next-numbered record; return its path."""
    number, path = _next_path(directory, decisions, title)
    if template == "nygard":
        lines = "".join(f"\n{link_line(target, label)}\n" for label, target in links)
        text = _NYGARD.format(
            number=number,
            title=title,
            date=today.isoformat(),
            status=(status or "accepted").capitalize(),
            links=lines,
        )
    else:
        items = [f"{label} ADR-{target.number:04d}" for label, target in links]
        lines = (
            f"links: {yaml.safe_dump(items, default_flow_style=True).strip()}\n" if items else ""
        )
        text = _MADR.format(
            status=status or "proposed", date=today.isoformat(), title=title, links=lines
        )
    path.write_text(text, encoding="utf-8")
    return path


def _replace_front_field(record: Decision, key: str, value: object) -> str:
    """The record with one front-matter field set, every other line (comments, quoting,
    empty fields) left exactly as it was."""
    split_front_matter(record.text, record.path)  # raises when the front matter is broken
    text = record.text
    end = text.find("\n---", 4)
    lines = text[4 : end + 1].split("\n")[:-1]
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 20)
    new_line = f"{key}: {dumped.strip()}"
    at = next((i for i, line in enumerate(lines) if re.match(rf"^{re.escape(key)}\s*:", line)), -1)
    if at < 0:
        lines.append(new_line)
    else:
        stop = at + 1
        while stop < len(lines) and lines[stop].startswith((" ", "\t", "-")):
            stop += 1
        lines[at:stop] = [new_line]
    return "---\n" + "\n".join(lines) + text[end:]


def set_status(record: Decision, status: str) -> None:
    """Give a record a new status, changing nothing else in it."""
    if record.style == "madr":
        pattern = re.compile(r"^status:.*$", re.MULTILINE)
        text = pattern.sub(lambda _: f"status: {_yaml_scalar(status)}", record.text, count=1)
    else:
        text = _replace_nygard_status(
            record.text, status.capitalize() if status.islower() else status
        )
    record.path.write_text(text, encoding="utf-8")


def _yaml_scalar(value: str) -> str:
    return str(yaml.safe_dump(value, default_style=None)).strip().removesuffix("...").strip()


def _status_bounds(lines: list[str]) -> tuple[int, int]:
    start = next((i for i, line in enumerate(lines) if line.strip().lower() == "## status"), -1)
    if start < 0:
        raise RecordError("no '## Status' section")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return start, end


def _replace_nygard_status(text: str, status: str) -> str:
    from techlead.decisions.records import _NYGARD_LINK

    lines = text.split("\n")
    start, end = _status_bounds(lines)
    kept = [
        line
        for line in lines[start + 1 : end]
        if _NYGARD_LINK.match(line.strip()) or not line.strip()
    ]
    body = [line for line in kept if line.strip()]
    new = ["", status, *([""] if body else []), *body, ""]
    return "\n".join([*lines[: start + 1], *new, *lines[end:]])


def add_link(record: Decision, label: str, target: Decision) -> None:
    """Record a relation in `record`, pointing at `target`."""
    if record.style == "madr":
        existing = [str(item) for item in record.front.get("links") or []]
        text = _replace_front_field(
            record, "links", [*existing, f"{label} ADR-{target.number:04d}"]
        )
    else:
        lines = record.text.split("\n")
        start, end = _status_bounds(lines)
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = ["", link_line(target, label)]
        text = "\n".join(lines)
    record.path.write_text(text, encoding="utf-8")


def supersede(old: Decision, new: Decision) -> None:
    """Mark `old` as superseded by `new` (the new record links back with "Supersedes")."""
    if old.style == "madr":
        set_status(old, f"superseded by ADR-{new.number:04d}")
        return
    from techlead.decisions.records import _NYGARD_LINK

    lines = old.text.split("\n")
    start, end = _status_bounds(lines)
    links = [line.strip() for line in lines[start + 1 : end] if _NYGARD_LINK.match(line.strip())]
    section = ["", link_line(new, "Superseded by"), *[x for link in links for x in ("", link)], ""]
    old.path.write_text("\n".join([*lines[: start + 1], *section, *lines[end:]]), encoding="utf-8")


def stale(decisions: list[Decision], today: date) -> list[Decision]:
    """Accepted decisions whose `review-by` date has come."""
    return [
        d
        for d in decisions
        if d.review_by is not None and d.review_by <= today and d.status == "accepted"
    ]


def relinked(decisions: list[Decision]) -> list[Link]:
    return [link for record in decisions for link in record.links]
