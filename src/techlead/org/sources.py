"""Which repositories an organisation command covers: a directory of clones, or a file that
lists local paths and clone URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from techlead.errors import TechleadError

URL = re.compile(r"^([a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


class SourcesError(TechleadError):
    """The list of repositories cannot be read."""


@dataclass(frozen=True)
class Source:
    """One repository: its name in reports, and a local path or a URL to clone."""

    name: str
    location: str

    @property
    def is_url(self) -> bool:
        return URL.match(self.location) is not None


def is_repository(path: Path) -> bool:
    """A working tree (`.git` directory or file) or a bare repository."""
    if (path / ".git").exists():
        return True
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def _name(location: str) -> str:
    tail = location.rstrip("/").replace(":", "/").rsplit("/", 1)[-1]
    return tail.removesuffix(".git") or location


def _from_directory(directory: Path) -> list[str]:
    children = sorted(p for p in directory.iterdir() if p.is_dir() and is_repository(p))
    return [str(child.absolute()) for child in children]


def _from_file(listing: Path) -> list[str]:
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{listing}: cannot read: {exc}") from None
    found = []
    for line in lines:
        entry = line.split("#", 1)[0].strip() if not URL.match(line.strip()) else line.strip()
        if not entry:
            continue
        if URL.match(entry):
            found.append(entry)
        else:
            path = Path(entry).expanduser()
            found.append(str(path if path.is_absolute() else (listing.parent / path).absolute()))
    return found


def read_sources(given: Path) -> list[Source]:
    """The repositories `given` names: each immediate child of a directory that is a git
    repository, or each line of a file (a path, relative to the file, or a clone URL;
    `#` starts a comment). Names are the last path part, made unique with their parent."""
    if given.is_dir():
        locations = _from_directory(given)
        where = f"{given}: no git repository among its immediate children"
    elif given.is_file():
        locations = _from_file(given)
        where = f"{given}: lists no repository"
    else:
        raise SourcesError(f"{given}: no such file or directory")
    if not locations:
        raise SourcesError(where)
    unique = list(dict.fromkeys(locations))
    names = [_name(location) for location in unique]
    clashing = {name for name in names if names.count(name) > 1}
    return [
        Source(
            f"{_name(str(Path(location).parent))}/{name}" if name in clashing else name, location
        )
        for name, location in zip(names, unique, strict=True)
    ]
