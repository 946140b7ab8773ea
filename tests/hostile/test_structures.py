"""Property: whatever a file's structure — nested thousands deep, in another encoding, with NUL
bytes, with a field of hundreds of kilobytes, or plain noise — each reader either reads it or
refuses it with one line naming the file (a TechleadError), never anything else.

One strategy per format (TOML, YAML front matter, JSON, XML, CSV, line listings) makes the
hostile variants of a valid document; each test feeds them to the readers of that format."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitrepo import GitRepo
from techlead.config import PlanningSettings, load_settings
from techlead.decisions.records import parse_record
from techlead.delivery.deployments import from_log
from techlead.errors import TechleadError
from techlead.history.git import Repository, open_repository
from techlead.incidents.runbooks import mark_reviewed, read_runbook
from techlead.org.sources import read_sources
from techlead.planning.importer import ExportFormat, read_export
from techlead.release.evidence import read_audit, read_junit

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-32"])
ACCENTED = st.text(alphabet="aé€ßж中\u2028\u00a0", min_size=1, max_size=12)


def hostile(
    template: str, nested: Callable[[int], str], quote: Callable[[str], str]
) -> st.SearchStrategy[bytes]:
    """Variants of `template` (a valid document with one `{value}`): the value nested up to
    10,000 deep, accented text in another encoding, NUL bytes anywhere, a field of up to
    300,000 characters, or noise."""
    valid = template.format(value=quote("ok")).encode()
    nul = st.tuples(st.integers(0, len(valid)), st.integers(1, 3)).map(
        lambda at: valid[: at[0]] + b"\0" * at[1] + valid[at[0] :]
    )
    return st.one_of(
        st.integers(1, 10_000).map(lambda depth: template.format(value=nested(depth)).encode()),
        st.tuples(ACCENTED, ENCODINGS).map(
            lambda pair: template.format(value=quote(pair[0])).encode(pair[1], "replace")
        ),
        nul,
        st.integers(1, 300_000).map(lambda size: template.format(value=quote("a" * size)).encode()),
        st.binary(max_size=300),
    )


def _one_line_naming(error: TechleadError, path: Path) -> None:
    assert "\n" not in error.message, error.message
    assert path.name in error.message or "--" in error.message, error.message


def _reads_or_refuses(read: Callable[[], object], path: Path) -> None:
    try:
        read()
    except TechleadError as error:
        _one_line_naming(error, path)


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


TOML = hostile(
    "[identities]\nbots = [{value}]\n\n[runbooks]\nreview_days = 30\n",
    lambda depth: "[" * depth + '"x"' + "]" * depth,
    lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"',
)


@SETTINGS
@given(TOML)
def test_techlead_toml_is_read_or_refused_in_one_line(content: bytes) -> None:
    with _folder() as root:
        (root / "techlead.toml").write_bytes(content)
        _reads_or_refuses(lambda: load_settings(root), root / "techlead.toml")
        (root / "techlead.toml").unlink()
        (root / "pyproject.toml").write_bytes(content.replace(b"[identities]", b"[tool.x]", 1))
        _reads_or_refuses(lambda: load_settings(root), root / "pyproject.toml")


FRONT_MATTER = hostile(
    "---\nstatus: accepted\nservice: pay\nowner: ann\nlast-reviewed: 2024-01-01\n"
    "tags: {value}\n---\n\n# Use one database\n\n## Context and Problem Statement\n\nx\n",
    lambda depth: (
        "[" * depth + "x" + "]" * depth if depth % 2 else "{a: " * depth + "x" + "}" * depth
    ),
    lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"',
)


@SETTINGS
@given(FRONT_MATTER)
def test_front_matter_of_records_and_runbooks_is_read_or_refused(content: bytes) -> None:
    with _folder() as folder:
        record = folder / "0001-use-one-database.md"
        record.write_bytes(content)
        _reads_or_refuses(lambda: parse_record(record), record)
        runbook = folder / "payments.md"
        runbook.write_bytes(content)
        _reads_or_refuses(
            lambda: mark_reviewed(read_runbook(runbook), dt.date(2024, 6, 1)), runbook
        )


JSON = hostile(
    '{{"dependencies": [{{"name": "requests", "version": "2.0", "vulns": [{value}]}}]}}',
    lambda depth: (
        "[" * depth + "1" + "]" * depth if depth % 2 else '{"a": ' * depth + "1" + "}" * depth
    ),
    lambda text: '{"id": "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"}',
)


@SETTINGS
@given(JSON)
def test_json_evidence_and_exports_are_read_or_refused(content: bytes) -> None:
    with _folder() as folder:
        path = folder / "report.json"
        path.write_bytes(content)
        _reads_or_refuses(lambda: read_audit(path), path)
        for chosen in (ExportFormat.auto, ExportFormat.github, ExportFormat.jira_json):
            _reads_or_refuses(
                functools.partial(read_export, path, chosen, PlanningSettings()), path
            )


XML = hostile(
    "<testsuite><testcase name={value}/></testsuite>",
    lambda depth: '"x"><s>' + "<a>" * depth + "</a>" * depth + '</s><testcase name="y"',
    lambda text: '"' + text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;") + '"',
)


@SETTINGS
@given(XML)
def test_junit_xml_is_read_or_refused(content: bytes) -> None:
    with _folder() as folder:
        path = folder / "junit.xml"
        path.write_bytes(content)
        _reads_or_refuses(lambda: read_junit(path), path)


CSV = hostile(
    "Issue key,Summary,Status,Created\nSHOP-1,{value},To Do,02/May/24 9:15 AM\n",
    lambda depth: '"' * depth,
    lambda text: '"' + text.replace('"', '""') + '"',
)


@SETTINGS
@given(CSV)
def test_csv_exports_and_incident_imports_are_read_or_refused(content: bytes) -> None:
    with _folder() as folder:
        path = folder / "export.csv"
        path.write_bytes(content)
        for chosen in (ExportFormat.auto, ExportFormat.jira_csv, ExportFormat.linear):
            _reads_or_refuses(
                functools.partial(read_export, path, chosen, PlanningSettings()), path
            )


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    repo = GitRepo(tmp_path_factory.mktemp("deploys") / "repo")
    repo.commit("one", {"a.py": "a = 1\n"})
    return open_repository(repo.path)


DEPLOY_LOG = hostile(
    "time,commit,environment\n2024-01-02T00:00:00Z,HEAD,{value}\n",
    lambda depth: '"' * depth,
    lambda text: '"' + text.replace('"', '""') + '"',
)


@settings(SETTINGS, max_examples=25)
@given(DEPLOY_LOG, st.booleans())
def test_deploy_logs_are_read_or_refused(
    deployed: Repository, content: bytes, as_json: bool
) -> None:
    with _folder() as folder:
        path = folder / ("deploys.json" if as_json else "deploys.csv")
        path.write_bytes(content)
        _reads_or_refuses(lambda: from_log(path, deployed, None), path)


LISTING = hostile(
    "# repositories\n{value}\n",
    lambda depth: "../" * depth,
    lambda text: text,
)


@SETTINGS
@given(LISTING)
def test_org_listings_are_read_or_refused(content: bytes) -> None:
    with _folder() as folder:
        path = folder / "repos.txt"
        path.write_bytes(content)
        _reads_or_refuses(lambda: read_sources(path), path)
