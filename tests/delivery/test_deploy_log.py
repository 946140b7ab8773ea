"""Reading a deploy log: the standard CSV quoting, long fields, and text that is not UTF-8."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.delivery.deployments import DeploymentError, from_log
from techlead.history.git import Repository, open_repository


@pytest.fixture
def tagged(repo: GitRepo) -> Repository:
    repo.commit("one", {"a.py": "1\n"}, date="2026-01-01T00:00:00+00:00")
    repo.git("tag", "v1")
    repo.commit("two", {"a.py": "2\n"}, date="2026-01-02T00:00:00+00:00")
    repo.git("tag", "v2")
    return open_repository(repo.path)


def test_a_field_longer_than_128_kib_is_read(tagged: Repository, tmp_path: Path) -> None:
    log = tmp_path / "deploys.csv"
    notes = "rolled out to every region, " * 10_000  # 280,000 characters
    log.write_text(f'time,version,notes\n2026-01-03T00:00:00+00:00,v1,"{notes}"\n')
    assert [d.name for d in from_log(log, tagged, None)] == ["v1"]


def test_quoted_line_breaks_keep_line_numbers_right(tagged: Repository, tmp_path: Path) -> None:
    log = tmp_path / "deploys.csv"
    log.write_text(
        "time,version,notes\n"
        '2026-01-03T00:00:00+00:00,v1,"first ""canary"",\nthen everyone"\n'
        "2026-01-04T00:00:00+00:00,v9,\n"
    )
    with pytest.raises(DeploymentError, match=re.escape("deploys.csv:4: 'v9' is no commit")):
        from_log(log, tagged, None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'time,version\n2026-01-03T00:00:00+00:00,v1\n2026-01-04T00:00:00+00:00,"v2\n',
            "deploys.csv:3: malformed CSV: a quote opened here is never closed",
        ),
        (
            "time,version,status\n2026-01-03T00:00:00+00:00,v1\n",
            "deploys.csv:2: 2 fields where the header has 3",
        ),
    ],
)
def test_broken_csv_is_blamed_on_its_line_not_on_a_commit(
    tagged: Repository, tmp_path: Path, content: str, message: str
) -> None:
    log = tmp_path / "deploys.csv"
    log.write_text(content)
    with pytest.raises(DeploymentError, match=re.escape(message)):
        from_log(log, tagged, None)


def test_a_latin1_log_is_refused_not_silently_replaced(
    tagged: Repository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "deploys.csv"
    log.write_bytes(b"time,version,environment\n2026-01-03T00:00:00+00:00,v1,M\xfcnchen\n")
    assert main(["delivery", "--log", str(log), "-C", str(tagged.root)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"error: {log}: not UTF-8 text (byte 0xfc at line 2, column 31, offset 55)"
    )
