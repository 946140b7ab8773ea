"""The one exception root of techlead and its kinds of failure."""

from __future__ import annotations


class TechleadError(Exception):
    """A failure the user can act on; the CLI prints it as one line and exits 2."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(TechleadError):
    """The configuration file is malformed or has an invalid setting."""


class NotAGitRepositoryError(TechleadError):
    """A path given as a repository is not inside a git repository."""


class GitError(TechleadError):
    """git itself failed or is missing."""


class CacheError(TechleadError):
    """The history cache cannot be read or written."""


class NotFoundError(TechleadError):
    """Something named (a file, a person, a record) does not exist; a web page answers 404."""
