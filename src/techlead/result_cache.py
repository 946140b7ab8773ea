"""Answers of read-only analyses kept per HEAD, so that asking again over an unchanged
repository prints the same answer without mining, measuring or importing Polars (ADR 0032).

`techlead.cli.main` asks `lookup` before it builds the command: the key is computed here from
what the answer depends on (the command line, the working directory, HEAD, the settings files,
the mailmap, the history cache's manifest, today's date, how stdout and stderr are laid out,
the version and the installed code's files), with only the standard library and two `git`
calls. A hit replays the stored stdout and stderr; a miss runs the command with both streams
copied, and stores the copy when the command succeeded, showed no progress and nothing it
depends on moved meanwhile. An entry that does not match, cannot be read or has expired is
ignored: never a wrong answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from techlead import __version__

FORMAT = 1
DIRECTORY = Path(".techlead") / "cache" / "results"
MANIFEST = Path(".techlead") / "cache" / "history" / "manifest.json"
MAX_ENTRY_BYTES = 1 << 20  # a larger answer is computed each time
MAX_ENTRIES = 64  # per repository; the least recently written are removed first
# what Rich (and techlead's own consoles and progress lines) read to lay out their output
LAYOUT_VARIABLES = (
    "COLUMNS",
    "LINES",
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "PYTHONIOENCODING",
)
OFF_OPTION = "--no-cache"
_ENTRY = re.compile(r"[0-9a-f]{40}\.json")
_ROOT_VALUE_OPTIONS = ("--config", "--db")
_REPO_OPTIONS = ("--repo", "-C")


@dataclass
class _Run:
    """What the command being recorded said about its answer."""

    expires: float | None = None  # a Unix time after which the answer may be different
    uncacheable: bool = False
    roots: set[Path] = field(default_factory=set)  # the repositories it opened

    def forget(self) -> None:
        self.expires, self.uncacheable = None, False
        self.roots.clear()


_run = _Run()


def expires(moment: datetime) -> None:
    """The answer being computed holds until `moment` only (a window relative to now)."""
    seconds = moment.timestamp()
    _run.expires = seconds if _run.expires is None else min(_run.expires, seconds)


def opened(root: Path) -> None:
    """The command being run reads the repository at `root` (`techlead.project.Project` says).
    An answer is kept only when that is the one repository its key was computed for, so that
    a command line read wrongly here (`-qC PATH`) can never keep an answer under another key."""
    _run.roots.add(root.resolve())


def uncacheable() -> None:
    """The answer being computed must not be kept (it depends on something the key omits)."""
    _run.uncacheable = True


@dataclass(frozen=True)
class Invocation:
    """A command line of a command that keeps its answers: where its repository is and which
    configuration file it names."""

    argv: tuple[str, ...]
    repo: Path
    config: Path | None


def invocation(argv: Sequence[str], cached: frozenset[tuple[str, str]]) -> Invocation | None:
    """`argv` read far enough to know whether its answer may be kept and where; None for
    anything else (another command, help, the cache turned off, a line it cannot be sure of)."""
    index, config = 0, None
    while index < len(argv) and argv[index].startswith("-"):
        token = argv[index]
        name, equals, value = token.partition("=")
        if name not in _ROOT_VALUE_OPTIONS:
            return None  # --no-cache, --version, --help, or something the CLI will reject
        if not equals:
            if index + 1 >= len(argv):
                return None
            value = argv[index + 1]
            index += 1
        if name == "--config":
            config = Path(value)
        index += 1
    if tuple(argv[index : index + 2]) not in cached:
        return None
    rest = argv[index + 2 :]
    if any(token in ("-h", "--help", "--", OFF_OPTION) for token in rest):
        return None
    repos = _repo_values(rest)
    if repos is None or len(repos) > 1:
        return None
    return Invocation(tuple(argv), Path(repos[0]) if repos else Path("."), config)


def _repo_values(tokens: Sequence[str]) -> list[str] | None:
    found: list[str] = []
    for index, token in enumerate(tokens):
        if token in _REPO_OPTIONS:
            if index + 1 >= len(tokens) or tokens[index + 1].startswith("-"):
                return None
            found.append(tokens[index + 1])
        elif token.startswith("--repo="):
            found.append(token.partition("=")[2])
        elif token.startswith("-C"):
            found.append(token[2:])
        elif not token.startswith("--") and token.startswith("-") and "C" in token:
            return None  # -qC PATH: short options run together (found again by `opened`)
    return found


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def code_fingerprint(package: Path) -> str:
    """The name, size and modification time of every module under `package`: an edited
    checkout keeps its version number while its answers change (about 2 ms for techlead)."""
    found = []
    for directory, folders, files in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".html", ".mako")):
                status = os.stat(os.path.join(directory, name))
                found.append(f"{directory}/{name}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(found).encode()).hexdigest()


def _read(path: Path) -> str | None:
    """A digest of the file at `path`; None when there is none (the command says what else)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as error:  # a directory, unreadable: the same answer while it stays so
        return f"unreadable: {type(error).__name__}"


def _moves_cache(path: Path, *section: str) -> bool:
    """Whether the TOML file at `path` sets `history.cache_dir` (then the history cache is
    elsewhere, and so is its manifest); True when it cannot be read (the command will say)."""
    try:
        raw: Any = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError, RecursionError):  # not UTF-8, not TOML, nested too deep
        return True
    for name in section:
        raw = raw.get(name) if isinstance(raw, dict) else None
    history = raw.get("history") if isinstance(raw, dict) else None
    return isinstance(history, dict) and "cache_dir" in history


def _layout() -> dict[str, Any]:
    streams = {}
    for name, stream in (("stdout", sys.stdout), ("stderr", sys.stderr)):
        try:
            terminal = stream.isatty()
            size = tuple(os.get_terminal_size(stream.fileno())) if terminal else None
        except (AttributeError, OSError, ValueError):
            terminal, size = False, None
        streams[name] = [terminal, size, getattr(stream, "encoding", None)]
    return {
        "streams": streams,
        "environment": {name: os.environ.get(name) for name in LAYOUT_VARIABLES},
        "techlead": {k: v for k, v in os.environ.items() if k.startswith("TECHLEAD_")},
    }


@dataclass(frozen=True)
class Lookup:
    """Where the answer of one invocation is kept, and under which key."""

    root: Path
    key: str

    @property
    def path(self) -> Path:
        return self.root / DIRECTORY / f"{self.key[:40]}.json"


def lookup(found: Invocation) -> Lookup | None:
    """Where `found`'s answer is kept, None when it is not to be kept at all."""
    try:
        return _lookup(found)
    except OSError:  # the working directory is gone, say: the command will tell
        return None


def _lookup(found: Invocation) -> Lookup | None:
    told = _git(found.repo, "rev-parse", "--show-toplevel", "HEAD")
    lines = told.splitlines() if told else []
    if len(lines) != 2:
        return None  # not a repository, a bare one, no commits yet: the command will say
    root, head = Path(lines[0]), lines[1]
    config = Path.cwd() / found.config if found.config is not None else None
    own, pyproject = root / "techlead.toml", root / "pyproject.toml"
    if config is not None and _moves_cache(config):
        return None
    if _moves_cache(own) or _moves_cache(pyproject, "tool", "techlead"):
        return None
    manifest = _read(root / MANIFEST)
    if manifest is None:
        return None  # never scanned: the first run mines, and the next one stores
    described = {
        "format": FORMAT,
        "version": __version__,
        "code": code_fingerprint(Path(__file__).parent),
        "argv": found.argv,
        "cwd": str(Path.cwd()),
        "root": str(root),
        "head": head,
        "config": [str(config), _read(config)] if config is not None else None,
        "settings": [_read(own), _read(pyproject)],
        "mailmap": [_read(root / ".mailmap"), _git(root, "config", "--get-regexp", "^mailmap\\.")],
        "manifest": manifest,
        "today": datetime.now(UTC).date().isoformat(),
        "layout": _layout(),
    }
    text = json.dumps(described, sort_keys=True, default=str)
    return Lookup(root, hashlib.sha256(text.encode()).hexdigest())


def replayed(found: Lookup) -> bool:
    """Print the kept answer, if there is one that matches and holds; else False."""
    try:
        entry = json.loads(found.path.read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or entry.get("key") != found.key:
            return False
        out, err, until = entry["stdout"], entry["stderr"], entry["expires"]
        if not isinstance(out, str) or not isinstance(err, str):
            return False
        if until is not None and not (isinstance(until, float | int) and time.time() < until):
            return False
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return False
    with contextlib.suppress(BrokenPipeError):  # e.g. piped into `head`, which has exited
        sys.stdout.write(out)
        sys.stdout.flush()
        sys.stderr.write(err)
        sys.stderr.flush()
    return True


class _Copy:
    """A text stream that also keeps what is written to it. Whoever writes bytes to the
    underlying buffer makes the copy incomplete, and so the answer not kept."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.parts: list[str] = []
        self.size = 0
        self.complete = True

    def write(self, text: str) -> int:
        if self.size <= MAX_ENTRY_BYTES:
            self.parts.append(text)
        self.size += len(text)
        return self._stream.write(text)

    @property
    def buffer(self) -> Any:
        self.complete = False
        return self._stream.buffer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@dataclass
class Recording:
    """One run of a command whose answer may be kept."""

    found: Invocation
    kept: Lookup
    copies: tuple[_Copy, _Copy]
    progress_shown: Callable[[], bool]

    def keep(self, exit_code: int) -> None:
        """Store the answer if the run succeeded and what it depends on did not move."""
        if exit_code != 0 or _run.uncacheable or self.progress_shown():
            return
        if _run.roots != {self.kept.root.resolve()}:
            return
        out, err = self.copies
        if not (out.complete and err.complete) or out.size + err.size > MAX_ENTRY_BYTES:
            return
        if _run.expires is not None and _run.expires <= time.time():
            return
        if _through_a_link(self.kept.root):
            return
        with contextlib.suppress(OSError):
            after = lookup(self.found)
            if after is None or after.key != self.kept.key:
                return  # the run scanned new commits, or HEAD moved meanwhile
            entry = {
                "key": self.kept.key,
                "expires": _run.expires,
                "stdout": "".join(out.parts),
                "stderr": "".join(err.parts),
            }
            _write_atomically(self.kept.path, json.dumps(entry))
            _bound(self.kept.path.parent)


@contextlib.contextmanager
def recording(
    found: Invocation, kept: Lookup, progress_shown: Callable[[], bool]
) -> Iterator[Recording]:
    """Run a command inside: its stdout and stderr copied, its answer kept by `keep`."""
    _run.forget()
    copies = (_Copy(sys.stdout), _Copy(sys.stderr))
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = copies
    try:
        yield Recording(found, kept, copies, progress_shown)
    finally:
        sys.stdout, sys.stderr = saved
        _run.forget()


def _through_a_link(root: Path) -> bool:
    """Whether the answers' folder is reached through a symlink (a repository can commit one
    under .techlead/): nothing is written or removed there."""
    return any((root / Path(*DIRECTORY.parts[:depth])).is_symlink() for depth in (1, 2, 3))


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _bound(directory: Path) -> None:
    """Keep at most MAX_ENTRIES answers: the oldest written go first."""
    entries = []
    for path in directory.glob("*.json"):
        if not _ENTRY.fullmatch(path.name):
            continue  # not an answer this module wrote
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime, path))
    entries.sort()
    for _, path in entries[: max(0, len(entries) - MAX_ENTRIES)]:
        with contextlib.suppress(OSError):
            path.unlink()
