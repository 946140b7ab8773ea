"""One decision explained on one page: what was decided, the options, the criteria and their
weights, the decision matrix when there is one, and the consequences."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from techlead.config import Settings
from techlead.decisions.matrix import load_matrix, ranking, sensitivity
from techlead.decisions.store import decision_directory, find, load_decisions, slugify
from techlead.report.stakeholder import PALETTE, _svg
from techlead.sanitised_markdown import markdown_html

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def _sections(text: str) -> dict[str, str]:
    """The record's `## ` sections by lowercase title."""
    found: dict[str, str] = {}
    marks = list(_SECTION.finditer(text))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        found[mark.group(1).strip().lower()] = text[mark.end() : end].strip()
    return found


def tradeoff_context(root: Path, settings: Settings, number: int) -> dict[str, Any]:
    """Everything the trade-off template shows."""
    directory = decision_directory(root, settings.decisions.directory)
    record = find(load_decisions(directory), number)
    parts = _sections(record.text)

    def part(*names: str) -> str | None:
        for name in names:
            for title, body in parts.items():
                if title.startswith(name):
                    return str(markdown_html(body))
        return None

    context: dict[str, Any] = {
        "number": record.number,
        "title": record.title,
        "status": record.status,
        "date": record.date,
        "context": part("context"),
        "options": part("considered options", "options"),
        "outcome": part("decision outcome", "decision"),
        "consequences": part("consequences", "pros and cons"),
        "matrix": None,
        "chart": None,
    }
    matrix_file = directory / "matrices" / f"{slugify(record.title)}.toml"
    if matrix_file.is_file():
        matrix = load_matrix(matrix_file, directory)
        ranked = ranking(matrix)
        context["matrix"] = {
            "criteria": matrix.criteria,
            "scores": matrix.scores,
            "ranking": ranked,
            "sensitivity": [s.describe() for s in sensitivity(matrix)],
        }
        context["chart"] = _svg(_scores_chart(ranked))
    return context


def _scores_chart(ranked: list[tuple[str, float]]) -> dict[str, Any]:
    import altair as alt

    spec: dict[str, Any] = (
        alt.Chart(alt.InlineData(values=[{"option": o, "score": s} for o, s in ranked]))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X(
                "score:Q",
                title="Weighted score (1 poor, 5 excellent)",
                scale=alt.Scale(domain=[0, 5]),
            ),
            y=alt.Y("option:N", title=None, sort="-x"),
        )
        .properties(width=420, height=28 * len(ranked), title="How the options scored")
        .to_dict()
    )
    return spec
