"""Which repositories an organisation command covers: a directory of clones, or a file that
lists local paths and clone URLs."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from techlead.errors import TechleadError
from techlead.inputs.files import read_text

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


def _parts(location: str) -> list[str]:
    """The path parts of a location, the last without `.git` (`repo` of a bare mirror kept)."""
    parts = [p for p in location.rstrip("/").replace(":", "/").split("/") if p]
    if parts:
        parts[-1] = parts[-1].removesuffix(".git") or parts[-1]
    return parts or [location]


def _names(locations: list[str]) -> list[str]:
    """The shortest unique tails of the locations' paths: `api`, or `team-a/api`."""
    parts = [_parts(location) for location in locations]
    depth = [1] * len(parts)
    while True:
        names = ["/".join(p[-d:]) for p, d in zip(parts, depth, strict=True)]
        clashing = {n for n in names if names.count(n) > 1}
        grown = False
        for index, name in enumerate(names):
            if name in clashing and depth[index] < len(parts[index]):
                depth[index] += 1
                grown = True
        if not grown:
            return names


def _from_directory(directory: Path) -> list[str]:
    children = sorted(p for p in directory.iterdir() if p.is_dir() and is_repository(p))
    return [str(child.resolve()) for child in children]


def _entry(line: str) -> str:
    """A line without its comment: `#` after whitespace (URLs may hold `#`), or at the start."""
    text = line.strip()
    if text.startswith("#"):
        return ""
    return re.split(r"\s#", text, maxsplit=1)[0].strip()


def _from_file(listing: Path) -> list[str]:
    lines = read_text(listing, error=SourcesError).splitlines()
    found = []
    for line in lines:
        entry = _entry(line)
        if not entry:
            continue
        if URL.match(entry):
            found.append(entry)
        else:
            path = Path(entry).expanduser()
            # resolved: ../x and /abs/x (or a symlink to it) are one repository
            found.append(str((path if path.is_absolute() else listing.parent / path).resolve()))
    return found


def read_sources(given: Path) -> list[Source]:
    """The repositories `given` names: each immediate child of a directory that is a git
    repository, or each line of a file (a path, relative to the file, or a clone URL;
    `#` starts a comment). Names are the last path part, with as many parents as make them
    unique."""
    if given.is_dir():
        locations = _from_directory(given)
        where = f"{given}: no git repository among its immediate children"
    elif os.path.lexists(given):  # a file, or what read_text refuses saying what it is
        locations = _from_file(given)
        where = f"{given}: lists no repository"
    else:
        raise SourcesError(f"{given}: no such file or directory")
    if not locations:
        raise SourcesError(where)
    unique = list(dict.fromkeys(locations))
    return [Source(name, location) for name, location in zip(_names(unique), unique, strict=True)]
