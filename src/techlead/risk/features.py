"""The 14 change metrics of Kamei et al. (TSE 2013) for every commit, from mined history.

Each commit's metrics use only the history before it: the file metrics take commits oldest
first in the mined order (a change continues its parent's files), the author's experience
(EXP, REXP, SEXP) takes them in author-time order, the time shown beside them. Definitions,
per commit (merges have no file changes and are left out):

* NS, ND, NF: subsystems (first path component; "" for files at the top), directories and
  files changed.
* Entropy: how the changed lines spread over the files, -sum(p * log2 p) with p a file's
  share of the commit's added + deleted lines (bits; 0 for one file).
* LA, LD: lines added and deleted (text files); LT: lines the changed files had before the
  change (followed through renames; 0 for new files).
* FIX: 1 when the subject matches one of `[risk] fix_patterns`, or the body has a fix trailer
  (`Fixes: #12`, `Closes #12`; `[risk] fix_scope` and `fix_trailer_patterns`).
* NDEV: developers who changed these files before; AGE: mean days since each file's previous
  change (files changed before only; 0 if none); NUC: distinct earlier commits that changed
  these files.
* EXP: the author's earlier commits; REXP: those weighted by recency, each 1 / (1 + whole
  years between it and this commit); SEXP: the author's earlier commits touching any of
  these subsystems.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from techlead.config import RiskSettings
from techlead.history.scan import History, ScanResult

METRICS = (
    "ns",
    "nd",
    "nf",
    "entropy",
    "la",
    "ld",
    "lt",
    "fix",
    "ndev",
    "age",
    "nuc",
    "exp",
    "rexp",
    "sexp",
)
SCHEMA = pl.Schema(
    {
        "commit": pl.String(),
        "author_time": pl.Datetime("us", "UTC"),
        "author": pl.String(),
        "is_bot": pl.Boolean(),
        "is_ai_assisted": pl.Boolean(),
        **{name: pl.Float64() for name in METRICS},
    }
)
_YEAR = dt.timedelta(days=365.25)
_FORMAT = "2"  # of the cached metrics (2: experience in author-time order)
_DAY_SECONDS = 86_400.0


@dataclass
class _FileState:
    lines: int = 0
    commits: int = 0  # bit i: the i-th commit (oldest first) changed the file
    developers: set[int] = field(default_factory=set)
    last_change: dt.datetime | None = None


def fix_statement(settings: RiskSettings) -> Callable[[str, str], str]:
    """The part of a commit message that may say it fixes a bug, as `[risk] fix_scope` reads
    it: the subject; with `subject+trailers` also the body lines that are fix trailers
    (`Fixes: #12`, `Closes #12`); with `message` the whole message. A body that merely
    mentions fixing ("easier to fix #12 later") is not read unless the scope is `message`."""
    trailers = [re.compile(pattern) for pattern in settings.fix_trailer_patterns]
    scope = settings.fix_scope

    def statement(subject: str, body: str = "") -> str:
        if scope == "subject" or not body:
            return subject
        if scope == "message":
            return f"{subject}\n{body}" if subject else body
        lines = [line for line in body.splitlines() if any(t.search(line) for t in trailers)]
        return "\n".join([subject, *lines])

    return statement


def is_fix(settings: RiskSettings) -> Callable[[str, str], bool]:
    """Whether a commit's subject and body say it fixes a bug (see `fix_statement`): a
    subject matching `[risk] fix_patterns`, or a fix trailer in the body."""
    patterns = [re.compile(pattern) for pattern in settings.fix_patterns]
    statement = fix_statement(settings)
    scope = settings.fix_scope

    def fixes(subject: str, body: str = "") -> bool:
        text = statement(subject, body)
        if any(pattern.search(text) for pattern in patterns):
            return True
        return scope == "subject+trailers" and text != subject  # a trailer said so

    return fixes


def fix_settings_key(settings: RiskSettings) -> list[str]:
    """What decides which commits are fixes (part of every cache key over FIX or SZZ)."""
    return [settings.fix_scope, *settings.fix_patterns, "\0", *settings.fix_trailer_patterns]


def change_metrics(history: History, settings: RiskSettings) -> pl.DataFrame:
    """One row per non-merge commit (newest first, like the history), with the 14 metrics."""
    commits = history.commits.filter(~pl.col("is_merge")).reverse()
    by_commit: dict[str, list[tuple[str, str | None, str, int | None, int | None, bool]]] = {}
    for commit, *change in history.file_changes.select("commit", *_CHANGE).iter_rows():
        by_commit.setdefault(commit, []).append(tuple(change))
    fixes = is_fix(settings)
    files: dict[str, _FileState] = {}
    developer_ids: dict[str, int] = {}
    rows: list[tuple[object, ...]] = []
    authored: list[tuple[dt.datetime, int, set[str]]] = []
    columns = (
        "commit",
        "author_time",
        "author_name",
        "is_bot",
        "is_ai_assisted",
        "subject",
        "body",
    )
    for index, row in enumerate(commits.select(columns).iter_rows()):
        commit, when, author, is_bot, ai, *message = row
        developer = developer_ids.setdefault(author, len(developer_ids))
        changed = by_commit.get(commit, [])
        metrics = _metrics(changed, when, files)
        fix = 1.0 if fixes(message[0] or "", message[1] or "") else 0.0
        rows.append((commit, when, author, is_bot, ai, *metrics[:7], fix, *metrics[7:]))
        _record(changed, index, when, developer, files)
        authored.append((when, developer, {_subsystem(path) for path, *_ in changed}))
    experience = _experience(authored)
    rows = [(*row, *known) for row, known in zip(rows, experience, strict=True)]
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row") if rows else SCHEMA.to_frame()
    return frame.reverse()


def _experience(authored: list[tuple[dt.datetime, int, set[str]]]) -> list[tuple[float, ...]]:
    """EXP, REXP and SEXP of each commit (when, developer, subsystems), counted in author-time
    order, the time `risk changes` shows: a commit rebased or cherry-picked after a later one
    does not count as earlier experience. Commits of one author at the same second keep the
    mined order."""
    order = sorted(range(len(authored)), key=lambda i: (authored[i][0], i))
    author_times: dict[int, list[dt.datetime]] = {}
    author_subsystems: dict[tuple[int, str], int] = {}
    found: list[tuple[float, ...]] = [()] * len(authored)
    for rank, index in enumerate(order):
        when, developer, subsystems = authored[index]
        times = author_times.setdefault(developer, [])
        commits = 0
        for subsystem in subsystems:
            commits |= author_subsystems.get((developer, subsystem), 0)
        found[index] = (
            float(len(times)),
            _recent_experience(times, when),
            float(commits.bit_count()),
        )
        times.append(when)
        bit = 1 << rank
        for subsystem in subsystems:
            key = (developer, subsystem)
            author_subsystems[key] = author_subsystems.get(key, 0) | bit
    return found


_CHANGE = ("path", "old_path", "change_type", "added", "deleted", "is_binary")


def _prior(path: str, old_path: str | None, change_type: str) -> str:
    """The path whose history a changed file continues."""
    return old_path if change_type[:1] in {"R", "C"} and old_path else path


def _metrics(
    changed: list[tuple[str, str | None, str, int | None, int | None, bool]],
    when: dt.datetime,
    files: dict[str, _FileState],
) -> tuple[float, ...]:
    """NS, ND, NF, Entropy, LA, LD, LT, NDEV, AGE and NUC of one change."""
    subsystems = {_subsystem(path) for path, *_ in changed}
    directories = {posixpath.dirname(path) for path, *_ in changed}
    added = deleted = lines_before = 0
    churns: list[int] = []
    earlier = 0
    developers: set[int] = set()
    ages: list[float] = []
    for path, old_path, change_type, plus, minus, binary in changed:
        state = files.get(_prior(path, old_path, change_type))
        if not binary:
            added += plus or 0
            deleted += minus or 0
            churns.append((plus or 0) + (minus or 0))
            lines_before += state.lines if state else 0
        if state is not None:
            earlier |= state.commits
            developers |= state.developers
            if state.last_change is not None:
                ages.append(max((when - state.last_change).total_seconds(), 0.0) / _DAY_SECONDS)
    total = sum(churns)
    entropy = -sum(c / total * math.log2(c / total) for c in churns if c) if total else 0.0
    return (
        float(len(subsystems)),
        float(len(directories)),
        float(len(changed)),
        entropy + 0.0,
        float(added),
        float(deleted),
        float(lines_before),
        float(len(developers)),
        sum(ages) / len(ages) if ages else 0.0,
        float(earlier.bit_count()),
    )


def _recent_experience(times: list[dt.datetime], when: dt.datetime) -> float:
    """Sum over earlier commits of 1 / (1 + whole years before `when`); `times` is sorted."""
    total = 0.0
    upper = bisect.bisect_right(times, when)
    total += len(times) - upper  # dated after this commit (rebased): this year
    years = 0
    while upper > 0:
        lower = bisect.bisect_right(times, when - (years + 1) * _YEAR)
        total += (upper - lower) / (1 + years)
        upper = lower
        years += 1
    return total


def _subsystem(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else ""


def _record(
    changed: list[tuple[str, str | None, str, int | None, int | None, bool]],
    index: int,
    when: dt.datetime,
    developer: int,
    files: dict[str, _FileState],
) -> None:
    bit = 1 << index
    for path, old_path, change_type, plus, minus, _binary in changed:
        prior = _prior(path, old_path, change_type)
        before = files.pop(prior, None) if change_type[:1] == "R" else files.get(prior)
        if change_type[:1] == "D":
            files.pop(path, None)
            continue
        state = _FileState(
            lines=max((before.lines if before else 0) + (plus or 0) - (minus or 0), 0),
            commits=(before.commits if before else 0) | bit,
            developers={*(before.developers if before else ()), developer},
            last_change=when,
        )
        files[path] = state


def cached_metrics(result: ScanResult, settings: RiskSettings, cache: Path) -> pl.DataFrame:
    """`change_metrics`, kept in `cache` for this exact history and these fix patterns."""
    import hashlib

    key = hashlib.sha1(
        "\0".join([_FORMAT, result.fingerprint, *fix_settings_key(settings)]).encode(),
        usedforsecurity=False,
    ).hexdigest()[:16]
    file = cache / f"metrics-{key}.parquet"
    if file.is_file():
        try:
            return pl.read_parquet(file)
        except (OSError, pl.exceptions.PolarsError):
            pass  # unreadable: computed again below
    frame = change_metrics(result.history, settings)
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("metrics-*.parquet"):
        old.unlink(missing_ok=True)
    partial = file.with_suffix(".partial")
    frame.write_parquet(partial)
    partial.replace(file)
    return frame


def risk_cache(result: ScanResult) -> Path:
    """Where the risk model and its intermediate results live: beside the history cache."""
    from techlead.history.scan import cache_directory

    return cache_directory(result.history.repo, result.history.settings).parent / "risk"
