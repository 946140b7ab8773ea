"""Who should review a change: recent authors of the files it touches, CODEOWNERS first.

Familiarity with a file is one's share of its changes in the last `familiarity_days`; a
person's score is the sum over the touched files, divided by 1 + their commits in the last 30
days / 30 (busy people are asked less). The change's own authors and bots are left out.
CODEOWNERS (`.github/`, the root or `docs/`) is read with GitHub's rule: the last matching
pattern wins. With `spread`, the best-informed reviewer stays first and the others are those
who know the files least (but do know them): reviews that spread knowledge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from techlead.inputs.files import scanned_text

CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True)
class Reviewer:
    name: str
    score: float
    files: int  # of the touched files they changed lately
    recent_commits: int
    codeowner: bool


def codeowners(root: Path, files: list[str]) -> dict[str, list[str]]:
    """The owners of each file by the repository's CODEOWNERS (last matching line wins)."""
    import pathspec

    for place in CODEOWNERS_PLACES:
        path = root / place
        if path.is_file():
            break
    else:
        return {}
    rules: list[tuple[pathspec.GitIgnoreSpec, list[str]]] = []
    for line in (scanned_text(path, root) or "").splitlines():  # a symlink out is not read
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        pattern, *owners = text.split()
        rules.append((pathspec.GitIgnoreSpec.from_lines([pattern]), owners))
    owned: dict[str, list[str]] = {}
    for file in files:
        for spec, owners in reversed(rules):
            if spec.match_file(file):
                owned[file] = owners
                break
    return owned


def suggest(
    changes: pl.DataFrame,
    commits: pl.DataFrame,
    touched: list[str],
    authors: set[str],
    owners: dict[str, list[str]],
    now: dt.datetime,
    days: int,
    count: int,
    spread: bool = False,
) -> list[Reviewer]:
    """`changes`: file, author, author_time, is_bot (files at HEAD); `commits`: author_name,
    author_time, is_bot."""
    since = now - dt.timedelta(days=days)
    recent = changes.filter(
        pl.col("file").is_in(touched), pl.col("author_time") >= since, ~pl.col("is_bot")
    )
    shares = (
        recent.group_by("file", "author")
        .agg(n=pl.len())
        .with_columns(share=pl.col("n") / pl.col("n").sum().over("file"))
        .group_by("author")
        .agg(score=pl.col("share").sum(), files=pl.len())
    )
    busy = dict(
        commits.filter(pl.col("author_time") >= now - dt.timedelta(days=30), ~pl.col("is_bot"))
        .group_by("author_name")
        .agg(pl.len())
        .iter_rows()
    )
    owner_names = {name for names in owners.values() for name in names}
    found = [
        Reviewer(
            name,
            score / (1 + busy.get(name, 0) / 30),
            files,
            busy.get(name, 0),
            name in owner_names,
        )
        for name, score, files in shares.iter_rows()
        if name not in authors
    ]
    found.sort(key=lambda r: (-r.score, r.name))
    if spread and len(found) > 1:
        found = [found[0], *sorted(found[1:], key=lambda r: (r.score, r.name))]
    suggested = found[:count]
    listed = {r.name for r in suggested}
    extra = [
        Reviewer(name, 0.0, 0, busy.get(name, 0), True)
        for name in sorted(owner_names)
        if name not in listed and name not in authors
    ]
    return [*extra, *suggested] if extra else suggested


@dataclass(frozen=True)
class Backtest:
    """How often the person who merged a branch was among the reviewers suggested for it."""

    merges: int  # evaluated (a merger who also wrote the branch is not a review)
    top1: float
    top3: float
    top5: float
    mrr: float


def backtest(
    changes: pl.DataFrame,
    commits: pl.DataFrame,
    branch_files: list[tuple[dt.datetime, str, set[str], list[str]]],
    days: int,
) -> Backtest:
    """`branch_files`: per merge, its time, the merger, the branch's authors and the files it
    changed. Suggestions use only what happened before each merge."""
    ranks: list[int | None] = []
    for when, merger, authors, touched in branch_files:
        if merger in authors or not touched:
            continue
        before = changes.filter(pl.col("author_time") < when)
        earlier = commits.filter(pl.col("author_time") < when)
        names = [r.name for r in suggest(before, earlier, touched, authors, {}, when, days, 50)]
        ranks.append(names.index(merger) + 1 if merger in names else None)
    if not ranks:
        return Backtest(0, 0.0, 0.0, 0.0, 0.0)

    def within(k: int) -> float:
        return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)

    mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
    return Backtest(len(ranks), within(1), within(3), within(5), mrr)
