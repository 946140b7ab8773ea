"""What `techlead scan` prints: how much history, by whom, when, in which languages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import PurePosixPath

import polars as pl

from techlead.history.git import Repository, run_git
from techlead.history.scan import ScanResult


@dataclass(frozen=True)
class LanguageShare:
    language: str
    files: int
    share: float


@dataclass(frozen=True)
class ScanSummary:
    """A repository's history in numbers, as `techlead scan` reports it."""

    repo: str
    head: str | None
    commits: int
    new_commits: int
    merges: int
    file_changes: int
    authors: int
    bots: int
    ai_assisted_commits: int
    files: int
    first_commit_at: datetime | None
    last_commit_at: datetime | None
    seconds: float
    languages: list[LanguageShare] = field(default_factory=list)
    cache_dir: str = ""
    history_rewritten: bool = False
    rebuilt_because: str | None = None
    bot_names: list[str] = field(default_factory=list)  # most commits first


# Suffixes several Pygments lexers claim, settled for the language most repositories mean.
_COMMON_MEANING = {".m": "Objective-C", ".r": "R", ".h": "C", ".v": "Verilog"}


@lru_cache(maxsize=1)
def _language_table() -> tuple[dict[str, str], dict[str, str]]:
    """Pygments' file-name patterns as suffix and exact-name tables (no lexer is imported)."""
    from pygments.lexers import get_all_lexers

    suffixes: dict[str, tuple[int, str]] = {}
    names: dict[str, tuple[int, str]] = {}
    for language, _aliases, patterns, _mimetypes in get_all_lexers():
        if language == "Text only":
            continue
        for rank, pattern in enumerate(patterns):
            # a lexer's first pattern is its own language's; later ones are shared extras
            choice = (0 if rank == 0 else 1, language)
            if pattern.startswith("*.") and not any(c in pattern[2:] for c in "*?["):
                key = pattern[1:].lower()
                suffixes[key] = min(suffixes.get(key, choice), choice)
            elif not any(c in pattern for c in "*?["):
                names[pattern] = min(names.get(pattern, choice), choice)
    return (
        {key: language for key, (_, language) in suffixes.items()} | _COMMON_MEANING,
        {key: language for key, (_, language) in names.items()},
    )


def language_of(filename: str) -> str | None:
    """The language a file name suggests (Pygments' names), None for unknown or plain text."""
    suffixes, names = _language_table()
    name = PurePosixPath(filename).name
    if name in names:
        return names[name]
    suffix = PurePosixPath(name).suffix.lower()
    return suffixes.get(suffix) if suffix else None


def _language_key(path: str) -> str:
    name = PurePosixPath(path).name
    suffix = PurePosixPath(name).suffix
    return f"x{suffix.lower()}" if suffix else name


def files_at_head(repo: Repository, head: str | None) -> list[str]:
    if head is None:
        return []
    output = run_git(repo.root, ["ls-tree", "-r", "-z", "--name-only", head]).stdout
    return [name for name in output.decode("utf-8", "backslashreplace").split("\0") if name]


def top_languages(paths: list[str], limit: int = 5) -> list[LanguageShare]:
    """The most common languages among `paths` by number of files."""
    counts = Counter(_language_key(path) for path in paths)
    by_language: Counter[str] = Counter()
    for key, count in counts.items():
        language = language_of(key)
        if language is not None:
            by_language[language] += count
    total = sum(counts.values()) or 1
    ranked = sorted(by_language.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [LanguageShare(name, count, round(count / total, 4)) for name, count in ranked]


def summarize(result: ScanResult) -> ScanSummary:
    """Summarise one scan."""
    history = result.history
    commits = history.commits
    people = commits.filter(~pl.col("is_bot")).get_column("author_email").str.to_lowercase()
    bots = commits.filter(pl.col("is_bot")).get_column("author_email").str.to_lowercase()
    bot_names = (
        commits.filter(pl.col("is_bot"))
        .group_by("author_name")
        .agg(commits=pl.len())
        .sort(["commits", "author_name"], descending=[True, False])
        .get_column("author_name")
        .to_list()
    )
    paths = files_at_head(history.repo, result.head)
    times = commits.get_column("author_time")
    return ScanSummary(
        repo=str(history.repo.root),
        head=result.head,
        commits=commits.height,
        new_commits=result.new_commits,
        merges=int(commits.get_column("is_merge").sum()),
        file_changes=history.file_changes.height,
        authors=people.n_unique(),
        bots=bots.n_unique(),
        ai_assisted_commits=int(commits.get_column("is_ai_assisted").sum()),
        files=len(paths),
        first_commit_at=times.min() if commits.height else None,  # type: ignore[arg-type]
        last_commit_at=times.max() if commits.height else None,  # type: ignore[arg-type]
        seconds=round(result.seconds, 3),
        languages=top_languages(paths),
        cache_dir=str(result.cache_dir),
        history_rewritten=result.history_rewritten,
        rebuilt_because=result.rebuilt_because,
        bot_names=bot_names,
    )
