"""`scan`: bring a repository's cached history up to date, mining only what is new."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from techlead.config import Settings, load_settings
from techlead.errors import GitError
from techlead.history.cache import CachedHistory, CorruptCacheError, HistoryCache, Manifest
from techlead.history.git import (
    Repository,
    head_commit,
    list_commits,
    open_repository,
    resolve_tips,
    run_git,
)
from techlead.history.identities import apply_identities
from techlead.history.miner import mine
from techlead.history.tags import read_tags


class ScanProgress(Protocol):
    """Told how many commits a scan will mine, then as they are mined (from several threads)."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


Frames = tuple[pl.DataFrame, pl.DataFrame]
# mines commits (newest first) with so many workers, reporting progress: e.g. `miner.mine`
Miner = Callable[[Repository, Sequence[str], int, Callable[[int], None] | None], Frames]


@dataclass
class History:
    """A repository's mined history as Polars frames (newest commit first).

    The frames are read from the cache on first use, so commands that need only derived,
    cached results never pay for reading them.
    """

    repo: Repository
    settings: Settings
    tags: pl.DataFrame
    _load: Callable[[], Frames] = field(repr=False)
    _frames: Frames | None = field(default=None, repr=False)
    _commits: pl.DataFrame | None = field(default=None, repr=False)

    def _loaded(self) -> Frames:
        if self._frames is None:
            self._frames = self._load()
        return self._frames

    @property
    def raw_commits(self) -> pl.DataFrame:
        """Commits as mined (identities as `.mailmap` left them)."""
        return self._loaded()[0]

    @property
    def file_changes(self) -> pl.DataFrame:
        """One row per file changed by a non-merge commit, grouped by commit in commit order."""
        return self._loaded()[1]

    @property
    def commits(self) -> pl.DataFrame:
        """Commits with identities resolved: .mailmap, configured aliases, bots, AI assistants."""
        if self._commits is None:
            self._commits = apply_identities(self.raw_commits, self.settings.identities)
        return self._commits


@dataclass(frozen=True)
class ScanResult:
    """What one scan did."""

    history: History
    head: str | None
    new_commits: int
    seconds: float
    cache_dir: Path
    fingerprint: str
    rebuilt_because: str | None = None
    history_rewritten: bool = False


@dataclass
class _Plan:
    to_mine: list[str]
    kept: CachedHistory | None
    rewritten: bool


def cache_directory(repo: Repository, settings: Settings) -> Path:
    """Where a repository's history cache lives."""
    configured = settings.history.cache_dir
    if configured is not None:
        key = hashlib.sha1(str(repo.git_dir).encode(), usedforsecurity=False).hexdigest()[:12]
        return configured / f"{repo.root.name}-{key}" / "history"
    base = repo.git_dir / "techlead" if repo.is_bare else repo.root / ".techlead"
    return base / "cache" / "history"


def keep_out_of_git(repo: Repository, directory: Path) -> None:
    """A `.techlead/.gitignore` of `*` so the cache never shows up as untracked files."""
    top = repo.root / ".techlead"
    if not repo.is_bare and top in directory.parents:
        ignore = top / ".gitignore"
        if not os.path.lexists(ignore):  # a committed symlink there is not written through
            ignore.write_text("*\n", encoding="utf-8")


def identity_source(repo: Repository) -> str:
    """A fingerprint of what `.mailmap` resolution depends on; a change forces a re-mine."""
    digest = hashlib.sha256()
    config = run_git(repo.root, ["config", "--get-regexp", r"^mailmap\."], check=False)
    digest.update(config.stdout)
    if repo.is_bare:
        digest.update(run_git(repo.root, ["cat-file", "-p", "HEAD:.mailmap"], check=False).stdout)
    else:
        mailmap = repo.root / ".mailmap"
        if mailmap.is_file():
            digest.update(mailmap.read_bytes())
    for line in config.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key == "mailmap.file" and Path(value).expanduser().is_file():
            digest.update(Path(value).expanduser().read_bytes())
    return digest.hexdigest()


def _still_contains(repo: Repository, old_tips: list[str], tips: list[str]) -> bool:
    """True when everything reachable from `old_tips` is still reachable from `tips`."""
    if not old_tips:
        return True
    if not tips:
        return False
    revs = "\n".join([*old_tips, *(f"^{tip}" for tip in tips)]) + "\n"
    try:
        result = run_git(repo.root, ["rev-list", "--count", "--stdin"], stdin=revs.encode())
    except GitError:  # an old tip no longer exists: history was rewritten and collected
        return False
    return result.stdout.strip() == b"0"


def _plan(repo: Repository, cached: CachedHistory | None, tips: list[str]) -> _Plan:
    if cached is None:
        return _Plan(list_commits(repo, tips), None, False)
    old_tips = cached.manifest.tips
    if old_tips == tips:
        return _Plan([], cached, False)
    if _still_contains(repo, old_tips, tips):
        return _Plan(list_commits(repo, tips, exclude=old_tips), cached, False)
    reachable = list_commits(repo, tips)
    kept_commits = cached.commits.filter(pl.col("commit").is_in(reachable))
    kept_ids = set(kept_commits.get_column("commit").to_list())
    kept = CachedHistory(
        cached.manifest,
        kept_commits,
        cached.file_changes.filter(pl.col("commit").is_in(kept_ids)),
    )
    return _Plan([sha for sha in reachable if sha not in kept_ids], kept, True)


def scan(
    path: Path,
    settings: Settings | None = None,
    *,
    all_refs: bool | None = None,
    workers: int | None = None,
    rebuild: bool = False,
    progress: ScanProgress | None = None,
    miner: Miner | None = None,
) -> ScanResult:
    """Mine `path`'s repository into its cache (incrementally) and return the whole history.
    `miner` mines a list of commits (default: parallel git processes on this machine)."""
    started = time.perf_counter()
    repo = open_repository(path)
    settings = settings or load_settings(repo.root)
    all_refs = settings.history.all_refs if all_refs is None else all_refs
    cache = HistoryCache(cache_directory(repo, settings))
    with cache.locked():
        keep_out_of_git(repo, cache.directory)
        tips = resolve_tips(repo, all_refs)
        wanted = Manifest(all_refs=all_refs, tips=tips, identity_source=identity_source(repo))
        current = None if rebuild else _current_manifest(cache, wanted)
        if current is None:
            history, outcome = _mine_into_cache(
                repo, settings, cache, wanted, rebuild, workers, progress, miner or mine
            )
        else:
            history, outcome = _read_from_cache(repo, settings, cache, path, current), _Outcome()
    return ScanResult(
        history=history,
        head=tips[0] if tips and not all_refs else head_commit(repo),
        new_commits=outcome.new_commits,
        seconds=time.perf_counter() - started,
        cache_dir=cache.directory,
        fingerprint=(current or wanted).fingerprint(),
        rebuilt_because=outcome.rebuilt_because,
        history_rewritten=outcome.rewritten,
    )


@dataclass(frozen=True)
class _Outcome:
    new_commits: int = 0
    rebuilt_because: str | None = None
    rewritten: bool = False


def _read_from_cache(
    repo: Repository, settings: Settings, cache: HistoryCache, path: Path, manifest: Manifest
) -> History:
    """The cache is current: refresh tags only; frames are read when first used."""
    tags = read_tags(repo)
    if not tags.equals(cache.read_tags()):
        cache.save_tags(tags)

    def load() -> Frames:
        return _load_frames(cache, path, settings, manifest.all_refs)

    return History(repo, settings, tags, load)


def _mine_into_cache(
    repo: Repository,
    settings: Settings,
    cache: HistoryCache,
    wanted: Manifest,
    rebuild: bool,
    workers: int | None,
    progress: ScanProgress | None,
    miner: Miner,
) -> tuple[History, _Outcome]:
    """Mine what the cache lacks, save it (`wanted` gets its parts), return the whole history."""
    cached, reason = _load_cache(cache, wanted.identity_source, rebuild)
    plan = _plan(repo, cached, wanted.tips)
    if progress is not None:
        progress.start(len(plan.to_mine))
    new_commits, new_changes = miner(
        repo,
        plan.to_mine,
        workers if workers is not None else settings.history.workers,
        progress.advance if progress is not None else None,
    )
    tags = read_tags(repo)
    if plan.kept is not None and not plan.rewritten:
        wanted.parts = plan.kept.manifest.parts
        cache.save(wanted, new_commits, new_changes, tags)
    else:
        kept = (plan.kept.commits, plan.kept.file_changes) if plan.kept else None
        cache.save(wanted, new_commits, new_changes, tags, replace_all=kept)
    if plan.kept is not None:
        new_commits = pl.concat([new_commits, plan.kept.commits])
        new_changes = pl.concat([new_changes, plan.kept.file_changes])
    frames = (new_commits, new_changes)
    history = History(repo, settings, tags, lambda: frames, frames)
    return history, _Outcome(len(plan.to_mine), reason, plan.rewritten)


def _current_manifest(cache: HistoryCache, wanted: Manifest) -> Manifest | None:
    """The cache's manifest when it already holds exactly what `wanted` asks for."""
    try:
        manifest = cache.read_manifest()
    except CorruptCacheError:
        return None
    if manifest is None or manifest.model_copy(update={"parts": []}) != wanted:
        return None
    return manifest if cache.has_parts(manifest) else None


def _load_frames(cache: HistoryCache, path: Path, settings: Settings, all_refs: bool) -> Frames:
    """The cached frames; if they turn out unreadable, mine everything again."""
    try:
        cached = cache.load()
    except CorruptCacheError:
        cached = None
    if cached is None:
        history = scan(path, settings, all_refs=all_refs, rebuild=True).history
        return history.raw_commits, history.file_changes
    return cached.commits, cached.file_changes


def _load_cache(
    cache: HistoryCache, source: str, rebuild: bool
) -> tuple[CachedHistory | None, str | None]:
    if rebuild:
        return None, "a rebuild was asked for"
    try:
        cached = cache.load()
    except CorruptCacheError as exc:
        return None, f"the cache was unusable ({exc})"
    if cached is not None and cached.manifest.identity_source != source:
        return None, "the .mailmap changed"
    return cached, None
