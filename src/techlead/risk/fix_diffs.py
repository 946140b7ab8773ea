"""The diffs of many fix commits against their first parents, from one git process.

`git diff-tree --stdin` reads "FIX PARENT" lines and prints, for each, the FIX id on a line of
its own and then the same patch `git diff PARENT FIX` would print: one process instead of one
per fix, streamed so that a history of large fixes never sits in memory at once.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator, Sequence
from typing import IO

from techlead.history.git import Repository, git_command, git_environment, run_git

DIFF_OPTIONS = ("-p", "-w", "-U0", "--no-color", "--no-ext-diff", "--no-renames")


def fix_diffs(repo: Repository, pairs: Sequence[tuple[str, str]]) -> Iterator[tuple[str, bytes]]:
    """(fix, its diff against the parent given) for each pair, in the order given; a fix
    without a diff (an empty commit, whitespace only in -w terms) comes with b""."""
    if not pairs:
        return
    command = git_command(repo.root, "diff-tree", "--stdin", "--always", *DIFF_OPTIONS)
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=git_environment(),
        bufsize=1 << 20,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    writer = threading.Thread(target=_feed, args=(process.stdin, pairs), daemon=True)
    writer.start()
    done: set[str] = set()
    held: tuple[str, bytes] | None = None  # the last diff is whole only if git exits cleanly
    try:
        for item in _split(process.stdout, [fix for fix, _ in pairs]):
            if held is not None:
                done.add(held[0])
                yield held
            held = item
        if held is not None and process.wait() == 0:
            done.add(held[0])
            yield held
    finally:
        process.stdout.close()
        process.kill()
        process.wait()
        writer.join()
    for fix, parent in pairs:  # git stopped early (e.g. a missing object): one by one
        if fix not in done:
            yield fix, _one_diff(repo, fix, parent)


def _one_diff(repo: Repository, fix: str, parent: str) -> bytes:
    args = ["diff", *DIFF_OPTIONS[1:], parent, fix]
    return run_git(repo.root, args, check=False).stdout


def _feed(stdin: IO[bytes], pairs: Sequence[tuple[str, str]]) -> None:
    try:
        for fix, parent in pairs:
            stdin.write(f"{fix} {parent}\n".encode())
        stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # git stopped reading


def _split(stdout: IO[bytes], fixes: list[str]) -> Iterator[tuple[str, bytes]]:
    """Cut the stream at each fix id, which `--always` prints for every pair, in order. Patch
    lines always start with a marker (`+`, `-`, ` `, `@`, `diff`, ...), so a line that is
    exactly the next fix id is its header."""
    position = 0
    current: str | None = None
    chunk: list[bytes] = []
    for line in stdout:
        if position < len(fixes) and line.rstrip(b"\n") == fixes[position].encode():
            if current is not None:
                yield current, b"".join(chunk)
            current, chunk = fixes[position], []
            position += 1
            continue
        chunk.append(line)
    if current is not None:
        yield current, b"".join(chunk)
