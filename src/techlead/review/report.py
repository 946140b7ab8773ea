"""A review as a Markdown comment for a pull request, as JSON, and as SARIF 2.1.0."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from techlead import sarif as sarif_format
from techlead.review.analysis import Review

_ICON = {True: "✅", False: "❌"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


CAPPED = frozenset({"hotspot", "coupling", "complexity", "ai"})  # never rules, security, tests


def markdown(review: Review, listed: int = 5) -> str:
    """A comment a reviewer can paste into the pull request; hotspots, coupled files,
    complexity and AI-assisted commits show the first `listed` of each (JSON and SARIF keep
    them all), decision rules and security findings are always listed in full."""
    risk = review.risk
    verdict = "go" if review.passed else "needs attention"
    lines = [
        f"## techlead review: {review.base[:10]}..{review.head[:10]} — {verdict}",
        "",
        f"{len(review.commits)} commit(s), {len(review.files)} file(s) changed; "
        + (
            f"highest defect risk {risk:.0%} (model: {review.model})."
            if risk is not None
            else "no risk model trained yet (`techlead risk train`)."
            if review.model is None
            else "no commit to rate."
        ),
        "",
    ]
    if review.commits:
        lines += ["| commit | risk | why | subject |", "|---|---:|---|---|"]
        for c in review.commits:
            shown = "—" if c.risk is None else f"{c.risk:.0%}" + (" ⚠️" if c.risky else "")
            why = "; ".join(c.reasons) or "nothing unusual"
            ai = " (AI-assisted)" if c.ai_assisted else ""
            lines.append(f"| `{c.commit[:10]}` | {shown} | {_cell(why)} | {_cell(c.subject)}{ai} |")
        lines.append("")
    if review.reviewers:
        lines.append(
            "**Suggested reviewers:** " + ", ".join(_reviewer(r) for r in review.reviewers)
        )
        lines.append("")
    by_kind: dict[str, list[str]] = {}
    for f in review.findings:
        where = f"`{f.file}{':' + str(f.line) if f.line else ''}`: " if f.file else ""
        by_kind.setdefault(f.kind, []).append(f"- {where}{f.message}")
    titles = {
        "rule": "Decision rules broken",
        "security": "Security findings on added lines",
        "complexity": "Complexity",
        "coupling": "Files that usually change with these",
        "hotspot": "Hotspots touched",
        "tests": "Tests",
        "ai": "AI-assisted commits",
    }
    for kind, title in titles.items():
        if kind in by_kind:
            items = by_kind[kind]
            capped = kind in CAPPED and len(items) > listed + 1  # "and 1 more" saves nothing
            kept = items[:listed] if capped else items
            more = len(items) - len(kept)
            if more:
                kept = [*kept, f"- and {more} more; full list in --format json / --sarif"]
            lines += [f"**{title}**" + (f" ({len(items)})" if more else ""), "", *kept, ""]
    lines += ["| gate | result | why |", "|---|---|---|"]
    lines += [f"| {g.name} | {_ICON[g.passed]} | {_cell(g.reason)} |" for g in review.gates]
    return "\n".join(lines) + "\n"


def _reviewer(reviewer: Any) -> str:
    owner = " (code owner)" if reviewer.codeowner else ""
    return f"{reviewer.name}{owner}"


def plain(review: Review) -> dict[str, Any]:
    data = dataclasses.asdict(review)
    data["risk"] = review.risk
    data["passed"] = review.passed
    return data


def sarif(review: Review, root: Path) -> dict[str, Any]:
    """Findings with their files and lines, risky commits and failed gates, for code scanning."""
    results: list[dict[str, Any]] = []
    kinds = sorted({f.kind for f in review.findings} | {"risk", "gate"})
    for f in review.findings:
        results.append(
            sarif_format.result(f"techlead/{f.kind}", f.level, f.message, f.file or None, f.line)
        )
    for c in review.commits:
        if c.risky:
            why = f"commit {c.commit[:10]} has defect risk {c.risk:.0%}: " + "; ".join(c.reasons)
            results.append(sarif_format.result("techlead/risk", "warning", why))
    for g in review.gates:
        if not g.passed:
            results.append(sarif_format.result("techlead/gate", "error", g.reason))
    return sarif_format.log([{"id": f"techlead/{k}"} for k in kinds], results, root)
