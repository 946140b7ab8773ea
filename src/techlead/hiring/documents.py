"""An interview kit as Markdown (to keep or print) and as a print-ready HTML page (for PDF)."""

from __future__ import annotations

import html

from techlead.hiring.kits import Kit
from techlead.hiring.scorecards import RECOMMENDATIONS
from techlead.plurals import counted


def _fence(code: str, path: str) -> str:
    longest = max((len(run) for run in code.split("\n") if set(run) == {"`"}), default=0)
    ticks = "`" * max(3, longest + 1)
    language = path.rsplit(".", 1)[-1] if "." in path else ""
    return f"{ticks}{language}\n{code}\n{ticks}"


def _bullets(title: str, items: tuple[str, ...]) -> list[str]:
    return [f"*{title}*", "", *(f"- {item}" for item in items), ""] if items else []


def _questions(kit: Kit) -> list[str]:
    lines: list[str] = []
    for number, question in enumerate(kit.questions, 1):
        lines += [
            f"### {number}. {question.title}",
            "",
            f"{question.competency} · {question.minutes} min",
            "",
            question.text,
            "",
            *_bullets("Follow-ups", question.follow_ups),
            *_bullets("A strong answer", question.good),
            *_bullets("A weak answer", question.poor),
        ]
    return lines


def _code(kit: Kit) -> list[str]:
    code = kit.code
    if code is None:
        return []
    return [
        "## Code reading",
        "",
        f"From `{code.path}` (line {code.first_line}), one of this repository's hotspots: "
        f"{counted(code.revisions, 'change')} by {counted(code.authors, 'person', 'people')} "
        f"recently, complexity "
        f"{code.complexity}. Share it only if your policy allows showing this code to "
        "candidates.",
        "",
        _fence(code.code, code.path),
        "",
        "- What does this function do, and how would you name its parts?",
        "- Where would a bug most likely hide? Which inputs would you try first?",
        "- Which tests would you want before changing it?",
        "- How would you change it to make the next change easier?",
        "",
    ]


def _design(kit: Kit) -> list[str]:
    design = kit.design
    if design is None:
        return []
    lines = [
        "## Design discussion",
        "",
        f"Seeded from the team's decision record {design.number}, *{design.title}*. Give the "
        "candidate the context; ask which options they see, what they would decide, and what "
        "would make them change their mind.",
        "",
        "> " + design.context.replace("\n", "\n> "),
        "",
    ]
    if design.options:
        lines += ["*The options the team considered (for the interviewer)*", "", design.options, ""]
    if design.decision:
        lines += ["*What the team decided (reveal after the discussion)*", "", design.decision, ""]
    return lines


def _rubric(kit: Kit) -> list[str]:
    lines = ["## Scoring rubric", "", "| competency | 1 | 2 | 3 | 4 |", "|---|---|---|---|---|"]
    for competency in kit.rubric:
        cells = [competency.anchors[score].replace("|", "\\|") for score in (1, 2, 3, 4)]
        lines.append(f"| **{competency.title}** | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _scorecard(kit: Kit) -> list[str]:
    return [
        "## Scorecard",
        "",
        "Score each competency you have evidence for, write the evidence (what the candidate "
        "said or did), and submit before reading anyone else's scorecard:",
        "",
        "```",
        *(
            f"techlead hire score CANDIDATE --stage {kit.stage.name} --interviewer YOU "
            f'--score {c.name}=N --evidence {c.name}="..." \\'
            for c in kit.rubric[:1]
        ),
        f"    --recommend {'|'.join(RECOMMENDATIONS)}",
        "```",
        "",
        "| competency | score (1-4) | evidence |",
        "|---|---|---|",
        *(f"| {c.title} |  |  |" for c in kit.rubric),
        "",
        f"Recommendation: {' / '.join(RECOMMENDATIONS)}",
        "",
    ]


def kit_markdown(kit: Kit) -> str:
    role, stage = kit.role, kit.stage
    lines = [
        f"# Interview kit: {role.title}, {stage.name} ({stage.minutes} min)",
        "",
        f"Level {role.level}. Competencies: "
        + ", ".join(c.title for c in kit.rubric)
        + f". Questions drawn with seed {kit.seed}.",
        "",
    ]
    if kit.missing:
        lines += [
            f"> The question bank has no question for: {', '.join(kit.missing)}.",
            "",
        ]
    lines += ["## Plan", "", "| minutes | activity |", "|---:|---|"]
    lines += [f"| {slot.minutes} | {slot.activity.replace('|', '/')} |" for slot in kit.plan]
    lines += ["", *_code(kit), *_design(kit)]
    if kit.questions:
        lines += ["## Questions", "", *_questions(kit)]
    lines += [*_rubric(kit), *_scorecard(kit)]
    return "\n".join(lines).rstrip() + "\n"


STYLE = """
body { font-family: system-ui, sans-serif; font-size: 11pt; line-height: 1.45; margin: 0 1em; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.6em; } h3 { font-size: 12pt; }
table { border-collapse: collapse; width: 100%; margin: .6em 0; font-size: 9.5pt; }
th, td { border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; text-align: left; }
pre { background: #f4f4f4; padding: 8px; font-size: 8.5pt; white-space: pre-wrap; }
blockquote { border-left: 3px solid #999; margin-left: 0; padding-left: 1em; color: #333; }
h3 { break-after: avoid; } pre, table { break-inside: avoid; }
"""


def kit_html(markdown: str, title: str) -> str:
    """A standalone page (raw HTML in the Markdown is shown as text, never run)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
