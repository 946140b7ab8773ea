"""Writing a file whole or not at all: the content goes to a temporary file in the same folder,
which is then renamed over the target, so a reader never sees half of it and a crash leaves
the old file (ADR 0035). A general file utility, not a mined fact: the history cache, SARIF
reports, runbooks, postmortems and the complexity cache all write through it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_FILE_MODE = 0o666 & ~_umask()


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write` with a temporary path next to `path`, then rename it into place."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(temporary))
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes 0600; written files follow the umask
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
