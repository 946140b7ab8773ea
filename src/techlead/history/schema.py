"""The columns of the mined history tables."""

from __future__ import annotations

import polars as pl
from polars.datatypes import DataType

UTC_TIME = pl.Datetime("us", "UTC")
_TEXT: DataType = pl.String()

_COMMIT_COLUMNS: dict[str, DataType] = {
    "commit": _TEXT,
    "parents": pl.List(_TEXT),
    "author_name": _TEXT,
    "author_email": _TEXT,
    "author_time": UTC_TIME,
    "author_tz": pl.Int16(),
    "committer_name": _TEXT,
    "committer_email": _TEXT,
    "committer_time": UTC_TIME,
    "committer_tz": pl.Int16(),
    "subject": _TEXT,
    "body": _TEXT,
    "co_authors": pl.List(_TEXT),
    "is_merge": pl.Boolean(),
}

_CHANGE_COLUMNS: dict[str, DataType] = {
    "commit": _TEXT,
    "path": _TEXT,
    "old_path": _TEXT,
    "change_type": _TEXT,
    "added": pl.Int64(),
    "deleted": pl.Int64(),
    "is_binary": pl.Boolean(),
    "blob": _TEXT,
    "mode": pl.Int32(),
}

_TAG_COLUMNS: dict[str, DataType] = {
    "tag": _TEXT,
    "commit": _TEXT,
    "tagged_at": UTC_TIME,
    "is_annotated": pl.Boolean(),
}

COMMITS = pl.Schema(_COMMIT_COLUMNS)
FILE_CHANGES = pl.Schema(_CHANGE_COLUMNS)
TAGS = pl.Schema(_TAG_COLUMNS)
