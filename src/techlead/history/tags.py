"""Tags, read fresh on every scan (they are few and can move), and which of them are releases."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import polars as pl

from techlead.history import schema
from techlead.history.git import Repository, run_git
from techlead.plurals import counted

_FORMAT = (
    "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)"
    "%00%(creatordate:unix)"
)


def read_tags(repo: Repository) -> pl.DataFrame:
    """One row per tag that points (directly or through a tag object) at a commit."""
    output = run_git(repo.root, ["for-each-ref", f"--format={_FORMAT}", "refs/tags"]).stdout
    rows = []
    for line in output.decode("utf-8", "backslashreplace").splitlines():
        name, kind, target, peeled_kind, peeled, created = line.split("\0")
        if kind == "commit":
            rows.append((name, target, int(created or 0), False))
        elif kind == "tag" and peeled_kind == "commit":
            rows.append((name, peeled, int(created or 0), True))
    frame = pl.DataFrame(
        rows,
        schema={
            "tag": pl.String,
            "commit": pl.String,
            "tagged_at": pl.Int64,
            "is_annotated": pl.Boolean,
        },
        orient="row",
    )
    return frame.with_columns((pl.col("tagged_at") * 1_000_000).cast(schema.UTC_TIME)).sort("tag")


# A version-like tag: a prefix without digits (`v`, `rel_`, `release-`, `name-`), numbers
# joined by `.`, `_` or `-` (one number alone only after a prefix: `v2`), and perhaps a short
# suffix (`rc1`, `.dev0`, `-beta.2`, `+build`, `-hotfix1`).
_VERSION = re.compile(
    r"^(?P<prefix>\D*)(?P<numbers>\d+(?:[._-]\d+)*)(?P<rest>[._+-]?[A-Za-z][\w.+-]{0,19})?$"
)
# Pre-release and development builds: a1, b2, rc1, .dev0, -alpha, -beta.2, -pre, -preview,
# snapshot, canary, nightly, next to a digit or a separator (or opening the tag).
_PRERELEASE = re.compile(
    r"(?:^|(?<=[\d._+-]))(?:a|b|rc|alpha|beta|pre|preview|dev|snapshot|canary|nightly)\d*"
    r"(?=$|[^A-Za-z])",
    re.IGNORECASE,
)


def _version(tag: str) -> re.Match[str] | None:
    match = _VERSION.match(tag)
    if match and (match.group("prefix") or not match.group("numbers").isdigit()):
        return match
    return None


def is_prerelease(tag: str) -> bool:
    """Whether a tag names a pre-release or development build (`2.1.0b1`, `v1.0-rc.1`, ...)."""
    return _PRERELEASE.search(tag) is not None


def _glob_escaped(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]\\" else c for c in text)


@dataclass(frozen=True)
class ReleaseTags:
    """The tags that are releases, and how they were chosen."""

    pattern: str  # a glob (fnmatch here, wildmatch for `git describe --match`)
    detected: bool  # not configured: the prefix most version-like tags share
    tags: pl.DataFrame  # the releases (pre-releases left out unless asked for)
    prereleases_left_out: int
    version_like: int  # tags that look like a version (what detection chose among)

    @property
    def description(self) -> str:
        """How the pattern was chosen, in one phrase (for captions and notes)."""
        how = (
            f"detected: {self.tags.height + self.prereleases_left_out} of "
            f"{self.version_like} version-like tags"
            if self.detected
            else "configured"
        )
        count = self.prereleases_left_out
        left = f"; {counted(count, 'pre-release tag')} left out" if count else ""
        return f"tags {self.pattern} ({how}{left})"


def detect_pattern(names: list[str]) -> str | None:
    """The glob of the release tags: `PREFIX[0-9]*` for the prefix that most version-like tags
    share (final releases counted first; ties to the shorter, then the first prefix)."""
    counts: dict[str, list[int]] = {}
    for name in names:
        match = _version(name)
        if match:
            count = counts.setdefault(match.group("prefix"), [0, 0])
            count[0 if not is_prerelease(name) else 1] += 1
    if not counts:
        return None
    best = min(counts, key=lambda p: (-counts[p][0], -sum(counts[p]), len(p), p))
    return _glob_escaped(best) + "[0-9]*"


def release_tags(
    tags: pl.DataFrame, pattern: str | None, prereleases: bool = False
) -> ReleaseTags | None:
    """The release tags: those matching `pattern` (else the detected one), pre-releases left out
    unless `prereleases`; None when no pattern was given and no tag looks like a version."""
    names = tags.get_column("tag").to_list()
    chosen = pattern if pattern is not None else detect_pattern(names)
    if chosen is None:
        return None
    matching = [n for n in names if fnmatch.fnmatchcase(n, chosen)]
    kept = matching if prereleases else [n for n in matching if not is_prerelease(n)]
    return ReleaseTags(
        chosen,
        pattern is None,
        tags.filter(pl.col("tag").is_in(kept)),
        len(matching) - len(kept),
        sum(1 for n in names if _version(n)),
    )
