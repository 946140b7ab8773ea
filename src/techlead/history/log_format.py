"""The git output format techlead mines, and its streaming parser.

`git diff-tree --stdin -z --raw --numstat` prints, per commit, a header in our own format, then one
raw entry (modes, blob ids, change type) and one numstat entry (lines added/deleted) per changed
file, every field NUL-terminated. Paths are consumed by position, never searched for, so any byte
a path can hold (spaces, quotes, newlines, non-UTF-8) is safe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

HEADER_MARK = "\x01"
COAUTHOR_SEPARATOR = "\x1f"
_HEADER_FIELDS = (
    "%H",
    "%P",
    "%aN",
    "%aE",
    "%ad",
    "%cN",
    "%cE",
    "%cd",
    "%s",
    "%b",
    "%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x1f)",
)
HEADER_FIELD_COUNT = len(_HEADER_FIELDS)
# A co-author line as GitHub reads it: its own line, a name and an email, anywhere in the closing
# paragraphs. git's trailer parser only reads the very last paragraph, and not at all when a
# separator line such as GitHub's squash-merge `---------` sits in it.
_COAUTHOR_LINE = re.compile(
    r"^[ \t]*co-authored-by:[ \t]*(\S[^<>\n]*<[^<>\n]+>)[ \t]*$", re.IGNORECASE | re.MULTILINE
)

DIFF_TREE_ARGS = (
    "diff-tree",
    "--stdin",
    "-r",
    "-M",
    "--root",
    "--always",
    "--raw",
    "--numstat",
    "-z",
    "--no-abbrev",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--date=raw",
    "--format=" + HEADER_MARK + "%x00".join(_HEADER_FIELDS),
)


@dataclass
class MinedColumns:
    """Column lists of one mined chunk, ready to become frames."""

    commit: list[str] = field(default_factory=list)
    parents: list[list[str]] = field(default_factory=list)
    author_name: list[str] = field(default_factory=list)
    author_email: list[str] = field(default_factory=list)
    author_time: list[int] = field(default_factory=list)
    author_tz: list[int] = field(default_factory=list)
    committer_name: list[str] = field(default_factory=list)
    committer_email: list[str] = field(default_factory=list)
    committer_time: list[int] = field(default_factory=list)
    committer_tz: list[int] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    co_authors: list[list[str]] = field(default_factory=list)
    # file changes
    fc_commit: list[str] = field(default_factory=list)
    fc_path: list[str] = field(default_factory=list)
    fc_old_path: list[str | None] = field(default_factory=list)
    fc_change: list[str] = field(default_factory=list)
    fc_added: list[int | None] = field(default_factory=list)
    fc_deleted: list[int | None] = field(default_factory=list)
    fc_blob: list[str | None] = field(default_factory=list)
    fc_mode: list[int] = field(default_factory=list)


def _tz_minutes(offset: str) -> int:
    sign = -1 if offset.startswith("-") else 1
    digits = offset.lstrip("+-").rjust(4, "0")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4]))


def _split_date(raw: str) -> tuple[int, int]:
    seconds, _, offset = raw.partition(" ")
    return int(seconds), _tz_minutes(offset or "+0000")


def tokens(blocks: Iterable[bytes]) -> Iterator[str]:
    """NUL-terminated fields of a byte stream, decoded; a field may span blocks."""
    pending = b""
    for block in blocks:
        data = pending + block
        cut = data.rfind(b"\0")
        if cut < 0:
            pending = data
            continue
        pending = data[cut + 1 :]
        yield from data[:cut].decode("utf-8", "backslashreplace").split("\0")
    if pending:
        yield pending.decode("utf-8", "backslashreplace")


_NO_BLOB = "0" * 40


def parse(stream: Iterator[str], out: MinedColumns, claim: Callable[[str], bool]) -> int:
    """Parse a diff-tree stream into `out`; return the number of commits kept.

    `claim` is asked about each commit as its header arrives; on False parsing stops there, so
    that two readers of one stretch of history can meet in the middle.
    """
    count = 0
    token = next(stream, None)
    while token is not None:
        if not token.startswith(HEADER_MARK):
            raise ValueError(f"unexpected git output near {token[:40]!r}")
        header = [token[1:]] + [next(stream) for _ in range(HEADER_FIELD_COUNT - 1)]
        if not claim(header[0]):
            break
        _add_commit(out, header)
        count += 1
        token = _parse_changes(stream, out, header[0])
    return count


def _add_commit(out: MinedColumns, header: list[str]) -> None:
    sha, parents, name, email, adate, cname, cemail, cdate = header[:8]
    out.commit.append(sha)
    out.parents.append(parents.split())
    out.author_name.append(name)
    out.author_email.append(email)
    seconds, tz = _split_date(adate)
    out.author_time.append(seconds)
    out.author_tz.append(tz)
    out.committer_name.append(cname)
    out.committer_email.append(cemail)
    seconds, tz = _split_date(cdate)
    out.committer_time.append(seconds)
    out.committer_tz.append(tz)
    out.subject.append(header[8])
    out.body.append(header[9].strip())
    out.co_authors.append(co_authors(header[9], header[10]))


def co_authors(body: str, trailers: str) -> list[str]:
    """The co-authors of a commit: git's `Co-authored-by` trailers, and every co-author line of
    its body (GitHub squash merges put them after a `---------` line and inside the squashed
    messages), each once, in order."""
    found = [item.strip() for item in trailers.split(COAUTHOR_SEPARATOR) if item.strip()]
    found += [match.strip() for match in _COAUTHOR_LINE.findall(body)]
    return list(dict.fromkeys(found))


def _parse_changes(stream: Iterator[str], out: MinedColumns, sha: str) -> str | None:
    """Read one commit's raw and numstat entries; return the token after them."""
    token = next(stream, None)
    if token is not None and token.startswith("\n:"):
        token = token[1:]
    raw: list[tuple[str, str | None, str, str | None, int]] = []
    while token is not None and token.startswith(":"):
        old_mode, new_mode, _old_blob, new_blob, status = token[1:].split(" ")
        first = next(stream)
        if status[0] in "RC":
            old_path: str | None = first
            path = next(stream)
        else:
            old_path, path = None, first
        deleted = status[0] == "D"
        blob = None if deleted or new_blob == _NO_BLOB else new_blob
        mode = int(old_mode if deleted else new_mode, 8)
        raw.append((path, old_path, status[0], blob, mode))
        token = next(stream, None)
    for path, old_path, change, blob, mode in raw:
        if token is None or token.startswith(HEADER_MARK):
            raise ValueError(f"git output for {sha} has fewer numstat than raw entries")
        added, deleted_lines, rest = token.split("\t", 2)
        if not rest:  # a rename: the two paths follow as their own fields
            next(stream)
            next(stream)
        binary = added == "-"
        out.fc_commit.append(sha)
        out.fc_path.append(path)
        out.fc_old_path.append(old_path)
        out.fc_change.append(change)
        out.fc_added.append(None if binary else int(added))
        out.fc_deleted.append(None if binary else int(deleted_lines))
        out.fc_blob.append(blob)
        out.fc_mode.append(mode)
        token = next(stream, None)
    return token
