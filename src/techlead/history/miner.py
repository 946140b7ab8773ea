"""Mining commits with concurrent `git diff-tree` processes.

History is split into segments; each segment is mined by two git processes at once, one from its
newest commit down and one from its oldest up, and each commit is kept by whichever reaches it
first. The two meet wherever the work is balanced, however unevenly costly the commits are, and
each process keeps a long contiguous run (git's delta cache stays warm).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO

import polars as pl

from techlead.errors import GitError
from techlead.history import schema
from techlead.history.git import Repository, git_command, git_environment
from techlead.history.log_format import DIFF_TREE_ARGS, MinedColumns, parse, tokens
from techlead.workers import default_workers

ProgressCallback = Callable[[int], None]

_BLOCK = 1 << 20
_MIN_SEGMENT = 64


class _Segment:
    """A contiguous stretch of the commit list that two readers claim from opposite ends."""

    def __init__(self, commits: Sequence[str], offset: int) -> None:
        self.commits = commits
        self.offset = offset
        self._low = 0
        self._high = len(commits) - 1
        self._lock = threading.Lock()

    def claim(self, sha: str, from_top: bool) -> int | None:
        """The commit's index in the whole list if this reader gets it, else None."""
        with self._lock:
            if self._low > self._high:
                return None
            position = self._low if from_top else self._high
            if self.commits[position] != sha:
                raise ValueError(f"git printed {sha} where {self.commits[position]} was expected")
            if from_top:
                self._low += 1
            else:
                self._high -= 1
            return self.offset + position


def split_segments(commits: Sequence[str], workers: int) -> list[_Segment]:
    if not commits:
        return []
    count = max(1, min(workers // 2, len(commits) // _MIN_SEGMENT))
    size = -(-len(commits) // count)
    return [_Segment(commits[at : at + size], at) for at in range(0, len(commits), size)]


def _read_blocks(stdout: IO[bytes]) -> Iterator[bytes]:
    descriptor = stdout.fileno()
    while block := os.read(descriptor, _BLOCK):
        yield block


def _widen_pipe(stdout: IO[bytes]) -> None:
    """Let git run ahead of the parser instead of stalling on a 64 KiB pipe (Linux only)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(stdout.fileno(), set_size, _BLOCK)


def mine_reader(
    repo: Repository,
    segment: _Segment,
    from_top: bool,
    progress: ProgressCallback | None = None,
) -> tuple[MinedColumns, list[int]]:
    """Run one `git diff-tree --stdin` over a segment in one direction until it meets the other."""
    out = MinedColumns()
    order: list[int] = []

    def claim(sha: str) -> bool:
        index = segment.claim(sha, from_top)
        if index is None:
            return False
        order.append(index)
        if progress is not None:
            progress(1)
        return True

    ids = segment.commits if from_top else segment.commits[::-1]
    # stdin and stderr are files: nothing can block on them while stdout is being read
    with tempfile.TemporaryFile() as listing, tempfile.TemporaryFile() as errors:
        listing.write(("\n".join(ids) + "\n").encode())
        listing.seek(0)
        process = subprocess.Popen(
            git_command(repo.root, *DIFF_TREE_ARGS),
            stdin=listing,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=git_environment(),
        )
        assert process.stdout is not None
        _widen_pipe(process.stdout)
        with process.stdout:
            try:
                parse(tokens(_read_blocks(process.stdout)), out, claim)
            except (ValueError, StopIteration) as exc:
                raise GitError(f"cannot read git output in {repo.root}: {exc}") from exc
            finally:
                stopped_early = process.poll() is None and not _drained(process.stdout)
                if stopped_early:
                    process.kill()
                code = process.wait()
        if code != 0 and not stopped_early:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git diff-tree failed in {repo.root}: {lines[0] if lines else code}")
    return out, order


def _drained(stdout: IO[bytes]) -> bool:
    return stdout.read(1) == b""


def _seconds_to_time(seconds: list[int]) -> pl.Series:
    return (pl.Series(seconds, dtype=pl.Int64) * 1_000_000).cast(schema.UTC_TIME)


def to_frames(mined: MinedColumns, order: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Frames of one reader's commits, each row tagged with its commit's place in the list."""
    commits = pl.DataFrame(
        {
            "commit": mined.commit,
            "parents": pl.Series(mined.parents, dtype=pl.List(pl.String)),
            "author_name": mined.author_name,
            "author_email": mined.author_email,
            "author_time": _seconds_to_time(mined.author_time),
            "author_tz": pl.Series(mined.author_tz, dtype=pl.Int16),
            "committer_name": mined.committer_name,
            "committer_email": mined.committer_email,
            "committer_time": _seconds_to_time(mined.committer_time),
            "committer_tz": pl.Series(mined.committer_tz, dtype=pl.Int16),
            "subject": mined.subject,
            "body": mined.body,
            "co_authors": pl.Series(mined.co_authors, dtype=pl.List(pl.String)),
            "_order": pl.Series(order, dtype=pl.Int64),
        },
        schema_overrides=dict(schema.COMMITS.items()),
    ).with_columns(is_merge=pl.col("parents").list.len() > 1)
    changes = pl.DataFrame(
        {
            "commit": mined.fc_commit,
            "path": mined.fc_path,
            "old_path": mined.fc_old_path,
            "change_type": mined.fc_change,
            "added": mined.fc_added,
            "deleted": mined.fc_deleted,
            "blob": mined.fc_blob,
            "mode": mined.fc_mode,
        },
        schema_overrides=dict(schema.FILE_CHANGES.items()),
    ).with_columns(is_binary=pl.col("added").is_null())
    order_of = commits.select("commit", "_order")
    changes = changes.join(order_of, on="commit", how="left", maintain_order="left")
    return (
        commits.select(*schema.COMMITS.names(), "_order"),
        changes.select(*schema.FILE_CHANGES.names(), "_order"),
    )


def mine(
    repo: Repository,
    commits: Sequence[str],
    workers: int = 0,
    progress: ProgressCallback | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mine `commits` (newest first) into commit and file-change frames, in the same order."""
    if not commits:
        empty = to_frames(MinedColumns(), [])
        return empty[0].drop("_order"), empty[1].drop("_order")
    workers = workers or default_workers()
    segments = split_segments(commits, workers)
    readers = [(segment, True) for segment in segments]
    if workers > 1:
        readers += [(segment, False) for segment in segments]

    def work(reader: tuple[_Segment, bool]) -> tuple[pl.DataFrame, pl.DataFrame]:
        return to_frames(*mine_reader(repo, reader[0], reader[1], progress))

    with ThreadPoolExecutor(max_workers=len(readers)) as pool:
        frames = list(pool.map(work, readers))
    commit_frame = pl.concat([c for c, _ in frames]).sort("_order").drop("_order")
    change_frame = pl.concat([f for _, f in frames]).sort("_order", maintain_order=True)
    return commit_frame, change_frame.drop("_order")
