"""What runs on a cluster worker for one repository: find or clone it, scan it into its own
Parquet cache (exactly what `techlead scan` does there), and compute one analysis whose small
result travels back. Every failure becomes a result that says what went wrong, so one broken
repository never stops the others."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from techlead.errors import TechleadError
from techlead.history import mine
from techlead.history.git import Repository, run_git
from techlead.history.scan import Frames, ScanResult
from techlead.org.sources import Source
from techlead.project import Project

CHUNK_COMMITS = 20_000  # a history with more commits to mine is split into tasks of this size


@dataclass(frozen=True)
class Options:
    """How every repository is handled (the same for all)."""

    config: Path | None = None  # else each repository's own techlead.toml
    clone_dir: Path | None = None  # where workers clone repositories given by URL
    rebuild: bool = False
    chunk_commits: int = CHUNK_COMMITS
    top: int = 20
    tags: str | None = None  # release tags (glob) instead of each repository's own


@dataclass(frozen=True)
class Outcome:
    """One repository's result: its scan, and the analysis asked for (small frames)."""

    name: str
    location: str
    ok: bool
    error: str | None = None
    path: str | None = None
    commits: int = 0
    new_commits: int = 0
    seconds: float = 0.0
    chunks: int = 0
    worker: str | None = None
    note: str | None = None  # ok, but read with care: a shallow clone, no commits
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)


def clone_path(source: Source, clone_dir: Path) -> Path:
    """Where a URL is cloned: its name and a digest of the URL, so no two URLs share it."""
    digest = hashlib.sha1(source.location.encode(), usedforsecurity=False).hexdigest()[:8]
    return clone_dir / f"{source.name.replace('/', '-')}-{digest}"


def _clone(source: Source, clone_dir: Path | None) -> Path:
    if clone_dir is None:
        raise TechleadError(f"{source.location}: a URL needs --clone-dir (where workers clone)")
    target = clone_path(source, clone_dir)
    if (target / ".git").exists():
        run_git(target, ["pull", "--quiet", "--ff-only"])
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        run_git(target.parent, ["clone", "--quiet", source.location, str(target)])
    return target


def _local(source: Source, options: Options) -> Path:
    if source.is_url:
        return _clone(source, options.clone_dir)
    path = Path(source.location)
    if not path.exists():
        raise TechleadError(f"{path}: no such directory")
    return path


class ChunkedMiner:
    """Mines in one task when the history is small; otherwise in tasks of `chunk` commits on
    the cluster, from inside this task (it leaves its worker slot while it waits). With
    `here_only` (a clone only this worker has) the chunks run on this worker."""

    def __init__(self, chunk: int, here_only: bool = False) -> None:
        self.chunk = chunk
        self.here_only = here_only
        self.chunks = 0  # mining tasks used (this repository's own)

    def __call__(
        self,
        repo: Repository,
        commits: Sequence[str],
        workers: int,
        progress: Callable[[int], None] | None,
    ) -> Frames:
        chunk = self.chunk
        if len(commits) <= chunk:
            self.chunks = 1 if commits else 0
            return mine(repo, commits, workers, progress)
        from distributed import get_worker, worker_client

        parts = [list(commits[at : at + chunk]) for at in range(0, len(commits), chunk)]
        where = [get_worker().address] if self.here_only else None
        with worker_client() as client:
            futures = client.map(
                _mine_part, [str(repo.root)] * len(parts), parts, pure=False, workers=where
            )
            frames = client.gather(futures)
        self.chunks = len(parts)
        return (
            pl.concat([c for c, _ in frames]),
            pl.concat([f for _, f in frames]),
        )


def _mine_part(root: str, commits: list[str]) -> Frames:
    from techlead.history.git import open_repository

    return mine(open_repository(Path(root)), commits, 0, None)


def _worker_name() -> str | None:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return None


def scanned(source: Source, options: Options) -> tuple[ScanResult, Outcome]:
    """Scan one repository (incrementally) into its own cache."""
    started = time.perf_counter()
    project = Project(_local(source, options), config=options.config)
    miner = ChunkedMiner(options.chunk_commits, here_only=source.is_url)
    result = project.refresh(rebuild=options.rebuild, miner=miner)
    repo = result.history.repo
    notes = []
    if repo.is_shallow:
        notes.append("shallow clone: the history is incomplete")
    if result.history.commits.is_empty():
        notes.append("no commits")
    outcome = Outcome(
        source.name,
        source.location,
        True,
        path=str(repo.root),
        commits=result.history.commits.height,
        new_commits=result.new_commits,
        seconds=round(time.perf_counter() - started, 2),
        chunks=miner.chunks,
        worker=_worker_name(),
        note="; ".join(notes) or None,
    )
    return result, outcome


def run_repository(
    source: Source, options: Options, analysis: Callable[[ScanResult, Options], Any] | None
) -> Outcome:
    """Scan, then analyse; any failure is the repository's outcome, not an exception."""
    try:
        result, outcome = scanned(source, options)
        if analysis is None:
            return outcome
        tables = analysis(result, options)
    except TechleadError as exc:
        return Outcome(source.name, source.location, False, str(exc), worker=_worker_name())
    except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        return Outcome(source.name, source.location, False, reason, worker=_worker_name())
    return Outcome(**{**outcome.__dict__, "tables": tables})
