"""AI-assisted changes against the others: share over time, rework, reverts, defect risk.

A commit is AI-assisted when its author or a `Co-authored-by` trailer is a known assistant
(`[identities] ai_assistants` and the built-in list) or its message carries a marker
(`[delivery] ai_markers`). Rework of a commit: the share of the lines it added that are no
longer its own 21 days later (`git blame -w` at the last commit of HEAD's line before then) —
measured on up to `sample` commits per group, the newest first, for commits at least 21 days
old. Reverts: commits a later "This reverts commit …" names.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from techlead.history.git import Repository, lines_added, run_git

REWORK_DAYS = 21
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # what a root commit is compared with
_REVERT = re.compile(r"This reverts commit ([0-9a-f]{7,40})")


@dataclass(frozen=True)
class Group:
    """One side (AI-assisted or not), with the counts behind each figure."""

    name: str
    commits: int
    reverted: int
    rework_commits: int  # measured
    lines_added: int
    lines_rewritten: int
    risk_commits: int
    mean_risk: float | None

    @property
    def revert_rate(self) -> float | None:
        return self.reverted / self.commits if self.commits else None

    @property
    def rework_rate(self) -> float | None:
        return self.lines_rewritten / self.lines_added if self.lines_added else None


def ai_flags(
    commits: pl.DataFrame,
    markers: list[str],
    labelled: frozenset[str] | set[str] = frozenset(),
    ticket: str = r"\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b",
) -> pl.Series:
    """Whether each commit is AI-assisted: an assistant among its identities, a marker in its
    message, or a mention of an imported item labelled AI-assisted (`labelled`)."""
    patterns = [re.compile(m, re.IGNORECASE) for m in markers]
    tickets = re.compile(ticket)
    flags = []
    for assisted, subject, body in commits.select("is_ai_assisted", "subject", "body").iter_rows():
        text = f"{subject}\n{body or ''}"
        flags.append(
            bool(assisted)
            or any(p.search(text) for p in patterns)
            or any(t in labelled for t in tickets.findall(text))
        )
    return pl.Series("ai", flags, dtype=pl.Boolean)


def share_by_period(commits: pl.DataFrame, unit: str) -> pl.DataFrame:
    """AI-assisted share of non-merge, human commits per period (with the counts)."""
    every = {"week": "1w", "month": "1mo", "quarter": "1q"}[unit]
    return (
        commits.sort("author_time")
        .group_by_dynamic("author_time", every=every)
        .agg(commits=pl.len(), ai_assisted=pl.col("ai").sum())
        .with_columns(
            period=pl.col("author_time").dt.strftime("%Y-%m-%d"),
            share=(pl.col("ai_assisted") / pl.col("commits")).round(3),
        )
        .select("period", "commits", "ai_assisted", "share")
    )


def _survivors(repo: Repository, commit: str, path: str, revision: str) -> int:
    found = run_git(repo.root, ["blame", "-w", "--porcelain", revision, "--", path], check=False)
    if found.returncode != 0:
        return 0  # the file is gone: nothing of it survived
    mine = commit.encode()
    return sum(
        1
        for line in found.stdout.split(b"\n")
        if line.startswith(mine) and len(line.split(b" ")) >= 3
    )


def rework(
    repo: Repository, commits: pl.DataFrame, head_line: pl.DataFrame, sample: int
) -> tuple[int, int, int]:
    """(commits measured, lines added, lines no longer theirs after 21 days) for the newest
    `sample` commits old enough to tell. `head_line`: commit, committer_time of HEAD's
    first-parent line."""
    now = dt.datetime.now(dt.UTC)
    old_enough = commits.filter(pl.col("author_time") <= now - dt.timedelta(days=REWORK_DAYS)).sort(
        "author_time", descending=True
    )
    line = head_line.sort("committer_time")
    times = line.get_column("committer_time").to_list()
    ids = line.get_column("commit").to_list()
    measured = added = rewritten = 0
    for commit, when, parents in old_enough.select("commit", "author_time", "parents").iter_rows():
        if measured >= sample:
            break
        index = bisect.bisect_right(times, when + dt.timedelta(days=REWORK_DAYS)) - 1
        if index < 0:
            continue
        revision = ids[index]
        if run_git(
            repo.root, ["merge-base", "--is-ancestor", commit, revision], check=False
        ).returncode:
            continue  # not on HEAD's line by then
        lines = lines_added(repo, parents[0] if parents else EMPTY_TREE, commit)
        count = sum(len(v) for v in lines.values())
        if not count:
            continue
        kept = sum(_survivors(repo, commit, path, revision) for path in lines)
        measured += 1
        added += count
        rewritten += max(count - kept, 0)
    return measured, added, rewritten


def compare(
    repo: Repository,
    commits: pl.DataFrame,
    head_line: pl.DataFrame,
    risks: dict[str, float] | None,
    sample: int,
) -> list[Group]:
    """`commits`: non-merge human commits with `ai`, `commit`, `author_time`, `parents`, `body`."""
    reverted: set[str] = set()
    for body in commits.get_column("body").fill_null("").to_list():
        reverted.update(_REVERT.findall(body))
    groups = []
    for name, flag in (("AI-assisted", True), ("other", False)):
        mine = commits.filter(pl.col("ai") == flag)
        ids = mine.get_column("commit").to_list()
        hit = sum(1 for c in ids if any(c.startswith(r) for r in reverted))
        measured, added, rewritten = rework(repo, mine, head_line, sample)
        scored = [risks[c] for c in ids if risks and c in risks]
        groups.append(
            Group(
                name,
                len(ids),
                hit,
                measured,
                added,
                rewritten,
                len(scored),
                sum(scored) / len(scored) if scored else None,
            )
        )
    return groups


def as_rows(groups: list[Group]) -> list[dict[str, Any]]:
    return [
        {
            "group": g.name,
            "commits": g.commits,
            "reverted": g.reverted,
            "revert_rate": None if g.revert_rate is None else round(g.revert_rate, 3),
            "rework_measured_commits": g.rework_commits,
            "lines_added": g.lines_added,
            "lines_rewritten_21d": g.lines_rewritten,
            "rework_rate": None if g.rework_rate is None else round(g.rework_rate, 3),
            "risk_scored_commits": g.risk_commits,
            "mean_risk": None if g.mean_risk is None else round(g.mean_risk, 3),
        }
        for g in groups
    ]
