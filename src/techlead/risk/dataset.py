"""A repository's changes labelled by SZZ: the data the risk model learns from."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl

from techlead.config import Settings
from techlead.history.scan import History
from techlead.history.test_paths import spec_of_tests
from techlead.risk.features import change_metrics, fix_statement, is_fix
from techlead.risk.szz import blame_fixes


def bug_reports(items: pl.DataFrame) -> dict[str, dt.datetime]:
    """When each imported bug was reported, by the names a commit message may use: the Jira
    or Linear key (`SHOP-12`), and `#12` for GitHub issues (`owner/repo#12`)."""
    bugs = items.filter(pl.col("type").str.to_lowercase().str.contains("bug"))
    found: dict[str, dt.datetime] = {}
    for key, created in bugs.select("key", "created_at").iter_rows():
        name = "#" + key.rsplit("#", 1)[1] if "#" in key else key
        found[name] = created
    return found


def labelled_changes(
    history: History,
    settings: Settings,
    reports: dict[str, dt.datetime],
    cache: Path,
    progress: Callable[[int], None] | None = None,
    start: Callable[[int], None] | None = None,
    metrics: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every non-merge commit with its 14 metrics, `time` and `label` (1: SZZ blames it for a
    bug a later commit fixed), bots left out; and the introductions kept (fix, introducer).
    Test code ([review] test_paths) is not blamed unless [risk] blame_test_code says so."""
    if metrics is None:
        metrics = change_metrics(history, settings.risk)
    fixes_message = is_fix(settings.risk)
    statement = fix_statement(settings.risk)
    ticket = re.compile(settings.debt.ticket_pattern)
    reported: dict[str, dt.datetime] = {}
    fixes: list[tuple[str, str]] = []
    columns = ("commit", "parents", "is_merge", "subject", "body")
    commits = history.commits.select(columns).with_columns(pl.col("subject", "body").fill_null(""))
    for commit, parents, merge, subject, body in commits.iter_rows():
        if merge or not parents:
            continue
        linked = [reports[t] for t in ticket.findall(statement(subject, body)) if t in reports]
        if linked:
            reported[commit] = min(linked)
        if fixes_message(subject, body) or linked:
            fixes.append((commit, parents[0]))
    if start is not None:
        start(len(fixes))
    skipped = [] if settings.risk.blame_test_code else settings.review.test_paths
    spec_of_tests(settings.review)  # a malformed pattern is a configuration error, said here
    found = blame_fixes(history.repo, fixes, cache, progress, skipped)
    fix_set = {fix for fix, _ in fixes}
    times = dict(metrics.select("commit", "author_time").iter_rows())
    kept = found.filter(pl.col("fix").is_in(list(fix_set))).filter(
        pl.col("introducer").is_in(list(times))  # mined, not a merge
    )
    if reported:
        kept = kept.filter(
            pl.struct("fix", "introducer").map_elements(
                lambda row: (
                    row["fix"] not in reported or times[row["introducer"]] <= reported[row["fix"]]
                ),
                return_dtype=pl.Boolean,
            )
        )
    introducers = set(kept.get_column("introducer"))
    labelled = metrics.filter(~pl.col("is_bot")).with_columns(
        time=pl.col("author_time"),
        label=pl.col("commit").is_in(list(introducers)).cast(pl.Int64),
    )
    return labelled, kept.select("fix", "introducer").unique()
