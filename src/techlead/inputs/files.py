"""Opening a file on a user's behalf: inside its root, a regular file, bounded, UTF-8.

Every check names the file and says in one line what is wrong. A file is refused, never
followed, when its path (through symlinks or `..`) leads outside the root it belongs to; a
FIFO or a device is refused before it is opened, so `/dev/zero` cannot fill memory and a FIFO
cannot block; a file larger than the cap is refused before it is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from techlead.errors import TechleadError

MIB = 1024 * 1024
DEFAULT_LIMIT_MB = 256  # [files] max_input_mb
DEFAULT_LIMIT = DEFAULT_LIMIT_MB * MIB
LIMIT_HINT = "raise [files] max_input_mb in techlead.toml for an export this large"


class InputError(TechleadError):
    """A file techlead was asked to read that it refuses or cannot read as text."""


ErrorKind = type[TechleadError]


def inside(path: Path, root: Path, error: ErrorKind = InputError) -> Path:
    """`path` with its symlinks resolved; refused when that leads outside `root`."""
    try:
        resolved = path.resolve()
        base = root.resolve()
    except ValueError:  # a NUL in the name
        raise error(f"{_shown(path)}: a NUL byte in the file name") from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python 3.11)
        raise error(f"{path}: cannot resolve: {getattr(exc, 'strerror', None) or exc}") from None
    if not resolved.is_relative_to(base):
        raise error(
            f"{path}: refused: it leads outside {root} (through a symlink or ..)",
            hint="techlead reads only files inside the directory they belong to",
        )
    return resolved


def folder(root: Path, chosen: Path, what: str, error: ErrorKind = InputError) -> Path:
    """The folder a setting names: an absolute path as given (the user's choice), a relative
    one under `root` and refused when it leads outside it."""
    if chosen.is_absolute():
        return chosen
    path = root / chosen
    try:
        inside(path, root, error)
    except TechleadError as exc:
        raise error(
            f"{what} {chosen}: refused: it leads outside the repository {root}",
            hint="name a folder inside the repository, or an absolute path",
        ) from exc
    return path


def _shown(path: Path) -> str:
    return repr(str(path).replace("\0", "\\0"))


def _size(count: int) -> str:
    return f"{count / MIB:,.1f} MiB" if count >= MIB else f"{count:,} bytes"


def _checked_stat(path: Path, target: Path, error: ErrorKind) -> os.stat_result:
    try:
        info = os.stat(target)
    except ValueError:
        raise error(f"{_shown(path)}: a NUL byte in the file name") from None
    except (FileNotFoundError, NotADirectoryError):
        raise error(f"{path}: no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None
    _regular(path, info, error)
    return info


def _regular(path: Path, info: os.stat_result, error: ErrorKind) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        raise error(f"{path}: not a regular file ({kind}); give a file")


def _too_large(path: Path, limit: int, error: ErrorKind, size: int | None = None) -> TechleadError:
    held = f" ({_size(size)})" if size is not None else ""
    return error(f"{path}: larger{held} than the {_size(limit)} one input may hold", LIMIT_HINT)


def check_file(path: Path, *, within: Path | None = None, error: ErrorKind = InputError) -> None:
    """Refuse, as `read_bytes` would, a path that is not a regular file (before any work)."""
    _checked_stat(path, inside(path, within, error) if within is not None else path, error)


def is_regular_file(path: Path, *, within: Path | None = None) -> bool:
    """Whether `read_bytes` would open `path` (its size aside): a regular file, inside
    `within` when given."""
    try:
        target = inside(path, within) if within is not None else path
        return stat.S_ISREG(os.stat(target).st_mode)
    except (TechleadError, OSError, ValueError):
        return False


def read_bytes(
    path: Path,
    *,
    within: Path | None = None,
    limit: int | None = None,
    error: ErrorKind = InputError,
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (inside `within` when given)."""
    cap = DEFAULT_LIMIT if limit is None else limit
    target = inside(path, within, error) if within is not None else path
    info = _checked_stat(path, target, error)
    if info.st_size > cap:
        raise _too_large(path, cap, error, info.st_size)
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open does not hang
        descriptor = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None
    with open(descriptor, "rb") as handle:
        _regular(path, os.fstat(handle.fileno()), error)
        try:
            data = handle.read(cap + 1)
        except OSError as exc:
            raise error(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > cap:  # it grew since the check
        raise _too_large(path, cap, error)
    return data


def decode(
    data: bytes,
    path: Path,
    error: ErrorKind = InputError,
    *,
    newlines: bool = True,
    nul: bool = False,
) -> str:
    """UTF-8 text, with or without a byte-order mark; a NUL byte is refused (not text) unless
    `nul` (for a reader that names the field holding it). `newlines` turns CRLF and CR into
    LF, as Python's text files do."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, "
            f"column {column}, offset {exc.start})",
            hint="save the file as UTF-8",
        ) from None
    at = -1 if nul else text.find("\0")
    if at >= 0:
        raise error(f"{path}: a NUL byte at line {text.count(chr(10), 0, at) + 1}: not text")
    return _newlines(text) if newlines else text


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(
    path: Path,
    *,
    within: Path | None = None,
    limit: int | None = None,
    error: ErrorKind = InputError,
    lenient: bool = False,
    newlines: bool = True,
    nul: bool = False,
) -> str:
    """A text file as `read_bytes` opens it, decoded as `decode` does; `lenient` replaces what
    is not UTF-8 instead (for scanning many files for links)."""
    data = read_bytes(path, within=within, limit=limit, error=error)
    if not lenient:
        return decode(data, path, error, newlines=newlines, nul=nul)
    text = data.decode("utf-8-sig", "replace")
    return _newlines(text) if newlines else text


def scanned_text(path: Path, within: Path) -> str | None:
    """A file read while scanning many (for links or names): inside `within`, what is not
    UTF-8 replaced; None when it is refused or gone, for the scan to pass over."""
    try:
        return read_text(path, within=within, lenient=True)
    except TechleadError:
        return None
