"""Tags, read fresh on every scan (they are few and can move)."""

from __future__ import annotations

import polars as pl

from techlead.history import schema
from techlead.history.git import Repository, run_git

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
