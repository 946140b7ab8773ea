"""Leaving vendored, generated and lock files out of analyses (gitignore-style patterns)."""

from __future__ import annotations

import polars as pl


def keep_included(files: pl.DataFrame, patterns: list[str], column: str = "path") -> pl.DataFrame:
    """Rows of `files` whose `column` no pattern excludes."""
    if not patterns or files.is_empty():
        return files
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    keep = [not spec.match_file(path) for path in files.get_column(column).to_list()]
    return files.filter(pl.Series(keep, dtype=pl.Boolean))


def matching(paths: list[str], pattern: str) -> list[bool]:
    """Which paths a `--path` pattern (gitignore-style) selects."""
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines([pattern])
    return [spec.match_file(path) for path in paths]
