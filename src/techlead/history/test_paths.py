"""Which paths are test code, by [review] test_paths (gitignore-style patterns): what review
counts as a change's tests, and what interview kits leave out."""

from __future__ import annotations

from pathspec import GitIgnoreSpec

from techlead.config import ReviewSettings
from techlead.errors import ConfigError


def spec_of_tests(settings: ReviewSettings) -> GitIgnoreSpec:
    """The matcher of test code; a pattern gitignore cannot read is a configuration error."""
    try:
        return GitIgnoreSpec.from_lines(settings.test_paths)
    except ValueError as exc:  # pathspec's error for a malformed pattern
        raise ConfigError(f"review.test_paths: {exc}") from None


def is_test_code(spec: GitIgnoreSpec, path: str) -> bool:
    """Whether `path` (relative to the repository) is test code."""
    return spec.match_file(path)
