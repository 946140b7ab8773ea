from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gitrepo import GitRepo

# What needs more than python3, git and make. Without it those tests skip, saying how to include
# them; under CI (CI=true) they must run, so a missing server or browser fails there instead.
NO_CHROMIUM = "Chromium not found — apt-get install chromium or set TECHLEAD_CHROMIUM"
NO_POSTGRESQL = (
    "PostgreSQL not available ({cause}) — apt-get install postgresql "
    "or set TECHLEAD_TEST_POSTGRES_URL"
)


def unavailable(reason: str) -> None:
    """Skip this test for want of `reason`; fail it under CI, which provides everything."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium the PDF reports and the browser tests use (techlead's own finder)."""
    from techlead.pdf import find_chromium

    found = find_chromium()
    if found is None:
        unavailable(NO_CHROMIUM)
    assert found is not None
    return found


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    """End the run (after pytest's short summary) saying what was skipped and how to include it."""
    yield
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if not reasons:
        return
    terminalreporter.section("what was skipped")
    for reason, count in sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0])):
        terminalreporter.write_line(f"{count} test{'s' if count > 1 else ''} skipped: {reason}")


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
        unavailable(NO_POSTGRESQL.format(cause=exc))
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
