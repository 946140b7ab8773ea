"""Small real git repositories built on the fly, with chosen authors, dates and contents."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

DEFAULT_AUTHOR = "Ann Lead <ann@example.com>"
_ISOLATED = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "LC_ALL": "C",
    "TZ": "UTC",
    "GIT_AUTHOR_NAME": "Test Runner",
    "GIT_AUTHOR_EMAIL": "runner@example.com",
    "GIT_COMMITTER_NAME": "Test Runner",
    "GIT_COMMITTER_EMAIL": "runner@example.com",
}


def _split(identity: str) -> tuple[str, str]:
    name, _, email = identity.partition("<")
    return name.strip(), email.rstrip(">").strip()


class GitRepo:
    """A git working tree in a temporary directory, driven like a developer would."""

    def __init__(self, path: Path, *, init: bool = True) -> None:
        self.path = path
        self._tick = 0
        if init:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main")

    def git(
        self, *args: str | Path, env: dict[str, str] | None = None, input: bytes | None = None
    ) -> str:
        result = subprocess.run(
            ["git", "-C", str(self.path), *map(str, args)],
            env={**os.environ, **_ISOLATED, **(env or {})},
            input=input,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode("utf-8", "replace").strip()

    def write(self, name: str | bytes, content: str | bytes) -> None:
        target = self.path / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", "--", old, new)

    def commit(
        self,
        message: str = "change",
        files: dict[str, str | bytes | None] | None = None,
        *,
        author: str = DEFAULT_AUTHOR,
        committer: str | None = None,
        date: str | None = None,
        allow_empty: bool = False,
    ) -> str:
        """Write (or, for None, delete) `files`, stage everything and commit; return the id."""
        for name, content in (files or {}).items():
            if content is None:
                self.git("rm", "-q", "--", name)
            else:
                self.write(name, content)
        self.git("add", "-A")
        self._tick += 1
        when = date or f"@{1704067200 + self._tick * 3600} +0000"
        author_name, author_email = _split(author)
        committer_name, committer_email = _split(committer or author)
        env = {
            "GIT_AUTHOR_NAME": author_name,
            "GIT_AUTHOR_EMAIL": author_email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": committer_name,
            "GIT_COMMITTER_EMAIL": committer_email,
            "GIT_COMMITTER_DATE": when,
        }
        extra = ["--allow-empty"] if allow_empty else []
        self.git("commit", "-q", "--no-verify", *extra, "-F", "-", env=env, input=message.encode())
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def numstat_totals(self, *revs: str) -> tuple[int, int]:
        """Lines added and deleted as plain `git log --numstat` counts them."""
        output = self.git("log", "-M", "--numstat", "--format=", *(revs or ("HEAD",)))
        added = deleted = 0
        for line in output.splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0] != "-":
                added += int(parts[0])
                deleted += int(parts[1])
        return added, deleted
