from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gitrepo import GitRepo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], GitRepo]:
    """Build a fresh repository under the test's temporary directory."""

    def make(name: str = "repo") -> GitRepo:
        return GitRepo(tmp_path / name)

    return make


@pytest.fixture
def repo(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    return make_repo("repo")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """An administrative URL of a real PostgreSQL server (CI's, or one started here)."""
    import os
    import shutil
    import tempfile

    import pgserver

    given = os.environ.get(pgserver.ENVIRONMENT_VARIABLE)
    if given:
        yield given
        return
    # not under pytest's own temporary directory: the server may run as another user
    base = Path(tempfile.mkdtemp(prefix="techlead-postgres-"))
    try:
        with pgserver.throwaway_server(base) as url:
            yield url
    except pgserver.UnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The record store on SQLite (a file) and on PostgreSQL (a fresh database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    import pgserver

    with pgserver.fresh_database(request.getfixturevalue("postgres_admin")) as url:
        yield url
